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
  /**
   * An entry refused this many times while other writes succeeded (so the database is up) is a
   * poison entry (e.g. a value the database cannot store): it is dropped and logged (default 5).
   */
  maxRefusals?: number;
}

/** What waits in memory: rendered rows, or an event whose webhooks could not be read. */
type Waiting = ({ kind: 'rows'; items: NewDelivery[] } | { kind: 'event'; event: EventName; payload: AnyEventPayload }) & {
  eventId: string;
  refusals: number;
  lastError: string;
};

/** Consecutive failed writes (with no success) after which a flush round stops: the database looks down. */
const DOWN_AFTER = 3;

export class OutboxIntake implements EventIntake {
  private readonly waiting: Waiting[] = [];
  private retryTimer: unknown = null;
  private retryDelay: number;
  private stopped = false;
  private flushing: Promise<boolean> | null = null;
  /** Direct writes that succeeded since the last retry round: the database is up. */
  private acceptedSinceRound = 0;

  constructor(private readonly deps: IntakeDeps) {
    this.retryDelay = deps.retryBaseMs ?? 500;
  }

  /** Events waiting in memory for the database (for the settings page and tests). */
  get buffered(): number {
    return this.waiting.length;
  }

  async accept<K extends EventName>(event: K, payload: EventMap[K]): Promise<void> {
    let items: NewDelivery[];
    try {
      items = await this.render(event, payload);
    } catch (err) {
      // Reading the webhooks failed: without them nothing can be rendered. Keep the event itself.
      const error = (err as Error).message;
      this.deps.logger.error('webhooks: could not read webhooks for an event; will retry', { event, eventId: payload.eventId, error });
      this.keep({ kind: 'event', event, payload, eventId: payload.eventId, refusals: 0, lastError: error });
      return;
    }
    if (items.length === 0) return;
    try {
      await this.deps.enqueue(items);
      this.acceptedSinceRound++;
      this.deps.wake();
    } catch (err) {
      const error = (err as Error).message;
      this.deps.logger.error('webhooks: could not write deliveries; kept in memory, will retry', {
        event,
        eventId: payload.eventId,
        deliveries: items.length,
        error,
      });
      this.keep({ kind: 'rows', items, eventId: payload.eventId, refusals: 0, lastError: error });
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

  private keep(entry: Waiting): void {
    if (this.waiting.length >= (this.deps.bufferLimit ?? 10_000)) {
      this.deps.logger.error('webhooks: memory buffer full; event dropped', { eventId: entry.eventId });
      return;
    }
    this.waiting.push(entry);
    this.scheduleRetry();
  }

  private timers() {
    return (
      this.deps.timers ?? {
        setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
        clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
      }
    );
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return;
    this.retryTimer = this.timers().setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, this.retryDelay);
  }

  private async write(entry: Waiting): Promise<void> {
    const items = entry.kind === 'rows' ? entry.items : await this.render(entry.event, entry.payload);
    if (items.length) await this.deps.enqueue(items);
  }

  /**
   * Writes what waits in memory, oldest first. A round stops after a few failures in a row with
   * no success (the database is down: back off). An entry refused while others were written is
   * counted, and dropped with an error naming its event after `maxRefusals` rounds.
   */
  flush(): Promise<boolean> {
    this.flushing ??= this.flushRound().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async flushRound(): Promise<boolean> {
    let written = 0;
    let failedInRow = 0;
    const upMeanwhile = this.acceptedSinceRound > 0;
    this.acceptedSinceRound = 0;
    const refused: Waiting[] = [];
    for (const entry of [...this.waiting]) {
      try {
        await this.write(entry);
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        written++;
        failedInRow = 0;
      } catch (err) {
        entry.lastError = (err as Error).message;
        refused.push(entry);
        if (++failedInRow >= DOWN_AFTER && written === 0) break;
      }
    }
    if (written > 0 || upMeanwhile) {
      // The database took other writes: what it refused is refused for its content.
      for (const entry of refused) {
        if (++entry.refusals < (this.deps.maxRefusals ?? 5)) continue;
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        this.deps.logger.error('webhooks: the database keeps refusing one event; dropped', {
          eventId: entry.eventId,
          error: entry.lastError,
        });
      }
      this.deps.wake();
    }
    if (this.waiting.length === 0) {
      this.retryDelay = this.deps.retryBaseMs ?? 500;
      if (written > 0) this.deps.logger.info('webhooks: buffered deliveries written', { count: written });
      return true;
    }
    this.retryDelay = Math.min(this.retryDelay * 2, this.deps.retryMaxMs ?? 30_000);
    this.deps.logger.warn('webhooks: database still refuses deliveries; retrying', {
      waiting: this.waiting.length,
      inMs: this.retryDelay,
      error: refused[refused.length - 1]?.lastError,
    });
    this.scheduleRetry();
    return false;
  }

  /** Shutdown: one last write attempt; what still cannot be written is reported, by event id. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) this.timers().clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.waiting.length) {
      const ok = await this.flush().catch(() => false);
      if (!ok) {
        const ids = this.waiting.map((w) => w.eventId);
        this.deps.logger.error('webhooks: stopped with deliveries not written', { eventIds: ids.slice(0, 50), count: ids.length });
      }
    }
  }
}
