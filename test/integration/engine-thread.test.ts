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
import parsePrometheus from 'parse-prometheus-text-format';
import path from 'node:path';
import { createSecrets } from '../../host/security/secrets.js';
import type { HostNotification, ModuleContext } from '../../sdk/module-context.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { createDeliveryOnThread, engineConnectionOf } from '../../module/delivery/engine-thread.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { eventNumbers } from '../support/host-child.js';
import { waitUntil } from '../faults/wait-until.js';
import { migrate, recordingLogger } from './delivery-harness.js';

const repoRoot = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..');
const workerFile = path.join(repoRoot, 'dist', 'module', 'delivery', 'engine-worker.js');
const EVENTS = 150;
const WEBHOOKS = 4;

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
    const ctx = {
      db: db.knex,
      clock: { now: () => Date.now() },
      logger,
      timeZone: 'Europe/Paris',
      i18n: { locale: 'fr', t: (key: string) => key },
      network: { allowLoopback: true, allowPrivate: false },
      notifications: { notify: async (n: HostNotification) => void notifications.push(n) },
      admin: { basePath: '/admin/modules/webhooks' },
    } as unknown as ModuleContext;
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
      sendOnCallingThread: true,
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
});
