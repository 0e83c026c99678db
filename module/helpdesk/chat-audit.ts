/**
 * What staff did from a chat (Discord's buttons, Slack's buttons, modal and thread answers) goes
 * to the module's audit trail (wh_audit, the audit page and `GET …/api/audit`) beside the settings
 * changes: the chat user as the platform named them, the staff account they are linked to, the
 * ticket, and whether the host took it. Names come from the chat (anyone's display name): capped.
 */
import type { HelpdeskResult } from '../../sdk/helpdesk.js';
import type { AuditAction, AuditStore } from '../settings/audit-store.js';

export interface ChatActor {
  /** A platform id (module/platforms/). */
  platform: string;
  userId: string;
  /** As the chat gave it (Discord's global_name or username, Slack's username). */
  userName: string;
  staffId: string;
}

export type ChatAudit = (actor: ChatActor, action: 'reply' | 'claim' | 'close', ticketId: string, result: HelpdeskResult) => Promise<void>;

const cap = (s: string, n: number) => s.slice(0, n);

/** An audit writer for the helpdesk; a failed write never undoes or hides the action (logged by the caller). */
export function chatAudit(audit: Pick<AuditStore, 'write'>): ChatAudit {
  return (actor, action, ticketId, result) =>
    audit.write(
      `${cap(actor.staffId, 64)} (${actor.platform}: ${cap(actor.userName || actor.userId, 80)})`,
      `helpdesk.${action}` as AuditAction,
      null,
      {
        platform: actor.platform,
        chatUserId: cap(actor.userId, 64),
        chatUserName: cap(actor.userName, 100),
        staffId: cap(actor.staffId, 64),
        ticketId: cap(ticketId, 64),
        ok: result.ok,
        ...(result.ok ? {} : { reason: result.reason }),
      },
    );
}
