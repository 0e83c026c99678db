/**
 * The delivery engine on its own thread (node:worker_threads), supervised from the host's
 * thread. The host's thread keeps only what the host's requests need: the intake (validate, one
 * insert, wake the engine with a message), the admin's writes (replay, retry all: then a wake),
 * "Send test", and the metrics route. Everything else (fan-out, render, lanes, claims, sends,
 * result writes, retention) runs on the engine thread with its own database connection
 * (engine-worker.ts).
 *
 * Supervised: an engine thread that dies (an error, an out-of-memory, terminate()) is started
 * again after a short pause, with a new worker id; the rows and lanes the dead one held are
 * released first (its `sending` rows back to pending, its lane and fan-out leases freed), so
 * nothing waits for a lease to expire and nothing is lost. Requests it had in flight may have
 * reached their target: those are sent again (the in-flight bound on duplicates, as after a
 * crash). Several host processes share the work as before: each has its own engine and the
 * database's leases decide.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { ModuleContext } from '../../sdk/module-context.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import { databaseGauges, scrape } from './delivery-metrics.js';
import type { EngineConnection, EngineWorkerData, FromEngine, KnexClientSource, ToEngine } from './engine-protocol.js';
import { EventStore } from './event-store.js';
import { KnexHeldDeliveryStore } from './held-deliveries.js';
import { GotExchange } from './http-exchange.js';
import { deliveryWrites, webhookDeadNotifier, type DeliveryMetrics, type DeliveryOptions, type DeliveryWrites } from './index.js';
import { KnexDeliveryStore } from './knex-delivery-store.js';
import { OutboxIntake } from './outbox-intake.js';
import { AwaitingStaff } from './awaiting-staff.js';
import { SendThread } from './send-thread.js';
import { Sender, type TestSender } from './sender.js';
import { botAwareTestSender, botRoute } from './index.js';

/** What the host's thread holds of the delivery slice, wherever the engine runs. */
export interface DeliveryFront {
  intake: OutboxIntake;
  sender: Sender;
  /** The Send test: through the platform's app where the webhook's messages go that way. */
  testSender: TestSender;
  writes: DeliveryWrites;
  metrics: DeliveryMetrics;
  start(): void;
  stop(): Promise<void>;
}

export interface EngineThreadOptions extends DeliveryOptions {
  /** The built thread script (default: engine-worker.js beside this file). */
  workerFile?: string;
  /** Connections of the engine's own pool on PostgreSQL and MariaDB (default: as many as the host's pool). */
  enginePoolMax?: number;
  /** Told when an engine thread died, before what it held is released (tests count its rows then). */
  onEngineDied?(workerId: string): Promise<void> | void;
  /** The engine thread's nice value on Linux (default 10: the host's thread goes first; 0 keeps its priority). */
  engineNice?: number;
  /**
   * The admin asked for the thread (`delivery.engineThread: true`): a host where it cannot start
   * is then told at warn; by default (the setting unset) at info, since the engine runs anyway.
   */
  asked?: boolean;
  /**
   * The engine thread's heap (V8's old generation) in MB (default 64). Its garbage is then
   * collected while small instead of piling up to a hundred MB during a burst; a thread that
   * still runs out (a backlog of megabyte tickets) dies, and its next life gets twice as much.
   */
  engineHeapMb?: number;
  /** The engine's new work waits while the host's thread waits for a core (host-yield.ts; default: on PostgreSQL and MariaDB). */
  engineYield?: boolean;
}

/** The first pause before starting a dead engine again; doubled up to RESTART_MAX_MS while it keeps dying. */
const RESTART_FIRST_MS = 100;
const RESTART_MAX_MS = 10_000;
/** An engine that ran this long without dying starts the pauses over. */
const HEALTHY_AFTER_MS = 30_000;
/**
 * How often the host's clock is compared with the real one (a moved clock reaches the engine then,
 * or with a wake). Leases are compared across processes: while one host's engine still runs on
 * the clock before a jump and another's on the clock after it, a jump longer than a lease lets the
 * second take the first's lanes (two host processes whose clocks moved by two minutes sent each
 * reminder twice with a 1 s check). A subtraction every 50 ms keeps that window short.
 */
