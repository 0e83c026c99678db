/** The audit trail of settings changes and of staff's actions from a chat (wh_audit): who, when, what. Never holds a URL in clear. */
import type { Knex } from 'knex';

export type AuditAction =
  | 'webhook.create'
  | 'webhook.update'
  | 'webhook.delete'
  | 'webhook.enable'
  | 'webhook.disable'
  | 'webhook.test'
  | 'webhook.retry_failed'
  | 'webhook.secret_rotated'
  | 'delivery.replay'
  /** Staff acting on a ticket from Discord or Slack (module/helpdesk/chat-audit.ts). */
  | 'helpdesk.reply'
  | 'helpdesk.claim'
  | 'helpdesk.close';

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: AuditAction;
  webhookId: number | null;
  details: Record<string, unknown>;
}

interface AuditRow {
  id: number | string;
  at: number | string;
  actor: string;
  action: string;
  webhook_id: number | null;
  details: string | null;
}

export class AuditStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
  ) {}

  async write(actor: string, action: AuditAction, webhookId: number | null, details: Record<string, unknown> = {}): Promise<void> {
    await this.db('wh_audit').insert({
      at: this.now(),
      actor: actor.slice(0, 200),
      action,
      webhook_id: webhookId,
      details: JSON.stringify(details),
    });
  }

  /** Newest first. */
  async list(opts: { webhookId?: number; limit?: number; offset?: number } = {}): Promise<{ items: AuditEntry[]; total: number }> {
    const base = this.db('wh_audit');
    if (opts.webhookId !== undefined) base.where({ webhook_id: opts.webhookId });
    const [{ n }] = (await base.clone().count({ n: '*' })) as { n: number | string }[];
    const rows: AuditRow[] = await base
      .clone()
      .select('*')
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 50)
      .offset(opts.offset ?? 0);
    return {
      total: Number(n),
      items: rows.map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        actor: r.actor,
        action: r.action as AuditAction,
        webhookId: r.webhook_id === null ? null : Number(r.webhook_id),
        details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : {},
      })),
    };
  }
}
