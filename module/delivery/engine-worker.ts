/**
 * Thread side of engine-thread.ts (loaded from the built module): the delivery engine (fan-out,
 * render, lanes, claims, sends, result writes, retention) on a thread of its own, with its own
 * database connection (SQLite: its own connection in WAL mode; PostgreSQL, MariaDB: a small
 * pool). It holds no key: a lane's webhook is opened (decrypted) by the host's thread, once per
 * lane turn; the fan-out reads webhooks without decrypting them. It logs and notifies the admin
 * through the host's thread, and answers its counters for the metrics route.
 */
import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import knexFactory, { type Knex } from 'knex';
import type { Logger, Secrets } from '../../sdk/module-context.js';
import { WebhookStore } from '../webhooks/webhook-store.js';
import type { Webhook } from '../webhooks/webhook.js';
import type { EngineWorkerData, FromEngine, ToEngine } from './engine-protocol.js';
import { createDelivery, type EngineContext } from './index.js';
import { lowerThisThreadPriority } from './thread-priority.js';
import { HostYield, mainThreadWaitReader } from './host-yield.js';
import { SendThread } from './send-thread.js';
import { RenderOnThisThread } from '../rendering/event-renderers.js';
import { cachePreparedStatements, type PreparingConnection } from '../../sdk/sqlite-statement-cache.js';

const data = workerData as EngineWorkerData;
/** The send thread's heap: got's garbage lives a request long. */
const SEND_THREAD_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };
const port = parentPort!;
const post = (msg: FromEngine) => port.postMessage(msg);

/** Requests answered by the host's thread, by id. */
const asked = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let lastId = 0;
function ask<T>(msg: (id: number) => FromEngine): Promise<T> {
  const id = ++lastId;
  return new Promise<T>((resolve, reject) => {
    asked.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post(msg(id));
  });
}

/**
 * The port is listened to from the start: opening the connection already asks the host's thread
 * (its checkpoint threshold). What else arrives before the engine is ready waits here.
 */
let beforeReady: ToEngine[] | null = [];
port.on('message', (msg: ToEngine) => {
  if (msg.type === 'answer') {
    const waiting = asked.get(msg.id);
    asked.delete(msg.id);
    if (msg.error !== undefined) waiting?.reject(new Error(msg.error));
    else waiting?.resolve(msg.value);
  } else if (beforeReady) beforeReady.push(msg);
  else handle(msg);
});

const log =
  (level: 'debug' | 'info' | 'warn' | 'error') =>
  (msg: string, fields?: Record<string, unknown>): void =>
    post({ type: 'log', level, msg, fields });
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

/** The engine thread never decrypts: the one place it needs a webhook's URL asks the host's thread. */
const noKey: Secrets = {
  encrypt: () => {
    throw new Error('the delivery engine thread holds no key');
  },
  decrypt: () => {
    throw new Error('the delivery engine thread holds no key');
  },
};