const CLOCK_CHECK_MS = 50;
const DEFAULT_NICE = 10;
const DEFAULT_HEAP_MB = 64;
const MAX_HEAP_MB = 4096;

const defaultWorkerFile = () => fileURLToPath(new URL('./engine-worker.js', import.meta.url));

/**
 * The engine's own connection, from the host's knex config (plain values only); null when the
 * database cannot be opened twice (SQLite in memory, or a client class that does not say where
 * the thread can load it: KnexClientSource).
 */
export function engineConnectionOf(db: Knex, poolMax: number): EngineConnection | null {
  const config = (db.client as { config?: Knex.Config }).config;
  const client = config?.client;
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') return { client: 'pg', connection: config?.connection, poolMax };
  if (client === 'mysql2' || client === 'mysql') return { client: 'mysql2', connection: config?.connection, poolMax };
  const filename = (config?.connection as { filename?: string } | undefined)?.filename;
  if (!filename || filename === ':memory:') return null;
  if (client === 'better-sqlite3') return { client: 'better-sqlite3', connection: { filename }, poolMax: 1 };
  const clientSource = (client as { threadSource?: KnexClientSource } | undefined)?.threadSource;
  if (typeof client === 'function' && clientSource) return { client: 'sqlite-class', clientSource, connection: { filename }, poolMax: 1 };
  return null;
}

/**
 * The host's SQLite connection's checkpoint threshold. A host that checkpoints on a thread of its
 * own raises it on its connection (the reference host: 10,000 pages); the engine's connection,
 * left at SQLite's 1,000, ran those checkpoints itself on the engine's thread, an fsync each (150
 * in 20 s of a burst, with strace), while the host's thread had already handed them over.
 */
async function walAutocheckpointOf(db: Knex): Promise<number> {
  const rows = (await db.raw('PRAGMA wal_autocheckpoint')) as Record<string, unknown>[];
  const pages = Number(Object.values(rows[0] ?? {})[0]);
  if (!Number.isInteger(pages) || pages < 0) throw new Error(`PRAGMA wal_autocheckpoint answered ${String(pages)}`);
  return pages;
}

/**
 * As many connections as the host's own pool (knex's default 10): the engine's lanes, claims and
 * the emits it writes share them; a smaller pool made the lanes and the emits wait for each other.
 */
function hostPoolMax(db: Knex): number {
  const max = (db.client as { config?: Knex.Config }).config?.pool?.max;
  return typeof max === 'number' && max > 0 ? max : 10;
}

/**
 * The delivery slice with its engine on a thread; null when the engine cannot run on one here
 * (no built thread script, a database only this connection can open): then the caller runs it
 * on the host's thread (createDelivery), as it says in the log.
 */
