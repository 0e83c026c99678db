/**
 * The subscriber's next step: one validated event is persisted once (one wh_events row) and the
 * fan-out is woken; rendering and the per-webhook rows happen after, in the background
 * (fan-out.ts). The host's emitAsync waits only for this one insert, whatever the event holds and
 * however many webhooks listen. A database error never loses the event and never reaches the
 * host: the event waits in a bounded memory buffer and is written again with backoff.
 */
import type { AnyEventPayload, EventMap, EventName } from '../../sdk/events.js';
import type { Logger } from '../../sdk/module-context.js';
import type { EventIntake } from '../subscribers/subscriber.js';
import { realTimers, type Timers } from './timers.js';

export interface IntakeDeps {
  /** Persists one event (EventStore.add). */
  persist(event: EventName, payload: AnyEventPayload): Promise<void>;
  /** Wakes the fan-out. */
  wake(): void;
  logger: Logger;
  timers?: Timers;
  /** Events kept in memory while the database refuses writes (default 10 000). */
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

/** An event waiting in memory for the database. */
interface Waiting {
  event: EventName;
  payload: AnyEventPayload;
  eventId: string;
  refusals: number;
  lastError: string;
}

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
    try {
      await this.deps.persist(event, payload);
      this.acceptedSinceRound++;
      this.deps.wake();
    } catch (err) {
      const error = (err as Error).message;
      this.deps.logger.error('webhooks: could not write an event; kept in memory, will retry', { event, eventId: payload.eventId, error });
      this.keep({ event, payload, eventId: payload.eventId, refusals: 0, lastError: error });
    }
  }

  private keep(entry: Waiting): void {
    if (this.waiting.length >= (this.deps.bufferLimit ?? 10_000)) {
      this.deps.logger.error('webhooks: memory buffer full; event dropped', { eventId: entry.eventId });
      return;
    }
    this.waiting.push(entry);
    this.scheduleRetry();
  }

  private timers(): Timers {
    return this.deps.timers ?? realTimers;
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return;
    this.retryTimer = this.timers().setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, this.retryDelay);
  }

  private async write(entry: Waiting): Promise<void> {
    await this.deps.persist(entry.event, entry.payload);
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
      if (written > 0) this.deps.logger.info('webhooks: buffered events written', { count: written });
      return true;
    }
    this.retryDelay = Math.min(this.retryDelay * 2, this.deps.retryMaxMs ?? 30_000);
    this.deps.logger.warn('webhooks: database still refuses events; retrying', {
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
        this.deps.logger.error('webhooks: stopped with events not written', { eventIds: ids.slice(0, 50), count: ids.length });
      }
    }
  }
}
