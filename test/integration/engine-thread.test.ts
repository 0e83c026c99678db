/**
 * The delivery engine on its own thread, on every database: the host's side only persists the
 * events and wakes the engine; the engine thread is killed (terminate(), no cleanup: a crash)
 * in the middle of a burst. The supervisor starts it again, every event reaches every webhook,
 * and the duplicates are at most the rows the dead engine held `sending` (sent or being sent,
 * not recorded) when it died: the in-flight bound of the crash suite. Then stop() ends it
 * within the shutdown bound, leaving no row `sending`.
 * Needs the built dist/ (the engine thread runs dist/module/delivery/engine-worker.js).
 */
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import parsePrometheus from 'parse-prometheus-text-format';
import path from 'node:path';
import { createSecrets } from '../../host/security/secrets.js';
import type { HostNotification, ModuleContext } from '../../sdk/module-context.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { createDeliveryOnThread, engineConnectionOf } from '../../module/delivery/engine-thread.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { JsonSink } from '../support/json-sink.js';
import { eventNumbers } from '../support/host-child.js';
import { waitUntil } from '../faults/wait-until.js';
import { migrate, recordingLogger } from './delivery-harness.js';

const repoRoot = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..');
const workerFile = path.join(repoRoot, 'dist', 'module', 'delivery', 'engine-worker.js');
const EVENTS = 150;
const WEBHOOKS = 4;

/** What createDeliveryOnThread reads of the host's context. */
const engineContext = (db: TestDatabase, now: () => number, logger: ModuleContext['logger'], notifications: HostNotification[]) =>
  ({
    db: db.knex,
    clock: { now },
    logger,
    timeZone: 'Europe/Paris',
    i18n: { locale: 'fr', t: (key: string) => key },
    network: { allowLoopback: true, allowPrivate: false },
    notifications: { notify: async (n: HostNotification) => void notifications.push(n) },
    admin: { basePath: '/admin/modules/webhooks' },
  }) as unknown as ModuleContext;

