/**
 * Fan-out, in the background: takes the persisted events (wh_events) oldest first and, for each,
 * renders one delivery per enabled webhook listening to it whose filters match, then writes those
 * rows and removes the event in one transaction, and wakes the dispatcher. The host's emit never
 * waits for any of this (Svix: persist the message, then create the attempts per endpoint).
 *
 * - Order: one worker across every host process holds the fan-out lease (wh_worker_leases) and
 *   goes through the events in id order, so each webhook's rows follow the events' order.
 * - Durability: an event leaves wh_events only in the transaction that writes its rows; a crash
 *   before it leaves the event for the next lease holder (after `leaseMs`, or at once when the
 *   process stopped cleanly and gave the lease back).
 * - Rendering cost: each event is rendered once per distinct (platform, template, options) of its
 *   webhooks, its customer HTML converted once, all on worker threads within a time budget
 *   (event-renderers.ts): nothing the customer wrote is worked on by the host's event loop.
 * - A database error ends the pass; it is tried again after `pollMs`. An event whose rows the
 *   database keeps refusing while it takes other writes is dropped after `maxRefusals`, logged.
 */
import crypto from 'node:crypto';
import type { Clock, Locale, Logger } from '../../sdk/module-context.js';
import type { EventName } from '../../sdk/events.js';
import { definitionOf } from '../events/index.js';
import type { RenderTarget } from '../rendering/event-bodies.js';
import type { EventRenderer } from '../rendering/event-renderers.js';
import { templateFor } from '../rendering/render-message.js';
import type { Webhook } from '../webhooks/webhook.js';
import { BackgroundRunner } from './background-runner.js';
import type { Timers } from './timers.js';
import type { HostTurn } from './host-yield.js';
import type { EventStore, StoredEvent } from './event-store.js';
import type { NewDelivery } from './delivery-store.js';
import { matchesFilters } from './webhook-filter.js';

export interface FanOutDeps {
  events: EventStore;
  listeningTo(event: EventName): Promise<Webhook[]>;
  renderer: EventRenderer;
  /** Wakes the dispatcher once rows are written. */
  wake(): void;
  clock: Clock;
  logger: Logger;
  locale: () => Locale;
  timeZone: string;
  timers?: Timers;
  workerId?: string;
  /** Asked before each batch: the engine's thread steps aside while the host's waits for a core (host-yield.ts). */
  hostTurn?: HostTurn;
}

export interface FanOutOptions {
  /** How often to look for events other processes (or a crash) left (default 1000 ms). */
  pollMs?: number;
  /** The fan-out lease; a crashed holder's lease expires after this (default 60 s). */
  leaseMs?: number;
  /** Events read and written per transaction (default 20). */
  batchSize?: number;
  /** Refusals after which one event is dropped, logged (default 5). */
  maxRefusals?: number;
  /** How long stop() waits for the pass in progress (default 5 s). */
  shutdownGraceMs?: number;
}

/** A batch is written once its renders took this long, so its first events are not held by its last. */
const BATCH_RENDER_MS = 250;

/** Renders started and not yet taken: enough to keep the render threads busy between round trips. */
const RENDERS_IN_FLIGHT = 8;

/** How soon to try again when another process held the fan-out lease. */
const LEASE_BUSY_RETRY_MS = 200;

export class FanOut {
  readonly workerId: string;
  /** Events fanned out by this process, and events dropped as poison. */
  readonly stats = { events: 0, deliveries: 0, dropped: 0 };
  private readonly o: Required<FanOutOptions>;
  /** Passes: woken, polled, stopped (background-runner.ts). */
  private readonly runner: BackgroundRunner;
  /** Renders started for events (by row id) that a pass has not written yet. */
  private readonly inFlight = new Map<number, Promise<NewDelivery[]>>();

  constructor(
    private readonly deps: FanOutDeps,
    options: FanOutOptions = {},
  ) {
    this.workerId = deps.workerId ?? `f-${crypto.randomBytes(6).toString('hex')}`;
    this.o = {
      pollMs: options.pollMs ?? 1000,
      leaseMs: options.leaseMs ?? 60_000,
      batchSize: options.batchSize ?? 20,
      maxRefusals: options.maxRefusals ?? 5,
      shutdownGraceMs: options.shutdownGraceMs ?? 5000,
    };
    this.runner = new BackgroundRunner({
      // Another worker holds the lease: it may have read the events before ours was written.
      round: async () => ((await this.pass()) ? undefined : Math.min(LEASE_BUSY_RETRY_MS, this.o.pollMs)),
      pollMs: this.o.pollMs,
      shutdownGraceMs: this.o.shutdownGraceMs,
      now: () => deps.clock.now(),
      logger: deps.logger,
      failed: 'webhooks: fan-out pass failed; will try again',
      timers: deps.timers,
    });
  }

