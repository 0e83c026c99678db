/** A configured webhook, as every part of the module sees it. */
import type { EventName, TicketPriority } from '../../sdk/events.js';
import { DEFAULT_AWAITING_STAFF_MINUTES, definitionOf } from '../events/index.js';
import type { Platform } from '../platforms/platform-ids.js';
import type { WebhookOptions } from '../platforms/webhook-options.js';

export { platformIds as platforms, type Platform } from '../platforms/platform-ids.js';
export { defaultOptions } from '../platforms/index.js';
export type { WebhookOptions, ThreadTagRule } from '../platforms/webhook-options.js';

/**
 * Templates are per family: the shop's orders, the helpdesk's tickets, invoices, services and
 * customers (each event's definition says which); the events of a family share their variables.
 */
export type TemplateFamily = 'order' | 'ticket' | 'invoice' | 'service' | 'customer' | 'webhooks';
export const templateFamilies: readonly TemplateFamily[] = ['order', 'ticket', 'invoice', 'service', 'customer', 'webhooks'];
export const familyOf = (event: EventName): TemplateFamily => definitionOf(event).family;
export type EventTemplates = Partial<Record<EventName, string>>;

/** The templates that are not blank (a blank one means "use the family's"). */
export function keptEventTemplates(templates: EventTemplates | undefined): EventTemplates {
  return Object.fromEntries(Object.entries(templates ?? {}).filter(([, t]) => typeof t === 'string' && t.trim() !== ''));
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
  /**
   * For ticket.awaiting_staff: how long a customer's message waits for a staff answer before the
   * webhook is reminded, in minutes (default 240: 4 h).
   */
  awaitingStaffMinutes: number;
}

export { DEFAULT_AWAITING_STAFF_MINUTES };

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

export const defaultFilters = (): WebhookFilters => ({
  departments: [],
  priorities: [],
  minOrderTotal: null,
  paymentGateways: [],
  replyAuthors: 'both',
  awaitingStaffMinutes: DEFAULT_AWAITING_STAFF_MINUTES,
});

/**
 * Path words that route a request on the platforms we know (each definition's `urlWords`) or on
 * any webhook endpoint: fixed words, never a credential.
 */