describe.each(testDatabaseKinds())('delivery engine thread on %s', (kind) => {
  let db: TestDatabase;
  let sink: DiscordSink;

  beforeAll(async () => {
    if (!fs.existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npm run build\` before this test`);
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    sink = await new DiscordSink({ limit: 1000, windowMs: 1000 }).start();
    // 20 ms an answer: the burst lasts long enough for the kill to land in its middle.
    sink.latencyMs = 20;
  });
  afterAll(async () => {
    await sink?.close();
    await db?.destroy();
  });

  it('is started again after a crash mid-burst: every event delivered, duplicates within the rows it held', async () => {
    const logger = recordingLogger();
    const notifications: HostNotification[] = [];
    const secrets = createSecrets('engine-thread-test-key-'.padEnd(40, 'x'));
    const store = new WebhookStore(db.knex, secrets, () => Date.now());
    const ctx = engineContext(db, () => Date.now(), logger, notifications);
    expect(engineConnectionOf(db.knex, 3)).not.toBeNull();
    for (let w = 0; w < WEBHOOKS; w++)
      await store.create({
        name: `w${w}`,
        url: sink.url(300 + w),
        platform: 'discord',
        events: ['order.paid'],
        templates: { order: 'evt-%id%-end' },
        options: { coalesce: false },
      });
    let heldAtDeath = -1;
    const front = createDeliveryOnThread(ctx, store, {
      workerFile,
      concurrency: WEBHOOKS,
      leaseMs: 60_000,
      pollMs: 200,
      timeoutMs: 5000,
      shutdownGraceMs: 2000,
      // The requests go through the engine's own send thread (nested: it dies with the engine).
      onEngineDied: async () => {
        const [{ n }] = await db.knex('wh_deliveries').where({ status: 'sending' }).count({ n: '*' });
        heldAtDeath = Number(n);
      },
    });
    expect(front).not.toBeNull();
    front!.start();
    try {
      for (let i = 0; i < EVENTS; i++) {
        const p = sampleEvent('order.paid', { seq: i, now: Date.now() });
        p.order.id = i;
        await front!.intake.accept('order.paid', { ...p, eventId: `evt-${i}` });
      }
      const received = (w: number) => sink.messages(300 + w).flatMap(eventNumbers);
      const all = () => Array.from({ length: WEBHOOKS }, (_, w) => received(w)).flat();
      await waitUntil(
        () => all().length >= 60 && sink.inFlightNow() > 0,
        () => `the first deliveries and one in flight (have ${all().length})`,
      );
      await front!.engine.kill();
      await waitUntil(
        () => front!.engine.restarts === 1 && heldAtDeath >= 0,
        () => `the engine was not started again (restarts ${front!.engine.restarts})`,
      );
      const atKill = all().length;
      expect(atKill).toBeLessThan(EVENTS * WEBHOOKS);
      expect(heldAtDeath).toBeGreaterThanOrEqual(1);
      await waitUntil(
        () => Array.from({ length: WEBHOOKS }, (_, w) => new Set(received(w)).size).every((n) => n === EVENTS),
        () =>
          `every event to every webhook after the restart (have ${Array.from({ length: WEBHOOKS }, (_, w) => new Set(received(w)).size)})`,
        120_000,
        50,
      );
      const rows: { status: string; n: number | string }[] = await db
        .knex('wh_deliveries')
        .select('status')
        .count({ n: '*' })
        .groupBy('status');
      await waitUntil(
        async () => {
          const r: { n: number | string }[] = await db.knex('wh_deliveries').where({ status: 'delivered' }).count({ n: '*' });
          return Number(r[0].n) === EVENTS * WEBHOOKS;
        },
        () => `every row recorded delivered (have ${JSON.stringify(rows)})`,
      );
      const duplicates = all().length - EVENTS * WEBHOOKS;
      expect({ duplicates, withinBound: duplicates <= heldAtDeath }).toEqual({ duplicates, withinBound: true });
      for (let w = 0; w < WEBHOOKS; w++) expect([...new Set(received(w))].sort((a, b) => a - b)).toEqual([...Array(EVENTS).keys()]);
      expect(logger.entries.some((e) => e.msg.includes('delivery engine thread stopped unexpectedly'))).toBe(true);
      // The metrics route's counters come from the engine thread (the restarted one: the dead
      // one's counts died with it), its gauges from the database.
      const families = parsePrometheus(await front!.metrics.scrape());
      const value = (name: string, labels: Record<string, string>) =>
        Number(
          families.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
            ?.value ?? NaN,
        );
      const deliveredSinceRestart = value('webhooks_deliveries_total', { platform: 'discord', outcome: 'delivered' });
      expect(deliveredSinceRestart).toBeGreaterThan(0);
      expect(deliveredSinceRestart).toBeLessThanOrEqual(EVENTS * WEBHOOKS);
      expect(value('webhooks_queue_depth', { status: 'pending' })).toBe(0);
      process.stdout.write(`[${kind}] engine thread killed after ${atKill} deliveries, ${heldAtDeath} held, ${duplicates} duplicates\n`);
    } finally {
      await front!.stop();
    }
    const [{ n }] = await db.knex('wh_deliveries').where({ status: 'sending' }).count({ n: '*' });
    expect(Number(n)).toBe(0);
  }, 170_000);

  it('gets twice the heap after running out of it, and delivers what it held', async () => {
    // Megabyte tickets to JSON webhooks (each body carries the whole payload) overflow a 16 MB
    // heap: the thread dies of it, is started again with 32 MB (then more if need be), and every
    // ticket still reaches every webhook.
    const jsonSink = await new JsonSink().start();
    const logger = recordingLogger();
    const secrets = createSecrets('engine-thread-test-key-'.padEnd(40, 'x'));
    const store = new WebhookStore(db.knex, secrets, () => Date.now());
    const ctx = engineContext(db, () => Date.now(), logger, []);
    const TICKETS = 8;
    const HOOKS = 3;
    for (let w = 0; w < HOOKS; w++)
      await store
        .create({
          name: `big${w}`,
          url: jsonSink.url(`big${w}`),
          platform: 'json',
          events: ['ticket.submit'],
          templates: { ticket: 'ticket %id%' },
        })
        .catch(async (err: Error) => {
          await jsonSink.close();
          throw err;
        });
    const front = createDeliveryOnThread(ctx, store, {
      workerFile,
      concurrency: HOOKS,
      pollMs: 200,
      timeoutMs: 10_000,
      sendOnCallingThread: true,
      engineHeapMb: 16,
    });
    expect(front).not.toBeNull();
    front!.start();
    try {
      for (let i = 0; i < TICKETS; i++) {
        const p = sampleEvent('ticket.submit', { seq: i, now: Date.now() });
        p.message.content = `ticket ${i} `.padEnd(1_000_000, 'x');
        await front!.intake.accept('ticket.submit', { ...p, eventId: `big-${i}` });
      }
      const ids = (w: number) =>
        new Set(jsonSink.requestsFor(`big${w}`).map((r) => (r.json?.data as { payload?: { eventId?: string } })?.payload?.eventId ?? ''));
      await waitUntil(
        () => Array.from({ length: HOOKS }, (_, w) => ids(w).size).every((n) => n === TICKETS),
        () =>
          `every ticket to every webhook (have ${Array.from({ length: HOOKS }, (_, w) => ids(w).size)}, restarts ${front!.engine.restarts})`,
        150_000,
        100,
      );
      expect(front!.engine.restarts).toBeGreaterThanOrEqual(1);
      expect(front!.engine.heapMb).toBeGreaterThanOrEqual(32);
      const grown = logger.entries.filter((e) => e.msg.includes('ran out of its heap'));
      expect(grown[0]?.fields).toMatchObject({ heapMb: 16, nextHeapMb: 32, setting: 'delivery.engineHeapMb' });
      for (let w = 0; w < HOOKS; w++) expect([...ids(w)].sort()).toEqual(Array.from({ length: TICKETS }, (_, i) => `big-${i}`).sort());
      process.stdout.write(`[${kind}] engine heap grown to ${front!.engine.heapMb} MB after ${front!.engine.restarts} restart(s)\n`);
    } finally {
      await front!.stop();
      await jsonSink.close();
    }
  }, 170_000);

  it("stamps rows with the host's clock, moved or not, and runs behind the host's thread (the nice value it is given)", async () => {
    // The host's clock runs 400 days ahead of the real one, then jumps 30 days more: what the
    // engine writes must follow it (retention, the 14-day chart and the log read these times).
    const DAY = 86_400_000;
    let shift = 400 * DAY;
    const hostNow = () => Date.now() + shift;
    const secrets = createSecrets('engine-thread-test-key-'.padEnd(40, 'x'));
    const store = new WebhookStore(db.knex, secrets, hostNow);
    const ctx = engineContext(db, hostNow, recordingLogger(), []);
    const hook = await store.create({
      name: 'clock',
      url: sink.url(400),
      platform: 'discord',
      events: ['order.paid'],
      templates: { order: 'evt-%id%-end' },
      options: { coalesce: false },
    });
    // Nice 7, a value no other thread here has (the render threads run at 10): the engine's alone.
    const front = createDeliveryOnThread(ctx, store, { workerFile, concurrency: 1, pollMs: 200, sendOnCallingThread: true, engineNice: 7 });
    expect(front).not.toBeNull();
    front!.start();
    // The webhook's nth delivery, once recorded delivered (the sink sees it before the row says so).
    const deliveredRow = async (nth: number) => {
      let rows: { created_at: number | string; delivered_at: number | string | null }[] = [];
      await waitUntil(
        async () => {
          rows = await db.knex('wh_deliveries').where({ webhook_id: hook.id, status: 'delivered' }).orderBy('id');
          return rows.length >= nth;
        },
        () => `delivery ${nth} recorded delivered (have ${rows.length})`,
      );
      return { created: Number(rows[nth - 1].created_at), delivered: Number(rows[nth - 1].delivered_at) };
    };
    const near = (t: number, shiftMs: number) => Math.abs(t - (Date.now() + shiftMs)) < 120_000;
    try {
      const first = sampleEvent('order.paid', { seq: 1, now: hostNow() });
      first.order.id = 9001;
      await front!.intake.accept('order.paid', { ...first, eventId: 'clock-1' });
      const a = await deliveredRow(1);
      expect({ created: near(a.created, shift), delivered: near(a.delivered, shift) }).toEqual({ created: true, delivered: true });

      shift += 30 * DAY;
      const second = sampleEvent('order.paid', { seq: 2, now: hostNow() });
      second.order.id = 9002;
      await front!.intake.accept('order.paid', { ...second, eventId: 'clock-2' });
      const b = await deliveredRow(2);
      expect({ created: near(b.created, shift), delivered: near(b.delivered, shift) }).toEqual({ created: true, delivered: true });

      // Linux: one thread of this process (the engine's) runs at nice 7; this one stays at 0.
      if (process.platform === 'linux') {
        const niceOf = (tid: string) => {
          const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        };
        const nices = fs.readdirSync('/proc/self/task').map(niceOf);
        expect(nices.filter((n) => n === 7)).toHaveLength(1);
        expect(niceOf(String(process.pid))).toBe(0);
      }
    } finally {
      await front!.stop();
    }
  }, 120_000);

  (process.platform === 'linux' ? it : it.skip)(
    "steps aside while the host's thread waits for a core: by default on PostgreSQL and MariaDB, as delivery.engineYield says",
    async () => {
      const secrets = createSecrets('engine-thread-test-key-'.padEnd(40, 'x'));
      const store = new WebhookStore(db.knex, secrets, () => Date.now());
      const ctx = engineContext(db, () => Date.now(), recordingLogger(), []);
      /** The engine's pauses while this thread and one spinning thread per core all want a core for 1.5 s. */
      const pausesUnderContention = async (engineYield: boolean | undefined): Promise<number> => {
        const front = createDeliveryOnThread(ctx, store, {
          workerFile,
          concurrency: 1,
          pollMs: 200,
          sendOnCallingThread: true,
          engineYield,
        });
        expect(front).not.toBeNull();
        front!.start();
        // The engine is up (it answers its counters) before the cores are taken.
        parsePrometheus(await front!.metrics.scrape());
        const spinners = Array.from(
          { length: os.availableParallelism() },
          () => new Worker('const end = Date.now() + 1500; while (Date.now() < end);', { eval: true }),
        );
        try {
          const end = Date.now() + 1500;
          while (Date.now() < end);
          await Promise.all(spinners.map((w) => new Promise((r) => w.once('exit', r))));
          const families = parsePrometheus(await front!.metrics.scrape());
          const yields = families.find((f) => f.name === 'webhooks_engine_yields_total');
          expect(yields).toBeDefined();
          return Number(yields!.metrics[0]?.value ?? 0);
        } finally {
          await Promise.all(spinners.map((w) => w.terminate()));
          await front!.stop();
        }
      };
      if (kind === 'sqlite') {
        // SQLite works inside the engine's own threads, whose priority is lowered: no pause unless asked.
        expect(await pausesUnderContention(undefined)).toBe(0);
        expect(await pausesUnderContention(true)).toBeGreaterThan(0);
      } else {
        expect(await pausesUnderContention(undefined)).toBeGreaterThan(0);
        expect(await pausesUnderContention(false)).toBe(0);
      }
    },
    60_000,
  );

  (kind === 'sqlite' ? it : it.skip)(
    "checkpoints SQLite's WAL at the host connection's threshold, not at SQLite's own",
    async () => {
      // A host that checkpoints on a thread of its own raises its connection's threshold (the
      // reference host: 10,000 pages). Here the host's connection never checkpoints (0): the
      // engine's connection must not either, so the WAL keeps every frame of a burst well past
      // SQLite's default 1,000 pages. An engine at SQLite's default would have checkpointed and
      // started the WAL over, on its own thread, an fsync each time.
      const [{ wal_autocheckpoint: before }] = (await db.knex.raw('PRAGMA wal_autocheckpoint')) as { wal_autocheckpoint: number }[];
      await db.knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
      await db.knex.raw('PRAGMA wal_autocheckpoint = 0');
      const secrets = createSecrets('engine-thread-test-key-'.padEnd(40, 'x'));
      const store = new WebhookStore(db.knex, secrets, () => Date.now());
      const ctx = engineContext(db, () => Date.now(), recordingLogger(), []);
      const hook = await store.create({
        name: 'wal',
        url: sink.url(500),
        platform: 'discord',
        events: ['ticket.submit'],
        templates: { ticket: 'wal %id%' },
      });
      const TICKETS = 120;
      const front = createDeliveryOnThread(ctx, store, { workerFile, concurrency: 1, pollMs: 200, sendOnCallingThread: true });
      expect(front).not.toBeNull();
      front!.start();
      try {
        for (let i = 0; i < TICKETS; i++) {
          const p = sampleEvent('ticket.submit', { seq: i, now: Date.now() });
          // 60 KB a ticket: 120 of them write about 2,000 pages of 4 KB (the event, then its removal).
          p.message.content = `ticket ${i} `.padEnd(60_000, 'w');
          await front!.intake.accept('ticket.submit', { ...p, eventId: `wal-${i}` });
        }
        await waitUntil(
          async () => {
            const r: { n: number | string }[] = await db
              .knex('wh_deliveries')
              .where({ webhook_id: hook.id, status: 'delivered' })
              .count({ n: '*' });
            return Number(r[0].n) === TICKETS;
          },
          () => `every ticket delivered (have ${sink.messages(500).length} at the sink)`,
        );
        // PASSIVE answers how many frames the WAL holds (`log`): every frame since the TRUNCATE above.
        const [{ log }] = (await db.knex.raw('PRAGMA wal_checkpoint(PASSIVE)')) as { log: number }[];
        expect({ walFrames: log, pastSqlitesThreshold: log > 1500 }).toEqual({ walFrames: log, pastSqlitesThreshold: true });
      } finally {
        await front!.stop();
        await db.knex.raw(`PRAGMA wal_autocheckpoint = ${Number(before)}`);
      }
    },
    120_000,
  );
});

describe('where the engine cannot start on its own thread', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(testDatabaseKinds()[0]);
    await migrate(db.knex);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  // The thread is the default: a host without its script (the module not built) runs the engine
  // on its own thread and says so at info; an admin who asked for the thread is warned.
  it.each([
    [false, 'info'],
    [true, 'warn'],
  ])('falls back to the host thread (asked for: %s) and logs it at %s', (asked, level) => {
    const logger = recordingLogger();
    const ctx = engineContext(db, () => Date.now(), logger, []);
    const store = new WebhookStore(db.knex, createSecrets('engine-thread-test-key-'.padEnd(40, 'x')), () => Date.now());
    const missing = path.join(repoRoot, 'dist', 'module', 'delivery', 'no-such-engine-worker.js');
    expect(createDeliveryOnThread(ctx, store, { workerFile: missing, asked })).toBeNull();
    expect(logger.entries.map((e) => [e.level, e.msg, e.fields?.reason])).toEqual([
      [level, 'webhooks: the delivery engine runs on the host thread (its thread cannot start here)', 'the module is not built'],
    ]);
  });
});