  /** Set once stop() was called: the pass ends after its batch. */
  private get stopping(): boolean {
    return this.runner.stopping;
  }

  /** Starts, and fans out at once what earlier processes left (a crash, a stop mid-way). */
  start(): void {
    this.runner.start();
  }

  /** Runs a pass now (or right after the current one). The intake calls it after each event. */
  wake(): void {
    this.runner.wake();
  }

  /** A pass in `ms` (or right after the current one): the events that come meanwhile share it. */
  wakeSoon(ms: number): void {
    this.runner.wakeSoon(ms);
  }

  /** Tests and benchmarks: fans out until no event is left (or the lease is someone else's). */
  async drain(maxPasses = 1000): Promise<void> {
    for (let i = 0; i < maxPasses && !this.stopping; i++) {
      // One pass at a time in this process: drain's wait behind the background ones.
      if (!(await this.runner.exclusive(() => this.pass()))) return;
      if ((await this.deps.events.pending()) === 0) return;
    }
    if (!this.stopping) throw new Error(`fanOut.drain: still events after ${maxPasses} passes`);
  }

  /** Stops taking events, waits for the pass in progress (bounded), gives the lease back. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    await this.runner.stop();
    try {
      await this.deps.events.release(this.workerId);
    } catch (err) {
      this.deps.logger.warn('webhooks: could not give back the fan-out lease (it expires by itself)', { error: (err as Error).message });
    }
  }

  /**
   * Holds the lease and fans out batch after batch until no event is left. Returns false when the
   * lease is another worker's.
   */
  private async pass(): Promise<boolean> {
    const { events } = this.deps;
    // The poll's usual answer costs one small read, no write.
    if (!(await events.anyPending())) return true;
    let leasedAt = this.deps.clock.now();
    if (!(await events.lease(this.workerId, leasedAt, this.o.leaseMs))) return false;
    try {
      let batch = await events.oldest(this.o.batchSize);
      while (!this.stopping) {
        if (batch.length === 0) return true;
        const pause = this.deps.hostTurn?.turn();
        if (pause) await pause;
        // Renewed once half of it has gone, not once per batch (a statement each).
        const now = this.deps.clock.now();
        if (now - leasedAt >= this.o.leaseMs / 2) {
          leasedAt = now;
          await events.lease(this.workerId, now, this.o.leaseMs);
        }
        const rendered = await this.renderBatch(batch);
        // The next events are read, and their renders started, before this batch is written: the
        // render threads work while the database does.
        const next = await events.oldest(this.o.batchSize, rendered.length ? rendered[rendered.length - 1].event.rowId : 0);
        this.startRenders(next);
        const readable = rendered.filter((r) => r.event.payload !== null);
        for (const r of rendered) if (r.event.payload === null) await this.dropUnreadable(r.event);
        try {
          await events.complete(
            readable.map((r) => r.event),
            readable.flatMap((r) => r.rows),
          );
          this.counted(readable);
        } catch {
          // Written one by one, to find the event the database refuses (if the database is up).
          if (!(await this.oneByOne(readable))) return true;
        }
        this.deps.wake();
        batch = next;
      }
      return true;
    } finally {
      // Given back after each pass, so another process can take over at once.
      await events.release(this.workerId).catch(() => undefined);
    }
  }

  /**
   * The batch's events rendered together (the render threads work through them back to back
   * instead of waiting for one round trip per event), RENDERS_IN_FLIGHT at most, so that a render's
   * time budget, which counts its wait for a thread, is not spent queued behind a whole batch;
   * taken in order. Once the batch took BATCH_RENDER_MS (slow conversions), what is rendered is
   * written now and the rest in the next round, from the renders already running (kept in
   * `inFlight`, never started twice).
   */
  private async renderBatch(batch: StoredEvent[]): Promise<{ event: StoredEvent; rows: NewDelivery[] }[]> {
    const wanted = new Set(batch.map((e) => e.rowId));
    // Renders of events no longer in the batch (written by another process, dropped) are forgotten.
    for (const rowId of this.inFlight.keys()) if (!wanted.has(rowId)) this.inFlight.delete(rowId);
    const listening = new Map<EventName, Promise<Webhook[]>>();
    const rendered: { event: StoredEvent; rows: NewDelivery[] }[] = [];
    const began = performance.now();
    try {
      for (const [i, event] of batch.entries()) {
        // The ones not taken yet, this one first.
        this.startRenders(batch.slice(i), listening);
        rendered.push({ event, rows: await this.inFlight.get(event.rowId)! });
        this.inFlight.delete(event.rowId);
        if (performance.now() - began > BATCH_RENDER_MS) break;
      }
    } catch (err) {
      // The webhooks could not be read: the pass ends, and this batch is read and rendered again.
      this.inFlight.clear();
      throw err;
    }
    return rendered;
  }

