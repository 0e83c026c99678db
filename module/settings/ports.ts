/**
 * What the settings pages and API need from the rest of the module, as narrow interfaces.
 * The composition root adapts the rendering and delivery slices to these, so the settings
 * code is testable with fakes and does not depend on their internals.
 */
import type { SampleChoices } from '../events/sample-choices.js';
import type { EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import type { MessageBody } from '../rendering/types.js';
import type { Platform, TemplateFamily, Webhook, WebhookOptions } from '../webhooks/webhook.js';

export interface VariableInfo {
  name: string;
  description: string;
}

export interface Rendering {
  /**
   * The exact body that would be sent for a sample `event`. Pure. `at` (epoch ms) dates the sample
   * event: "Send test" passes the clock's now; the live preview leaves it to a fixed sample date.
   */
  preview(
    template: string,
    event: EventName,
    platform: Platform,
    locale: Locale,
    options?: Partial<WebhookOptions>,
    at?: number,
    /** The admin's choices for the sample event (the preview's priority, department, amount, gateway). */
    sample?: SampleChoices,
  ): MessageBody;
  /** A ticket's forum post title for the sample ticket, and the sample's variables (plain text). */
  threadPreview(template: string | null, locale: Locale): { title: string; defaultTemplate: string; vars: Record<string, string> };
  /** Variables usable in templates of `event`, with a translated description. */
  listVariables(event: EventName, locale: Locale): VariableInfo[];
  /** Names in `template` that exist for none of `events` (without the % signs). */
  findUnknownVariables(template: string, events: EventName[]): string[];
  defaultTemplates(locale: Locale): Record<TemplateFamily, string>;
  /** The template `webhook` renders `event` with (its own for the family, else the default). */
  templateFor(webhook: Pick<Webhook, 'templates' | 'eventTemplates'>, event: EventName, locale: Locale): string;
  detectPlatform(url: string): Platform | null;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'dead';
export const deliveryStatuses: DeliveryStatus[] = ['pending', 'sending', 'delivered', 'failed', 'dead'];

export interface DeliveryFilter {
  webhookId?: number;
  event?: EventName;
  status?: DeliveryStatus;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** The order or ticket number (a delivery's `reference`), exactly. */
  reference?: string;
  page: number;
  perPage: number;
}

export interface DeliverySummary {
  id: number;
  webhookId: number;
  event: string;
  eventId: string;
  /** The order or ticket number (absent on rows older than migration 007). */
  reference: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
  nextAttemptAt: number | null;
  /** The ticket's Discord post (thread-per-ticket webhooks), once known; `url` when Discord named the server. */
  thread?: { id: string; url: string | null } | null;
}

export interface AttemptView {
  attemptedAt: number;
  statusCode: number | null;
  outcome: string;
  error: string | null;
  durationMs: number;
}

export interface DeliveryDetail extends DeliverySummary {
  /** The JSON text sent (never holds the URL). */
  body: string;
  attemptsList: AttemptView[];
  /**
   * When the dispatcher packed this delivery with others into one request (coalescing): the
   * deliveries that request carried, in order, and the message the platform received.
   */
  batch?: { ids: number[]; body: string } | null;
}

export interface DailyCount {
  /** YYYY-MM-DD in UTC. */
  day: string;
  webhookId: number;
  status: DeliveryStatus;
  count: number;
}

export interface DeliveryLog {
  list(filter: DeliveryFilter): Promise<{ items: DeliverySummary[]; total: number }>;
  get(id: number): Promise<DeliveryDetail | null>;
  /** Queues the delivery again as a new attempt; false when the id is unknown. */
  replay(id: number): Promise<boolean>;
  /** Re-queues a webhook's failed and dead deliveries; returns how many. */
  retryAllFailed(webhookId: number): Promise<number>;
  /** Counts per UTC day, webhook and status since `since` (epoch ms); only `webhookIds` when given. */
  dailyCounts(since: number, webhookIds?: number[]): Promise<DailyCount[]>;
  /**
   * What each of `webhookIds` delivered since `since` (epoch ms): deliveries, and the requests
   * that carried them (fewer when coalesced): what a resume sent.
   */
  sentSince(webhookIds: number[], since: number): Promise<Map<number, { deliveries: number; requests: number }>>;
  /** Last delivery of each of `webhookIds` (the list page's rows). */
  lastPerWebhook(webhookIds: number[]): Promise<Map<number, DeliverySummary>>;
  /** Deliveries still to be sent per webhook (what a paused webhook holds); absent ids: none. */
  waitingPerWebhook(webhookIds: number[]): Promise<Map<number, number>>;
  /** Resume without what waited: the webhook's queued deliveries are given up (kept in the log); returns how many. */
  discardWaiting(webhookId: number): Promise<number>;
  /** A webhook was resumed: what it held is sent now rather than at the next poll. */
  resumed(): void;
}

/** What Send test answers: the delivery slice's own types (module/delivery/sender.ts). */
export type { SendResult, TestSender } from '../delivery/sender.js';
