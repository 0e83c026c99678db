/**
 * What the module answers Discord's interactions (HTTP interactions, no gateway), once the
 * signature held. Buttons on a ticket's message carry `ticket:<action>:<ticket id>`: Reply opens
 * a modal, its submit answers the ticket; Close and Claim act at once. Who acts is the Discord
 * user of the signed interaction, linked by the admin to a staff account; the custom_id only says
 * which ticket and what, never who may: the host checks the staff member's own permissions.
 * A helpdesk slower than Discord's 3 s allow gets a deferred answer (discord-deferred.ts).
 */
import type { HelpdeskPort, HelpdeskResult } from '../../sdk/helpdesk.js';
import { discord } from '../platforms/discord/index.js';
import type { ChatAudit } from './chat-audit.js';
import { linkedStaff } from './linked-staff.js';
import { discordButtonState, discordTicketButtons } from '../platforms/discord/discord-ticket-buttons.js';
import {
  parseTicketActionId,
  replyModalId,
  ticketActionId,
  ticketButtonWords,
  withName,
  type TicketAction,
} from '../platforms/ticket-actions.js';

/** Discord's InteractionType and InteractionCallbackType values this module uses. */
const PING = 1;
const MESSAGE_COMPONENT = 3;
const MODAL_SUBMIT = 5;
const PONG = 1;
const CHANNEL_MESSAGE = 4;
const UPDATE_MESSAGE = 7;
const MODAL = 9;
const EPHEMERAL = 64;
const ACTION_ROW = 1;
const TEXT_INPUT = 4;
const PARAGRAPH = 2;
export const REPLY_MAX = 4000;

export type InteractionAction = TicketAction;

/** The custom_id of a ticket's button (module/platforms/ticket-actions.ts). */
export const ticketButtonId = ticketActionId;

/** What acting on a chat's interaction needs (Discord's and Slack's alike). */
export interface InteractionDeps {
  helpdesk: HelpdeskPort | null;
  /** Chat user id -> staff id, as the admin linked them. */
  links: Record<string, string>;
  t(key: string, vars?: Record<string, string | number>): string;
  /** Writes each action taken (and refused) to the audit trail. */
  audit?: ChatAudit;
}

interface Component {
  custom_id?: unknown;
  value?: unknown;
  components?: unknown;
  component?: unknown;
}

interface Interaction {
  type?: unknown;
  data?: { custom_id?: unknown; components?: unknown };
  /** The message the button is on (component interactions). */
  message?: { components?: unknown };
  member?: { user?: { id?: unknown; username?: unknown; global_name?: unknown } };
  user?: { id?: unknown; username?: unknown; global_name?: unknown };
}

/** The value of the modal's text input named `id`, wherever Discord nests it (action row or label). */
function inputValue(components: unknown, id: string): string | null {
  if (!Array.isArray(components)) return null;
  for (const c of components as Component[]) {
    if (c && c.custom_id === id && typeof c.value === 'string') return c.value;
    const nested = inputValue(c?.components, id) ?? inputValue(c?.component ? [c.component] : undefined, id);
    if (nested !== null) return nested;
  }
  return null;
}

/** Words only the user who acted sees. */
export const say = (content: string) => ({
  type: CHANNEL_MESSAGE,
  data: { content: content.slice(0, 2000), flags: EPHEMERAL, allowed_mentions: { parse: [] } },
});

/** The answer to one verified interaction (a JSON body for Discord). */
export async function answerInteraction(body: unknown, deps: InteractionDeps): Promise<Record<string, unknown>> {
  return (await actOnInteraction(body, deps)).answer;
}

/**
 * The answer, and its words for the user who acted (what a deferred answer is edited into when
 * the helpdesk was slow: discord-deferred.ts).
 */
