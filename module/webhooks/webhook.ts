/** A configured webhook, as every part of the module sees it. */
import type { EventName, TicketPriority } from '../../sdk/events.js';
import { definitionOf } from '../events/index.js';

export const platforms = ['discord', 'slack', 'mattermost', 'rocketchat', 'teams', 'telegram', 'json'] as const;
export type Platform = (typeof platforms)[number];

/**
 * Templates are per family: the shop's orders, the helpdesk's tickets, invoices, services and
 * customers (each event's definition says which); the events of a family share their variables.
 */
export type TemplateFamily = 'order' | 'ticket' | 'invoice' | 'service' | 'customer';
export const templateFamilies: readonly TemplateFamily[] = ['order', 'ticket', 'invoice', 'service', 'customer'];
export const familyOf = (event: EventName): TemplateFamily => definitionOf(event).family;
export type EventTemplates = Partial<Record<EventName, string>>;

/** The templates that are not blank (a blank one means "use the family's"). */
export function keptEventTemplates(templates: EventTemplates | undefined): EventTemplates {
  return Object.fromEntries(Object.entries(templates ?? {}).filter(([, t]) => typeof t === 'string' && t.trim() !== ''));
}

export interface WebhookOptions {
  /** Discord: plain `content` (the reference document's style) or a rich embed. */
  mode: 'plain' | 'embed';
  /** Embed / attachment colour as 0xRRGGBB; null picks the event's default colour. */
  color: number | null;
  username: string | null;
  avatarUrl: string | null;
  /** Discord role ids pinged, only for tickets whose priority is listed (all tickets when empty). */
  rolePing: { roleIds: string[]; priorities: TicketPriority[] } | null;
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
}

/** One forum tag applied when the ticket's priority or department is `when` (case-insensitive). */
export interface ThreadTagRule {
  when: string;
  tagId: string;
}

export interface WebhookFilters {
  /** Department ids or names; empty = all. */
  departments: string[];
  /** Empty = all. */
  priorities: TicketPriority[];
  /** Orders below this total are not sent; null = all. */
  minOrderTotal: number | null;
  /** Gateway names, case-insensitive; empty = all. */
  paymentGateways: string[];
  /** For ticket.reply: whose replies are sent. */
  replyAuthors: 'staff' | 'customer' | 'both';
}

/** A sealed field no key of the host opens (APP_KEY changed without APP_PREVIOUS_KEYS). */
export type UnreadableField = 'url' | 'signingSecret';

export interface Webhook {
  id: number;
  name: string;
  /** Decrypted, in memory only. Never log, render or return it whole: use urlHint. '' when unreadable. */
  url: string;
  urlHint: string;
  platform: Platform;
  events: EventName[];
  templates: Partial<Record<TemplateFamily, string>>;
  /** Templates of single events, read before the family's (absent or empty: none). */
  eventTemplates?: EventTemplates;
  options: WebhookOptions;
  filters: WebhookFilters;
  /** A CEL expression over the event's payload (module/conditions/); null or absent: every event. */
  condition?: string | null;
  /** Standard Webhooks secret (`whsec_...`) for the generic JSON platform, decrypted in memory. */
  signingSecret: string | null;
  /**
   * Sealed fields that could not be opened (empty or absent normally). Such a webhook is listed,
   * edited and deleted like any other, its deliveries are queued, but nothing is sent to it until
   * it is re-entered or the old key is given back (APP_PREVIOUS_KEYS).
   */
  unreadable?: UnreadableField[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
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

export const defaultFilters = (): WebhookFilters => ({
  departments: [],
  priorities: [],
  minOrderTotal: null,
  paymentGateways: [],
  replyAuthors: 'both',
});

/**
 * Path words that route a request on the platforms we know (Discord, Slack, Teams incoming
 * webhooks and workflows, Mattermost, Rocket.Chat, Telegram): fixed words, never a credential.
 */
const routingWords = new Set(
  [
    'api',
    'webhooks',
    'webhook',
    'hooks',
    'hook',
    'services',
    'webhookb2',
    'incomingwebhook',
    'workflows',
    'triggers',
    'manual',
    'paths',
    'invoke',
    'sendmessage',
    'slack',
    'github',
  ].map((w) => w.toLowerCase()),
);

/**
 * Masks a webhook URL for display: scheme, host and the platform's routing words survive; every
 * other path segment becomes ••••, whatever it looks like (a token can be all letters, a custom
 * endpoint's `/in/Secrettoken` too), and a query becomes `?••••` (Teams' `sig=`).
 * `https://discord.com/api/webhooks/123456789/abcdef` -> `https://discord.com/api/webhooks/••••/••••`
 * Masking a mask gives the same mask, so a hint stored by an older, leakier rule can be re-masked.
 */
export function maskUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '••••';
  }
  const segments = u.pathname.split('/').filter(Boolean);
  const shape = segments.map((seg) => (routingWords.has(seg.toLowerCase()) || /^v\d{1,2}$/i.test(seg) ? seg : '••••'));
  return `${u.protocol}//${u.host}/${shape.join('/')}${u.search ? '?••••' : ''}`;
}