async function connect(c: EngineWorkerData['connection']): Promise<Knex> {
  if (c.client === 'pg' || c.client === 'mysql2')
    return knexFactory({ client: c.client, connection: c.connection as never, pool: { min: 0, max: c.poolMax } });
  const client =
    c.client === 'sqlite-class' && c.clientSource
      ? ((await import(c.clientSource.moduleUrl)) as Record<string, () => Knex.Config['client']>)[c.clientSource.exportName]()
      : 'better-sqlite3';
  // The host's checkpoint threshold (its checkpoints may run on a thread of its own); SQLite's own if it cannot say.
  const autocheckpoint = await ask<number>((id) => ({ type: 'wal-autocheckpoint', id })).catch((err: Error) => {
    logger.warn("webhooks: the engine thread keeps SQLite's own checkpoint threshold", { error: err.message });
    return 1000;
  });
  return knexFactory({
    client,
    connection: c.connection as never,
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // The host's connection settings: WAL (the host's thread reads and writes beside this one),
      // a busy wait instead of an error while the other connection writes.
      afterCreate(conn: PreparingConnection & { exec(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.exec(
            'PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;' +
              ` PRAGMA wal_autocheckpoint = ${autocheckpoint};`,
          );
          cachePreparedStatements(conn);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
}

const nice = lowerThisThreadPriority(data.nice);
const db = await connect(data.connection);
// The host's clock, as far as a thread can have it: the real clock plus the host's offset.
let clockOffsetMs = data.clockOffsetMs;
const clock = { now: () => Date.now() + clockOffsetMs };
const webhooks = new WebhookStore(db, noKey, clock.now);
// The host runs the module on the process's main thread: its run-queue wait is read there.
const hostYield = data.yieldToHost ? new HostYield(mainThreadWaitReader(), { onPause: (ms) => delivery.counters.yielded(ms) }) : null;
const ctx: EngineContext = {
  db,
  clock,
  logger,
  network: data.network,
  timeZone: data.timeZone,
  i18n: { locale: data.locale as never, t: (key: string) => key },
  // Unused: notifications go through onWebhookDead below, written in the host's language there.
  notifications: { notify: async () => undefined },
  admin: { basePath: '', page: () => undefined, api: () => undefined },
  chatApiBases: data.chatApiBases,
};
const delivery = createDelivery(
  ctx,
  {
    get: (id) => ask<Webhook | null>((rid) => ({ type: 'webhook', id: rid, webhookId: id })),
    disable: (id, reason) => webhooks.disable(id, reason),
    listeningTo: (event, trx) => webhooks.listeningTo(event, trx),
  },
  {
    ...data.options,
    workerId: data.workerId,
    // got's request path and its garbage on a thread beside this one (nested: it ends with it).
    // Made here, every request on this thread cost a quarter of its time, and the emits waited
    // behind them: 690-710 deliveries/s and 160-175 emits/s against 850-865/s and 450-495 emits/s
    // with it (host-load, SQLite, side by side). Its heap is bounded like this thread's: its
    // garbage is short-lived, and unbounded it added about 45 MB at a burst's peak.
    exchange: data.options.sendOnCallingThread
      ? undefined
      : new SendThread({ network: data.network, timeoutMs: data.options.timeoutMs, logger, resourceLimits: SEND_THREAD_LIMITS }),
    renderer: new RenderOnThisThread(logger),
    hostTurn: hostYield ?? undefined,
    // Sealed with the host's key: the host's thread decrypts it, per request.
    botToken: (platform) => ask<string | null>((id) => ({ type: 'bot-token', id, platform })),
    onWebhookDead: (webhook, reason, cause) =>
      ask<void>((id) => ({
        type: 'webhook-dead',
        id,
        webhook: { id: webhook.id, name: webhook.name, platform: webhook.platform },
        reason,
        cause,
      })),
  },
);

/**
 * Emitted events wait this long for the fan-out, so those that come meanwhile share its pass. Woken
 * at once, the fan-out made one pass per event while the emits came (lease, read, webhooks read,
 * render, write, release: about 3 ms of this thread each, and the lanes and the next emits waited
 * behind them): the SQL of 2 s of a 500-a-second burst held 631 passes of one event.
 */
const FAN_OUT_GATHER_MS = 10;

function handle(msg: Exclude<ToEngine, { type: 'answer' }>): void {
  if (msg.type === 'wake') delivery.fanOut.wakeSoon(FAN_OUT_GATHER_MS);
  else if (msg.type === 'wake-dispatcher') delivery.dispatcher.wake();
  else if (msg.type === 'clock') clockOffsetMs = msg.offsetMs;
  else if (msg.type === 'persist')
    delivery.persist(msg.event, msg.payload).then(
      () => {
        post({ type: 'persisted', id: msg.id });
        delivery.fanOut.wakeSoon(FAN_OUT_GATHER_MS);
      },
      (err: Error) => post({ type: 'persisted', id: msg.id, error: err.message }),
    );
  else if (msg.type === 'counters')
    void delivery.counters.registry.getMetricsAsJSON().then((value) => post({ type: 'counters', id: msg.id, value }));
  else if (msg.type === 'stop')
    void delivery
      .stop()
      .finally(() => hostYield?.stop())
      .catch((err: Error) => logger.error('webhooks: the delivery engine thread did not stop cleanly', { error: err.message }))
      .then(() => db.destroy())
      .finally(() => {
        post({ type: 'stopped' });
        port.close();
      });
}

/**
 * The thread ends itself while its heap stays nearly full after a full collection, before V8's
 * limit: a thread over that limit in the middle of one large allocation (the bodies of megabyte
 * tickets) takes the whole process down with it, the host included, as Node grants a dying
 * thread only 16 MB more. The supervisor starts it again with twice the heap, as after an
 * out-of-memory error; what it held is released and sent again, as after any death.
 */
const HEAP_FULL_SHARE = 0.7;
new PerformanceObserver((list) => {
  if (
    !list
      .getEntries()
      .some((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR)
  )
    return;
  const { used_heap_size: used, heap_size_limit: limit } = v8.getHeapStatistics();
  if (used < HEAP_FULL_SHARE * limit) return;
  post({ type: 'heap-full', usedMb: Math.round(used / 2 ** 20), limitMb: Math.round(limit / 2 ** 20) });
  process.exit(1);
}).observe({ entryTypes: ['gc'] });

delivery.start();
const yielding = hostYield?.start() ?? false;
for (const msg of beforeReady) handle(msg as Exclude<ToEngine, { type: 'answer' }>);
beforeReady = null;
if (nice !== null) logger.debug('webhooks: the delivery engine thread runs at a lower priority than the host', { nice });
if (data.yieldToHost && !yielding)
  logger.debug("webhooks: the delivery engine thread cannot see the host thread's waits here (no schedstat); it does not step aside");
post({ type: 'ready' });
