/**
 * What the module does with Slack's Events API (`POST …/slack/events`), once the signature held:
 * a `message` in the thread of a ticket's message (posted by the app with chat.postMessage, so
 * its channel and `ts` are known: delivery/bot-posts.ts) from a Slack user linked to a staff
 * member answers the ticket as that staff member.
 *
 *  - Ignored: the app's own and other bots' messages (`bot_id`, `subtype: bot_message`), edits and
 *    deletions (any `subtype`), messages outside a ticket's thread.
 *  - Once: Slack resends an event it got no quick 200 for (`X-Slack-Retry-Num`, same `event_id`);
 *    the event id is recorded before acting, so a retry acts no more.
 *  - No echo: the answer is already in the thread; the ticket.reply it causes is not posted back
 *    into it (its fingerprint is recorded for the worker).
 *  - Refused (not linked, no permission, closed ticket): nothing changes, and the user is told in
 *    an ephemeral message when the app has a bot token.
 * https://docs.slack.dev/reference/events/message , https://docs.slack.dev/apis/events-api/
 */
import type { HelpdeskPort, HelpdeskResult } from '../../sdk/helpdesk.js';
import { echoKey } from '../rendering/ticket-thread-plan.js';
import { slack } from '../platforms/slack/index.js';
import type { ChatAudit } from './chat-audit.js';
import { linkedStaff } from './linked-staff.js';
import { REPLY_MAX } from './discord-interactions.js';

interface SlackMessageEvent {
  type?: unknown;
  subtype?: unknown;
  bot_id?: unknown;
  user?: unknown;
  text?: unknown;
  channel?: unknown;
  ts?: unknown;
  thread_ts?: unknown;
}

export interface SlackEventsDeps {
  helpdesk: HelpdeskPort | null;
  /** Slack user id -> staff id. */
  links: Record<string, string>;
  /** The ticket whose message is `ts` in `channel`. */
  ticketOf(channel: string, ts: string): Promise<string | null>;
  /** Records the event; false when it was already (a retry). */
  firstSeen(eventId: string): Promise<boolean>;
  expectEcho(eventId: string, ticketId: string, channel: string, echo: string): Promise<void>;
  dropEcho(eventId: string): Promise<void>;
  t(key: string, vars?: Record<string, string | number>): string;
  /** Writes each answer taken (and refused) to the audit trail. */
  audit?: ChatAudit;
}

/** Words for the user who wrote, only them to see, under the ticket's message. */
export interface SlackEventOutcome {
  ephemeral: { channel: string; user: string; threadTs: string; text: string } | null;
  /** What happened, for the log (never the text). */
  did: 'ignored' | 'retry' | 'answered' | 'refused';
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const EVENT_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** Slack escapes these three in a message's text (https://docs.slack.dev/messaging/formatting-message-text). */
export const unescapeSlack = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export async function actOnSlackEvent(body: unknown, deps: SlackEventsDeps): Promise<SlackEventOutcome> {
  const ignored: SlackEventOutcome = { ephemeral: null, did: 'ignored' };
  const b = (body ?? {}) as { type?: unknown; event_id?: unknown; event?: unknown };
  const e = (b.event ?? {}) as SlackMessageEvent;
  if (b.type !== 'event_callback' || e.type !== 'message' || e.subtype !== undefined || e.bot_id !== undefined) return ignored;
  const [eventId, user, channel, ts, threadTs] = [b.event_id, e.user, e.channel, e.ts, e.thread_ts].map(str);
  // A thread's parent is not an answer; a message with no user is not a person's.
  if (!EVENT_ID.test(eventId) || !user || !channel || !threadTs || threadTs === ts) return ignored;
  const ticketId = await deps.ticketOf(channel, threadTs);
  if (!ticketId) return ignored;
  if (!(await deps.firstSeen(eventId))) return { ephemeral: null, did: 'retry' };
  const tell = (text: string): SlackEventOutcome => ({
    ephemeral: { channel, user, threadTs, text },
    did: 'refused',
  });
  if (!deps.helpdesk) return tell(deps.t('helpdesk.discord.no_helpdesk'));
  const staffId = linkedStaff(deps.links, user);
  if (!staffId) return tell(deps.t('helpdesk.slack.not_linked', { user: user.slice(0, 20) }));
  const content = unescapeSlack(str(e.text)).trim().slice(0, REPLY_MAX);
  if (!content) return ignored;
  // Before the reply: the host may emit its ticket.reply (and the worker pick it up) at once.
  await deps.expectEcho(eventId, ticketId, channel, echoKey(content));
  let result: HelpdeskResult;
  try {
    result = await deps.helpdesk.reply(ticketId, { staffId, content });
  } catch (err) {
    await deps.dropEcho(eventId);
    throw err;
  }
  // Events carry the user's id only: the name is the id.
  await deps.audit?.({ platform: slack.id, userId: user, userName: '', staffId }, 'reply', ticketId, result);
  if (result.ok) return { ephemeral: null, did: 'answered' };
  await deps.dropEcho(eventId);
  return tell(deps.t(`helpdesk.discord.refused_${result.reason}`, { id: ticketId, message: result.message }));
}
