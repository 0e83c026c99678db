/**
 * The options a webhook carries for its platform. Stored as one object per webhook (the
 * `options` column); each platform's definition names the options it reads (`options`), so the
 * form and the docs say which apply.
 */
import type { TicketPriority } from '../../sdk/events.js';

/** Every option a webhook may set (the options plus the JSON platform's signing secret). */
export const optionFields = [
  'mode',
  'color',
  'username',
  'avatarUrl',
  'rolePing',
  'threadId',
  'threadName',
  'threadPerTicket',
  'threadTitle',
  'threadTags',
  'statusCard',
  'coalesce',
  'slackBlocks',
  'telegramChatId',
  'telegramParseMode',
  'signingSecret',
  'googleChatCard',
] as const;
export type OptionField = (typeof optionFields)[number];

export interface WebhookOptions {
  /** Discord: plain `content` (the reference document's style) or a rich embed. */
  mode: 'plain' | 'embed';
  /** Embed / attachment colour as 0xRRGGBB; null picks the event's default colour. */
  color: number | null;
  username: string | null;
  avatarUrl: string | null;
  /**
   * Discord role ids pinged, only for tickets whose priority is listed (all tickets when empty);
   * `on`: only on the message that opens (or reopens) a ticket (the default, also for rows saved
   * before the choice existed), or on every message of its conversation.
   */
  rolePing: { roleIds: string[]; priorities: TicketPriority[]; on?: RolePingOn } | null;
  /** Discord forum or thread channel */
  threadId: string | null;
  threadName: string | null;
  /**
   * Discord forum or media channel: each ticket is one post (created by ticket.submit, named by
   * `threadTitle`), its replies and close go into it (ticket-threads.ts).
   */
  threadPerTicket: boolean;
  /** Template of the post's title; null = `#%id% %subject%`. Cut to Discord's 100 characters. */
  threadTitle: string | null;
  /** Forum tag ids applied to the post, by ticket priority or department (id or name, any case). */
  threadTags: ThreadTagRule[];
  /**
   * Keep the ticket's first message current (Discord): `close` edits it when the ticket closes,
   * `each` on every reply too. In a text channel (no threadPerTicket) the close then edits the
   * first message instead of posting a new one.
   */
  statusCard: 'off' | 'close' | 'each';
  /** Pack a backlog into fewer requests (Discord, Slack). */
  coalesce: boolean;
  /** Slack/Mattermost/Rocket.Chat: add Block Kit blocks next to the text. */
  slackBlocks: boolean;
  /** Telegram */
  telegramChatId: string | null;
  telegramParseMode: 'HTML' | 'MarkdownV2';
  /** Google Chat: add a card (cardsV2) with the event's name and an Open button under the text. */
  googleChatCard?: boolean;
}

/** Where a role ping goes: the ticket's opening message only, or each of its messages. */
export const rolePingOns = ['opening', 'every'] as const;
export type RolePingOn = (typeof rolePingOns)[number];

/** One forum tag applied when the ticket's priority or department is `when` (case-insensitive). */
export interface ThreadTagRule {
  when: string;
  tagId: string;
}

export const defaultOptions = (): WebhookOptions => ({
  mode: 'plain',
  color: null,
  username: null,
  avatarUrl: null,
  rolePing: null,
  threadId: null,
  threadName: null,
  threadPerTicket: false,
  threadTitle: null,
  threadTags: [],
  statusCard: 'off',
  coalesce: true,
  slackBlocks: false,
  telegramChatId: null,
  telegramParseMode: 'HTML',
});