export function createDeliveryOnThread(
  ctx: ModuleContext,
  webhooks: WebhookStore,
  options: EngineThreadOptions = {},
): (DeliveryFront & { engine: EngineSupervisor }) | null {
  const file = options.workerFile ?? defaultWorkerFile();
  const connection = engineConnectionOf(ctx.db, options.enginePoolMax ?? hostPoolMax(ctx.db));
  if (!fs.existsSync(file) || !connection) {
    ctx.logger[options.asked ? 'warn' : 'info']('webhooks: the delivery engine runs on the host thread (its thread cannot start here)', {
      reason: !connection
        ? 'this database cannot be opened by a second connection (SQLite in memory, or without better-sqlite3)'
        : 'the module is not built',
    });
    return null;
  }
  const now = () => ctx.clock.now();
  const store = new KnexDeliveryStore(ctx.db, now);
  // The fan-out runs on the engine's thread: this one keeps no payload for it.
  const events = new EventStore(ctx.db, store, now, false);
  const held = new KnexHeldDeliveryStore(ctx.db, now);
  const requests = { network: ctx.network, timeoutMs: options.timeoutMs };
  const sender = new Sender({
    ...requests,
    now,
    exchange: options.sendOnCallingThread ? new GotExchange(requests) : new SendThread({ ...requests, logger: ctx.logger }),
  });
  const engine = new EngineSupervisor(ctx, webhooks, file, connection, options, { store, events });
  // Only its `observe` runs here, in the emit (schedule or cancel a reminder with the event);
  // the engine thread's own AwaitingStaff fires the due reminders.
  const reminders = new AwaitingStaff({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    delays: async () => (await webhooks.listeningTo('ticket.awaiting_staff')).map((w) => w.filters.awaitingStaffMinutes),
    persist: (event, payload) => events.add(event, payload),
    wake: () => engine.send({ type: 'wake' }),
    timers: options.timers,
  });
  const intake = new OutboxIntake({
    // The engine thread writes the event (then wakes its fan-out): on SQLite a write here would
    // wait, on the host's thread, for the engine's write lock. Between two lives of the engine
    // the host's thread writes it itself.
    persist: (event, payload) =>
      (connection.client === 'pg' || connection.client === 'mysql2' ? null : engine.persist(event, payload)) ??
      (async () => {
        await events.add(event, payload);
        await reminders.observe(event, payload);
        engine.send({ type: 'wake' });
      })(),
    wake: () => undefined,
    logger: ctx.logger,
    timers: options.timers,
  });
  const gauges = databaseGauges(ctx.db, now);
  ctx.logger.info('webhooks: the delivery engine runs on its own thread', {
    nice: options.engineNice ?? DEFAULT_NICE,
    heapMb: options.engineHeapMb ?? DEFAULT_HEAP_MB,
  });
  return {
    engine,
    intake,
    sender,
    testSender: botAwareTestSender(sender, botRoute(ctx, ctx.db, options.botToken)),
    writes: deliveryWrites(store, () => engine.send({ type: 'wake-dispatcher' }), held),
    metrics: { scrape: () => scrape({ counters: () => engine.counters() }, gauges) },
    start: () => engine.start(),
    async stop() {
      await intake.stop();
      await engine.stop();
      await sender.close();
    },
  };
}