export async function actOnInteraction(body: unknown, deps: InteractionDeps): Promise<{ answer: Record<string, unknown>; words: string }> {
  const answer = await answerOnce(body, deps);
  const data = answer.data as { content?: unknown; words?: unknown } | undefined;
  if (typeof data?.words === 'string') {
    const { words, ...rest } = data;
    return { answer: { ...answer, data: rest }, words };
  }
  return { answer, words: typeof data?.content === 'string' ? data.content : '' };
}

async function answerOnce(body: unknown, deps: InteractionDeps): Promise<Record<string, unknown>> {
  const i = (body ?? {}) as Interaction;
  if (i.type === PING) return { type: PONG };
  if (i.type !== MESSAGE_COMPONENT && i.type !== MODAL_SUBMIT) return say(deps.t('helpdesk.discord.unsupported'));

  const parsed = parseTicketActionId(i.data?.custom_id);
  if (!parsed) return say(deps.t('helpdesk.discord.unsupported'));
  const { action, ticketId } = parsed;
  if (!deps.helpdesk) return say(deps.t('helpdesk.discord.no_helpdesk'));
  const who = i.member?.user ?? i.user;
  const discordUser = typeof who?.id === 'string' ? who.id : '';
  const staffId = linkedStaff(deps.links, discordUser);
  if (!staffId) return say(deps.t('helpdesk.discord.not_linked', { user: discordUser.slice(0, 20) }));

  if (i.type === MESSAGE_COMPONENT && action === 'reply')
    return {
      type: MODAL,
      data: {
        custom_id: replyModalId(ticketId),
        title: deps.t('helpdesk.discord.modal_title', { id: ticketId }).slice(0, 45),
        components: [
          {
            type: ACTION_ROW,
            components: [
              {
                type: TEXT_INPUT,
                custom_id: 'content',
                style: PARAGRAPH,
                label: deps.t('helpdesk.discord.modal_label').slice(0, 45),
                min_length: 1,
                max_length: REPLY_MAX,
                required: true,
              },
            ],
          },
        ],
      },
    };

  let result: HelpdeskResult;
  if (i.type === MODAL_SUBMIT && action === 'reply-modal') {
    const content = inputValue(i.data?.components, 'content');
    if (!content?.trim()) return say(deps.t('helpdesk.discord.empty_reply'));
    result = await deps.helpdesk.reply(ticketId, { staffId, content: content.slice(0, REPLY_MAX) });
  } else if (i.type === MESSAGE_COMPONENT && action === 'close') result = await deps.helpdesk.close(ticketId, { staffId });
  else if (i.type === MESSAGE_COMPONENT && action === 'claim') result = await deps.helpdesk.assign(ticketId, staffId);
  else return say(deps.t('helpdesk.discord.unsupported'));
  const name = [who?.global_name, who?.username].find((n): n is string => typeof n === 'string' && n !== '') ?? '';
  await deps.audit?.(
    { platform: discord.id, userId: discordUser, userName: name, staffId },
    action === 'reply-modal' ? 'reply' : action,
    ticketId,
    result,
  );

  if (result.ok && (action === 'claim' || action === 'close') && i.message) {
    // The ticket's message itself shows who took or closed it (its buttons in their new state).
    const name = (await deps.helpdesk.staff.get(staffId))?.name ?? staffId;
    const words = ticketButtonWords((key) => deps.t(key));
    const state = discordButtonState(i.message.components, ticketId);
    if (action === 'claim') state.claimed = withName(words.claimedBy, name);
    else state.closed = withName(words.closedBy, name);
    const done = deps.t(`helpdesk.discord.done_${action}`, { id: ticketId });
    // `words` is taken off by actOnInteraction before Discord sees the answer.
    return {
      type: UPDATE_MESSAGE,
      data: { components: [discordTicketButtons(ticketId, words, state)], allowed_mentions: { parse: [] }, words: done },
    };
  }
  if (result.ok) return say(deps.t(`helpdesk.discord.done_${action === 'reply-modal' ? 'reply' : action}`, { id: ticketId }));
  return say(deps.t(`helpdesk.discord.refused_${result.reason}`, { id: ticketId, message: result.message }));
}
