/**
 * What the module does with Slack's interactions, once the signature held. A ticket's message
 * (module/platforms/slack/slack-ticket-blocks.ts) carries buttons whose `action_id` is
 * `ticket:<reply|claim|close>:<id>` and an answer field (`plain_text_input` with
 * `dispatch_action`, `action_id` `ticket:reply:<id>`): pressing Enter sends the typed answer. The
 * Reply button opens a modal (`views.open`, with the app's bot token) whose submit
 * (`view_submission`, callback_id `ticket:reply-modal:<id>`) answers the ticket; without a bot
 * token it points at the answer field. Who acts is the Slack user of the signed payload, linked by
 * the admin to a staff account; the `action_id` only names the ticket and the action.
 *
 * Slack wants its ack within 3 s and ignores what a `block_actions` ack holds, so what the user
 * sees comes after it on the interaction's `response_url`: the message replaced in its new state
 * (claimed, closed), or an ephemeral message. A `view_submission` is answered in its ack: empty to
 * close the modal, `response_action: errors` to show why not in it.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import type { HelpdeskResult } from '../../sdk/helpdesk.js';
import {
  MODAL_ANSWER,
  SLACK_INPUT_MAX,
  slackButtonState,
  slackMessageBlocks,
  slackReplyModal,
  slackTicketBlocks,
} from '../platforms/slack/slack-ticket-blocks.js';
import { parseTicketActionId, ticketButtonWords, withName } from '../platforms/ticket-actions.js';
import { slack } from '../platforms/slack/index.js';
import type { ChatActor } from './chat-audit.js';
import { linkedStaff } from './linked-staff.js';
import { REPLY_MAX, type InteractionDeps } from './discord-interactions.js';

interface SlackAction {
  action_id?: unknown;
  type?: unknown;
  value?: unknown;
}

interface SlackPayload {
  type?: unknown;
  user?: { id?: unknown; username?: unknown; name?: unknown };
  actions?: unknown;
  response_url?: unknown;
  trigger_id?: unknown;
  message?: { text?: unknown; blocks?: unknown };
  view?: { callback_id?: unknown; state?: { values?: unknown } };
}

export interface SlackDeps extends InteractionDeps {
  /** A bot token is set: Reply may open a modal. */
  canOpenModals: boolean;
}