/** Starts, watches, restarts and stops the engine thread. */
export class EngineSupervisor {
  private worker: Worker | null = null;
  private workerId = '';
  private readonly base = `e-${crypto.randomBytes(5).toString('hex')}`;
  private incarnation = 0;
  private stopping = false;
  private pauseMs = RESTART_FIRST_MS;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private lastAsk = 0;
  private readonly countersAsked = new Map<number, (value: object[]) => void>();
  private readonly persistAsked = new Map<number, { resolve(): void; reject(err: Error): void }>();
  private stopped: (() => void) | null = null;
  private clockOffsetMs = 0;
  private clockTimer: NodeJS.Timeout | null = null;
  /** Engines started again after dying (tests read it). */
  restarts = 0;
  /** The heap the next engine thread gets, in MB (doubled after one ran out). */
  heapMb: number;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly webhooks: WebhookStore,
    private readonly file: string,
    private readonly connection: EngineConnection,
    private readonly options: EngineThreadOptions,
    private readonly db: { store: KnexDeliveryStore; events: EventStore },
  ) {
    this.heapMb = options.engineHeapMb ?? DEFAULT_HEAP_MB;
  }

  start(): void {
    this.stopping = false;
    this.spawn();
    this.clockTimer ??= setInterval(() => this.syncClock(), CLOCK_CHECK_MS);
    this.clockTimer.unref();
  }

  send(msg: ToEngine): void {
    if (msg.type === 'wake' || msg.type === 'wake-dispatcher') this.syncClock();
    this.worker?.postMessage(msg);
  }

  private clockOffset(): number {
    return this.ctx.clock.now() - Date.now();
  }

  /** Tells the engine when the host's clock moved against the real one (by a millisecond or more). */
  private syncClock(): void {
    const offset = this.clockOffset();
    if (Math.abs(offset - this.clockOffsetMs) < 1) return;
    this.clockOffsetMs = offset;
    this.worker?.postMessage({ type: 'clock', offsetMs: offset } satisfies ToEngine);
  }

  /** The engine's counters (none while it is between two lives: its counts died with it). */
  counters(): Promise<object[]> {
    const worker = this.worker;
    if (!worker) return Promise.resolve([]);
    const id = ++this.lastAsk;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.countersAsked.delete(id);
        resolve([]);
      }, 5_000).unref();
      this.countersAsked.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      worker.postMessage({ type: 'counters', id } satisfies ToEngine);
    });
  }

  /**
   * Has the engine thread persist one event; null when no engine runs now (the caller writes it).
   * An engine that dies first rejects it: the intake keeps the event and writes it again (a
   * second copy if the dead one had written it: the in-flight bound of a crash).
   */
  persist(event: EventName, payload: AnyEventPayload): Promise<void> | null {
    const worker = this.worker;
    if (!worker || this.stopping) return null;
    this.syncClock();
    const id = ++this.lastAsk;
    return new Promise<void>((resolve, reject) => {
      this.persistAsked.set(id, { resolve, reject });
      worker.postMessage({ type: 'persist', id, event, payload } satisfies ToEngine);
    });
  }

  /** Ends the engine thread as a crash would (tests): no cleanup on its side. */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  private spawn(): void {
    this.workerId = `${this.base}-${++this.incarnation}`;
    const {
      timers: _t,
      markdown: _m,
      random: _r,
      onWebhookDead: _d,
      workerFile: _f,
      enginePoolMax: _p,
      onEngineDied: _e,
      botToken: _b,
      engineNice,
      engineHeapMb: _h,
      engineYield,
      ...options
    } = this.options;
    this.clockOffsetMs = this.clockOffset();
    const data: EngineWorkerData = {
      connection: this.connection,
      workerId: this.workerId,
      network: this.ctx.network,
      timeZone: this.ctx.timeZone,
      locale: this.ctx.i18n.locale,
      options,
      chatApiBases: { ...this.ctx.chatApiBases },
      clockOffsetMs: this.clockOffsetMs,
      nice: engineNice ?? DEFAULT_NICE,
      // Unset: on PostgreSQL and MariaDB, whose server processes work for the engine at the host's
      // priority; SQLite works inside the engine's own (lowered) threads, where stepping aside
      // cost a fifth of the rate for no faster page (host-load, 2026-12-06).
      yieldToHost: engineYield ?? (this.connection.client === 'pg' || this.connection.client === 'mysql2'),
    };
    const worker = new Worker(this.file, {
      workerData: data,
      // A small young generation: the engine's garbage is short-lived, collected often rather than
      // held (about 20-30 MB less RSS at a burst's peak in the host-load bench, same rate); 2 MB
      // since got's garbage went to the send thread (peak 241-246 MB against 248-251 MB with 4,
      // 877-994 deliveries/s against 833-864/s, SQLite, 2026-12-06). A bounded old generation:
      // without it V8 let a burst's garbage reach 100 MB before collecting it (25 MB of it live),
      // with 64 MB the heap stayed near 40 MB at the same rate.
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: this.heapMb },
    });
    const workerId = this.workerId;
    this.worker = worker;
    this.startedAt = Date.now();
    worker.on('message', (msg: FromEngine) => void this.onMessage(worker, msg));
    worker.on('error', (err) => this.onError(err, workerId));
    worker.on('exit', (code) => void this.onExit(worker, workerId, code));
  }

  /** Logged; a thread that ran out of its heap gets twice as much in its next life (onExit starts it). */
  private onError(err: Error, workerId: string): void {
    this.ctx.logger.error('webhooks: the delivery engine thread failed', { error: err.message, workerId });
    if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') this.growHeap();
  }

  private growHeap(): void {
    if (this.heapMb >= MAX_HEAP_MB) return;
    const was = this.heapMb;
    this.heapMb = Math.min(MAX_HEAP_MB, was * 2);
    this.ctx.logger.warn('webhooks: the delivery engine thread ran out of its heap; its next life gets twice as much', {
      heapMb: was,
      nextHeapMb: this.heapMb,
      setting: 'delivery.engineHeapMb',
    });
  }

  private async onMessage(worker: Worker, msg: FromEngine): Promise<void> {
    const answer = (id: number, value?: unknown, error?: string) =>
      worker.postMessage({ type: 'answer', id, value, error } satisfies ToEngine);
    switch (msg.type) {
      case 'log':
        this.ctx.logger[msg.level](msg.msg, msg.fields);
        return;
      case 'counters':
        this.countersAsked.get(msg.id)?.(msg.value);
        this.countersAsked.delete(msg.id);
        return;
      case 'persisted': {
        const asked = this.persistAsked.get(msg.id);
        this.persistAsked.delete(msg.id);
        if (msg.error === undefined) asked?.resolve();
        else asked?.reject(new Error(msg.error));
        return;
      }
      case 'webhook':
        // The one decryption the engine needs, once per lane turn: the host's key stays here.
        try {
          answer(msg.id, await this.webhooks.get(msg.webhookId));
        } catch (err) {
          answer(msg.id, undefined, (err as Error).message);
        }
        return;
      case 'wal-autocheckpoint':
        try {
          answer(msg.id, await walAutocheckpointOf(this.ctx.db));
        } catch (err) {
          answer(msg.id, undefined, (err as Error).message);
        }
        return;
      case 'bot-token':
        try {
          answer(msg.id, (await this.options.botToken?.(msg.platform)) ?? null);
        } catch (err) {
          answer(msg.id, undefined, (err as Error).message);
        }
        return;
      case 'webhook-dead':
        try {
          await webhookDeadNotifier(this.ctx)(msg.webhook as never, msg.reason, msg.cause);
          answer(msg.id);
        } catch (err) {
          answer(msg.id, undefined, (err as Error).message);
        }
        return;
      case 'heap-full':
        this.ctx.logger.error('webhooks: the delivery engine thread ended itself, its heap nearly full', {
          usedMb: msg.usedMb,
          limitMb: msg.limitMb,
        });
        this.growHeap();
        return;
      case 'stopped':
        this.stopped?.();
        return;
      case 'ready':
        return;
    }
  }

  private async onExit(worker: Worker, workerId: string, code: number): Promise<void> {
    if (this.worker === worker) this.worker = null;
    for (const resolve of this.countersAsked.values()) resolve([]);
    this.countersAsked.clear();
    for (const asked of this.persistAsked.values())
      asked.reject(new Error('the delivery engine thread ended before it said the event was saved'));
    this.persistAsked.clear();
    if (this.stopping) {
      this.stopped?.();
      return;
    }
    this.ctx.logger.error('webhooks: the delivery engine thread stopped unexpectedly; starting it again', { code, workerId });
    await Promise.resolve(this.options.onEngineDied?.(workerId)).catch(() => undefined);
    // What the dead engine held goes back now rather than when its leases expire.
    const at = this.ctx.clock.now();
    await Promise.all([
      this.db.store.releaseWorker(workerId),
      this.db.store.releaseLanes(workerId, at),
      this.db.events.release(workerId),
    ]).catch((err: Error) =>
      this.ctx.logger.warn('webhooks: could not release what the dead engine held; its leases will expire', { error: err.message }),
    );
    if (Date.now() - this.startedAt > HEALTHY_AFTER_MS) this.pauseMs = RESTART_FIRST_MS;
    const pause = this.pauseMs;
    this.pauseMs = Math.min(RESTART_MAX_MS, this.pauseMs * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.restarts++;
      this.spawn();
    }, pause);
    this.restartTimer.unref();
  }

  /**
   * Asks the engine to stop (it stops claiming, waits for its requests in flight within the
   * shutdown grace, queues the rest again, closes its connection), and ends the thread if it
   * has not finished well past that bound.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const worker = this.worker;
    if (!worker) return;
    const bound = (this.options.shutdownGraceMs ?? 5_000) + (this.options.timeoutMs ?? 10_000) + 5_000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.ctx.logger.warn('webhooks: the delivery engine thread did not stop in time; ending it', { boundMs: bound });
        void worker.terminate().then(() => resolve());
      }, bound);
      this.stopped = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ type: 'stop' } satisfies ToEngine);
    });
    this.stopped = null;
    await worker.terminate();
    this.worker = null;
    // A thread ended by the bound left its rows `sending`: they go back now.
    await this.db.store.releaseWorker(this.workerId).catch(() => undefined);
  }
}
