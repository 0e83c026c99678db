/** A configured webhook, as every part of the module sees it. */
import type { EventName } from '../../sdk/events.js';
import type { TemplateFamily, WebhookFilters } from '../events/webhook-filters.js';
import { DEFAULT_AWAITING_STAFF_MINUTES, definitionOf } from '../events/index.js';
import type { Platform } from '../platforms/platform-ids.js';
import type { WebhookOptions } from '../platforms/webhook-options.js';

export { platformIds as platforms, type Platform } from '../platforms/platform-ids.js';
export { defaultOptions } from '../platforms/index.js';
export type { WebhookOptions, ThreadTagRule } from '../platforms/webhook-options.js';

export { templateFamilies, type TemplateFamily, type WebhookFilters } from '../events/webhook-filters.js';
export const familyOf = (event: EventName): TemplateFamily => definitionOf(event).family;
export type EventTemplates = Partial<Record<EventName, string>>;

/** The templates that are not blank (a blank one means "use the family's"). */
export function keptEventTemplates(templates: EventTemplates | undefined): EventTemplates {
  return Object.fromEntries(Object.entries(templates ?? {}).filter(([, t]) => typeof t === 'string' && t.trim() !== ''));
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