/** What to do after (or, for `ack`, in) the answer to Slack. */
export interface SlackOutcome {
  responseUrl: string | null;
  /** Ephemeral words for the user who acted, on `response_url`. */
  text: string | null;
  /** The ticket's message in its new state (`replace_original` on `response_url`). */
  replace?: { text: string; blocks: KnownBlock[] };
  /** Open this modal with this trigger_id (`views.open`, within Slack's 3 s). */
  openModal?: { triggerId: string; view: ModalView };
  /** The ack's body (a `view_submission`'s errors); absent: an empty 200. */
  ack?: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The staff member behind the payload's Slack user, or the words refusing. */
function whoActs(p: SlackPayload, deps: SlackDeps): ChatActor | { refusal: string } {
  if (!deps.helpdesk) return { refusal: deps.t('helpdesk.discord.no_helpdesk') };
  const slackUser = str(p.user?.id);
  const staffId = linkedStaff(deps.links, slackUser);
  if (!staffId) return { refusal: deps.t('helpdesk.slack.not_linked', { user: slackUser.slice(0, 20) }) };
  return { platform: slack.id, userId: slackUser, userName: str(p.user?.username) || str(p.user?.name), staffId };
}

const outcomeWords = (deps: SlackDeps, action: string, ticketId: string, result: HelpdeskResult): string =>
  result.ok
    ? deps.t(`helpdesk.discord.done_${action}`, { id: ticketId })
    : deps.t(`helpdesk.discord.refused_${result.reason}`, { id: ticketId, message: result.message });

/** Acts on one verified payload (`block_actions` or `view_submission`) and says what to do next. */
export async function actOnSlack(payload: unknown, deps: SlackDeps): Promise<SlackOutcome | null> {
  const p = (payload ?? {}) as SlackPayload;
  if (p.type === 'view_submission') return submitted(p, deps);
  if (p.type !== 'block_actions' || !Array.isArray(p.actions) || !p.actions.length) return null;
  const responseUrl = str(p.response_url) || null;
  const tell = (text: string): SlackOutcome => ({ text, responseUrl });
  const action = (p.actions[0] ?? {}) as SlackAction;
  const parsed = parseTicketActionId(action.action_id);
  if (!parsed || parsed.action === 'reply-modal') return tell(deps.t('helpdesk.discord.unsupported'));
  const { action: what, ticketId } = parsed;
  const who = whoActs(p, deps);
  if ('refusal' in who) return tell(who.refusal);
  const { staffId } = who;
  const helpdesk = deps.helpdesk!;

  if (what === 'reply' && action.type === 'button') {
    const triggerId = str(p.trigger_id);
    if (!deps.canOpenModals || !triggerId) return tell(deps.t('helpdesk.slack.use_answer_field', { id: ticketId }));
    const view = slackReplyModal(ticketId, {
      title: deps.t('helpdesk.discord.modal_title', { id: ticketId }),
      submit: deps.t('helpdesk.slack.modal_submit'),
      close: deps.t('helpdesk.slack.modal_close'),
      label: deps.t('helpdesk.discord.modal_label'),
    });
    return { responseUrl, text: null, openModal: { triggerId, view } };
  }

  let result: HelpdeskResult;
  if (what === 'reply') {
    const content = str(action.value).trim();
    if (!content) return tell(deps.t('helpdesk.discord.empty_reply'));
    result = await helpdesk.reply(ticketId, { staffId, content: content.slice(0, REPLY_MAX) });
  } else if (what === 'close') result = await helpdesk.close(ticketId, { staffId });
  else result = await helpdesk.assign(ticketId, staffId);
  await deps.audit?.(who, what, ticketId, result);

  if (result.ok && what !== 'reply' && p.message && Array.isArray(p.message.blocks)) {
    // The ticket's message itself shows who took or closed it (Slack's buttons cannot be greyed).
    const name = (await helpdesk.staff.get(staffId))?.name ?? staffId;
    const words = ticketButtonWords((key) => deps.t(key));
    const state = slackButtonState(p.message.blocks);
    if (what === 'claim') state.claimed = withName(words.claimedBy, name);
    else state.closed = withName(words.closedBy, name);
    const blocks = [...slackMessageBlocks(p.message.blocks), ...slackTicketBlocks(ticketId, words, state)].slice(-50);
    return { responseUrl, text: null, replace: { text: str(p.message.text) || outcomeWords(deps, what, ticketId, result), blocks } };
  }
  return tell(outcomeWords(deps, what, ticketId, result));
}

/** The answer modal was submitted: answer the ticket, or keep the modal open with why not. */
async function submitted(p: SlackPayload, deps: SlackDeps): Promise<SlackOutcome> {
  const refuse = (text: string): SlackOutcome => ({
    responseUrl: null,
    text: null,
    ack: { response_action: 'errors', errors: { [MODAL_ANSWER.block]: text.slice(0, 2000) } },
  });
  const parsed = parseTicketActionId(p.view?.callback_id);
  if (!parsed || parsed.action !== 'reply-modal') return refuse(deps.t('helpdesk.discord.unsupported'));
  const who = whoActs(p, deps);
  if ('refusal' in who) return refuse(who.refusal);
  const values = (p.view?.state?.values ?? {}) as Record<string, Record<string, { value?: unknown }> | undefined>;
  const content = str(values[MODAL_ANSWER.block]?.[MODAL_ANSWER.action]?.value).trim();
  if (!content) return refuse(deps.t('helpdesk.discord.empty_reply'));
  const result = await deps.helpdesk!.reply(parsed.ticketId, { staffId: who.staffId, content: content.slice(0, SLACK_INPUT_MAX) });
  await deps.audit?.(who, 'reply', parsed.ticketId, result);
  return result.ok ? { responseUrl: null, text: null } : refuse(outcomeWords(deps, 'reply', parsed.ticketId, result));
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