  /**
   * Starts, in order, the renders of `events` not already running, while fewer than
   * RENDERS_IN_FLIGHT run; the webhooks are read once per event name for them (`listening`).
   */
  private startRenders(events: StoredEvent[], listening = new Map<EventName, Promise<Webhook[]>>()): void {
    for (const event of events) {
      if (this.inFlight.size >= RENDERS_IN_FLIGHT) return;
      if (this.inFlight.has(event.rowId)) continue;
      const rows = this.render(event, listening);
      // Awaited in order by renderBatch; one never reached must not reject unheard.
      rows.catch(() => undefined);
      this.inFlight.set(event.rowId, rows);
    }
  }

  private counted(done: { rows: NewDelivery[] }[]): void {
    this.stats.events += done.length;
    for (const d of done) this.stats.deliveries += d.rows.length;
  }

  /** False when the database looks down (nothing could be written): the pass ends. */
  private async oneByOne(rendered: { event: StoredEvent; rows: NewDelivery[] }[]): Promise<boolean> {
    for (const r of rendered) {
      let lastError: Error;
      try {
        await this.deps.events.complete([r.event], r.rows);
        this.counted([r]);
        continue;
      } catch (err) {
        lastError = err as Error;
      }
      // Counting the refusal is a write too: if it fails, the database is down, not this event.
      let refusals: number;
      try {
        refusals = await this.deps.events.refused(r.event.rowId, lastError.message);
      } catch {
        this.deps.logger.warn('webhooks: database refuses the fan-out; will try again', { error: lastError.message, inMs: this.o.pollMs });
        return false;
      }
      if (refusals < this.o.maxRefusals) {
        this.deps.logger.warn('webhooks: the database refused the deliveries of an event; will try again', {
          eventId: r.event.eventId,
          refusals,
          error: lastError.message,
        });
        // Later events wait behind it (order per webhook).
        return false;
      }
      await this.deps.events.drop(r.event);
      this.stats.dropped++;
      this.deps.logger.error('webhooks: the database keeps refusing the deliveries of one event; dropped', {
        eventId: r.event.eventId,
        event: r.event.event,
        refusals,
        error: lastError.message,
      });
    }
    return true;
  }

  private async dropUnreadable(event: StoredEvent): Promise<void> {
    await this.deps.events.drop(event);
    this.stats.dropped++;
    this.deps.logger.error('webhooks: a stored event cannot be read back; dropped', { eventId: event.eventId, event: event.event });
  }

  /** The event's rows: one render per distinct (platform, template, options), shared by the webhooks that have it. */
  private async render(stored: StoredEvent, listening: Map<EventName, Promise<Webhook[]>>): Promise<NewDelivery[]> {
    const { event, payload } = stored;
    if (payload === null) return [];
    let read = listening.get(event);
    if (!read) listening.set(event, (read = this.deps.listeningTo(event)));
    const all = await read;
    const matching = all.filter((w) => matchesFilters(w, event, payload));
    if (matching.length === 0) return [];
    const locale = this.deps.locale();
    const targets: RenderTarget[] = [];
    const targetOf = new Map<string, number>();
    const webhookTarget = matching.map((webhook) => {
      const target: RenderTarget = {
        platform: webhook.platform,
        template: templateFor(webhook, event, locale),
        // Its own options: the render puts them over the defaults (render-message.ts).
        options: webhook.options,
      };
      const key = `${target.platform}\n${target.template}\n${JSON.stringify(target.options)}`;
      let index = targetOf.get(key);
      if (index === undefined) targetOf.set(key, (index = targets.push(target) - 1));
      return index;
    });
    const bodies = await this.deps.renderer.render({ event, payload, locale, timeZone: this.deps.timeZone, targets });
    // The order or ticket number the delivery log shows on each row.
    const reference = definitionOf(event).reference?.(payload)?.slice(0, 64) ?? null;
    return matching.map((webhook, i) => {
      const msg = bodies[webhookTarget[i]];
      // A ticket of a thread-per-ticket or status-card webhook carries its plan (ticket-threads.ts).
      return {
        webhookId: webhook.id,
        event,
        eventId: payload.eventId,
        body: msg.body,
        query: msg.query ?? null,
        reference,
        thread: msg.thread ?? null,
      };
    });
  }
}
