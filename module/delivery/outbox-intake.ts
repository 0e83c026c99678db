/**
 * The subscriber's next step: for one validated event, render a message for every enabled
 * webhook listening to it whose filters match, and write them to the outbox in one transaction.
 * The host's emitAsync waits only for this write. A database error never loses the event and
 * never reaches the host: the rendered rows wait in a bounded memory buffer and are written
 * again with backoff.
 */
import type { AnyEventPayload, EventMap, EventName } from '../../sdk/events.js';
import type { Locale, Logger } from '../../sdk/module-context.js';
import { renderMessage } from '../rendering/render-message.js';
import type { EventIntake } from '../subscribers/subscriber.js';
import type { Webhook } from '../webhooks/webhook.js';
import type { NewDelivery } from './outbox-store.js';
import { matchesFilters } from './webhook-filter.js';

export interface IntakeDeps {
  listeningTo(event: EventName): Promise<Webhook[]>;
  enqueue(items: NewDelivery[]): Promise<void>;
  wake(): void;
  logger: Logger;
  locale: () => Locale;
  timeZone: string;
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  /** Rows kept in memory while the database refuses writes (default 10 000). */
  bufferLimit?: number;
  /** First and longest wait between write retries (default 500 ms, 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class OutboxIntake implements EventIntake {
  private readonly buffer: NewDelivery[][] = [];
  private retryTimer: unknown = null;
  private retryDelay: number;
  private stopped = false;

  constructor(private readonly deps: IntakeDeps) {
    this.retryDelay = deps.retryBaseMs ?? 500;
  }

  /** Events waiting in memory for the database (for the settings page and tests). */
  get buffered(): number {
    return this.buffer.length + this.pendingEvents.length;
  }

  async accept<K extends EventName>(event: K, payload: EventMap[K]): Promise<void> {
    let items: NewDelivery[];
    try {
      items = await this.render(event, payload);
    } catch (err) {
      // Reading the webhooks failed: without them nothing can be rendered. Keep the event itself.
      this.deps.logger.error('webhooks: could not read webhooks for an event; will retry', {
        event,
        eventId: payload.eventId,
        error: (err as Error).message,
      });
      this.keepEvent(event, payload);
      return;
    }
    if (items.length === 0) return;
    try {
      await this.deps.enqueue(items);
      this.deps.wake();
    } catch (err) {
      this.deps.logger.error('webhooks: could not write deliveries; kept in memory, will retry', {
        event,
        eventId: payload.eventId,
        deliveries: items.length,
        error: (err as Error).message,
      });
      this.keep(items);
    }
  }

  private async render(event: EventName, payload: AnyEventPayload): Promise<NewDelivery[]> {
    const webhooks = await this.deps.listeningTo(event);
    const locale = this.deps.locale();
    const out: NewDelivery[] = [];
    for (const webhook of webhooks) {
      if (!matchesFilters(webhook, event, payload)) continue;
      const msg = renderMessage({ webhook, event, payload, locale, timeZone: this.deps.timeZone });
      out.push({ webhookId: webhook.id, event, eventId: payload.eventId, body: msg.body, query: msg.query ?? null });
    }
    return out;
  }

  /** Events whose webhooks could not be read are re-rendered at retry time. */
  private readonly pendingEvents: { event: EventName; payload: AnyEventPayload }[] = [];

  private keepEvent(event: EventName, payload: AnyEventPayload): void {
    if (this.pendingEvents.length + this.buffer.length >= (this.deps.bufferLimit ?? 10_000)) {
      this.deps.logger.error('webhooks: memory buffer full; event dropped', { event, eventId: payload.eventId });
      return;
    }
    this.pendingEvents.push({ event, payload });
    this.scheduleRetry();
  }

  private keep(items: NewDelivery[]): void {
    if (this.pendingEvents.length + this.buffer.length >= (this.deps.bufferLimit ?? 10_000)) {
      this.deps.logger.error('webhooks: memory buffer full; event dropped', { eventId: items[0]?.eventId, deliveries: items.length });
      return;
    }
    this.buffer.push(items);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return;
    const timers = this.deps.timers ?? {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    this.retryTimer = timers.setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, this.retryDelay);
  }

  /** Writes what waits in memory, oldest first; stops at the first failure and backs off. */
  async flush(): Promise<boolean> {
    try {
      while (this.pendingEvents.length) {
        const { event, payload } = this.pendingEvents[0];
        const items = await this.render(event, payload);
        if (items.length) await this.deps.enqueue(items);
        this.pendingEvents.shift();
      }
      while (this.buffer.length) {
        await this.deps.enqueue(this.buffer[0]);
        this.buffer.shift();
      }
      this.retryDelay = this.deps.retryBaseMs ?? 500;
      this.deps.logger.info('webhooks: buffered deliveries written');
      this.deps.wake();
      return true;
    } catch (err) {
      this.retryDelay = Math.min(this.retryDelay * 2, this.deps.retryMaxMs ?? 30_000);
      this.deps.logger.warn('webhooks: database still refuses deliveries; retrying', {
        waiting: this.buffer.length + this.pendingEvents.length,
        inMs: this.retryDelay,
        error: (err as Error).message,
      });
      this.scheduleRetry();
      return false;
    }
  }

  /** Shutdown: one last write attempt; what still cannot be written is reported, by event id. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null)
      (this.deps.timers ?? { clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) }).clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.buffer.length || this.pendingEvents.length) {
      const ok = await this.flush().catch(() => false);
      if (!ok) {
        const ids = [...this.pendingEvents.map((p) => p.payload.eventId), ...this.buffer.map((b) => b[0]?.eventId)];
        this.deps.logger.error('webhooks: stopped with deliveries not written', { eventIds: ids.slice(0, 50), count: ids.length });
      }
    }
  }
}
