/**
 * What the module does with Slack's interactions, once the signature held. A ticket's message
 * carries buttons whose `action_id` is `ticket:<close|claim>:<id>` and an answer field
 * (`plain_text_input` with `dispatch_action`, `action_id` `ticket:reply:<id>`): pressing Enter
 * sends the typed answer. Who acts is the Slack user of the signed payload, linked by the admin to
 * a staff account; the `action_id` only names the ticket and the action. Slack wants its ack
 * within 3 s and ignores what a `block_actions` ack holds, so the outcome goes back to the user
 * as an ephemeral message on the interaction's `response_url`, after the ack.
 */
import type { HelpdeskResult } from '../../sdk/helpdesk.js';
import { REPLY_MAX, type InteractionDeps } from './discord-interactions.js';

interface SlackAction {
  action_id?: unknown;
  type?: unknown;
  value?: unknown;
}

interface SlackPayload {
  type?: unknown;
  user?: { id?: unknown };
  actions?: unknown;
  response_url?: unknown;
}

/** What to tell the user (on `response_url`), or null when there is nothing to say. */
export interface SlackOutcome {
  text: string;
  responseUrl: string | null;
}

/** Acts on one verified `block_actions` payload and says what to tell the user. */
export async function actOnSlack(payload: unknown, deps: InteractionDeps): Promise<SlackOutcome | null> {
  const p = (payload ?? {}) as SlackPayload;
  if (p.type !== 'block_actions' || !Array.isArray(p.actions) || !p.actions.length) return null;
  const responseUrl = typeof p.response_url === 'string' ? p.response_url : null;
  const tell = (key: string, vars?: Record<string, string | number>) => ({ text: deps.t(key, vars), responseUrl });
  const action = p.actions[0] as SlackAction;
  const m = /^ticket:(reply|close|claim):(\d{1,12})$/.exec(String(action.action_id ?? ''));
  if (!m) return tell('helpdesk.discord.unsupported');
  const [, what, ticketId] = m;
  if (!deps.helpdesk) return tell('helpdesk.discord.no_helpdesk');
  const slackUser = String(p.user?.id ?? '');
  const staffId = deps.links[slackUser];
  if (!staffId) return tell('helpdesk.slack.not_linked', { user: slackUser.slice(0, 20) });

  let result: HelpdeskResult;
  if (what === 'reply') {
    const content = typeof action.value === 'string' ? action.value.trim() : '';
    if (!content) return tell('helpdesk.discord.empty_reply');
    result = await deps.helpdesk.reply(ticketId, { staffId, content: content.slice(0, REPLY_MAX) });
  } else if (what === 'close') result = await deps.helpdesk.close(ticketId, { staffId });
  else result = await deps.helpdesk.assign(ticketId, staffId);
  if (result.ok) return tell(`helpdesk.discord.done_${what}`, { id: ticketId });
  return tell(`helpdesk.discord.refused_${result.reason}`, { id: ticketId, message: result.message });
}

/**
 * Where an outcome may be posted: Slack's own `https://hooks.slack.com/` (a signed payload could
 * still carry another address), or a loopback receiver where the host allows loopback (tests).
 */
export function responseUrlAllowed(url: string, allowLoopback: boolean): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:' && u.hostname === 'hooks.slack.com' && !u.username && !u.password && (u.port === '' || u.port === '443'))
    return true;
  return allowLoopback && u.protocol === 'http:' && u.hostname === '127.0.0.1';
}
