/**
 * The names a ticket's buttons carry (Discord `custom_id`, Slack `action_id`): the action and the
 * ticket, never who may act (the helpdesk reads that from the signed interaction's user). Written
 * by the platforms' formatters, read by module/helpdesk/.
 */
import { definitionOf } from '../events/index.js';
import type { FormatContext } from './format-context.js';

export type TicketAction = 'reply' | 'close' | 'claim';

/** A ticket id a button may name: short enough for Discord's 100-character custom_id with any prefix below. */
const TICKET_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const buttonTicketId = (id: unknown): string | null => {
  const s = typeof id === 'number' ? String(id) : typeof id === 'string' ? id : '';
  return TICKET_ID.test(s) ? s : null;
};

/**
 * The ticket whose buttons this message carries (option helpdeskButtons): a ticket event's, except
 * its close (nothing is left to do on a closed ticket); null for other events and unusable ids.
 */
export function buttonsTicket(ctx: FormatContext): string | null {
  const def = definitionOf(ctx.event);
  if (!ctx.options.helpdeskButtons || def.family !== 'ticket' || def.thread === 'close') return null;
  return buttonTicketId(def.reference?.(ctx.payload as never));
}

/** `ticket:<action>:<id>`: a button's (or Slack's answer field's) name. */
export const ticketActionId = (action: TicketAction, ticketId: string): string => `ticket:${action}:${ticketId}`;

/** `ticket:reply-modal:<id>`: the answer form's name (Discord modal custom_id, Slack view callback_id). */
export const replyModalId = (ticketId: string): string => `ticket:reply-modal:${ticketId}`;

export type ParsedTicketAction = { action: TicketAction | 'reply-modal'; ticketId: string };

export function parseTicketActionId(id: unknown): ParsedTicketAction | null {
  const m = /^ticket:(reply|close|claim|reply-modal):([A-Za-z0-9_-]{1,64})$/.exec(typeof id === 'string' ? id : '');
  return m ? { action: m[1] as ParsedTicketAction['action'], ticketId: m[2] } : null;
}

/**
 * What a ticket's buttons show once acted on: the words in place of Claim ("Claimed by Alice") and
 * of Close ("Closed by Bob"); null while not claimed / not closed.
 */
export interface TicketButtonState {
  claimed: string | null;
  closed: string | null;
}

export const openTicket: TicketButtonState = { claimed: null, closed: null };

/** The buttons' words in the message's language (module lang keys `helpdesk.buttons.*`). */
export interface TicketButtonWords {
  reply: string;
  claim: string;
  close: string;
  /** Slack's answer field, typed in the message itself. */
  answer: string;
  /** `{name}` is replaced. */
  claimedBy: string;
  closedBy: string;
}

export const ticketButtonWords = (say: (key: string) => string): TicketButtonWords => ({
  reply: say('helpdesk.buttons.reply'),
  claim: say('helpdesk.buttons.claim'),
  close: say('helpdesk.buttons.close'),
  answer: say('helpdesk.buttons.answer'),
  claimedBy: say('helpdesk.buttons.claimed_by'),
  closedBy: say('helpdesk.buttons.closed_by'),
});

export const withName = (words: string, name: string): string => words.split('{name}').join(name);
