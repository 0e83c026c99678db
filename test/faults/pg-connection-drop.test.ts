/**
 * PostgreSQL drops every connection of the module's database in the middle of a delivery run
 * (pg_terminate_backend, as a server restart or failover would), twice. What must hold: the
 * host does not crash, keeps answering, and every one of the 40 events still arrives (nothing
 * lost); an event may arrive twice only if its request was in flight when the connection died.
 */
import { startBenchHost, type BenchHost } from '../../bench/support/bench-host.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { DiscordSink } from '../support/discord-sink.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { terminateConnections } from './pg-connections.js';
import { waitUntil } from './wait-until.js';

const EVENTS = 40;
const LIMIT_MS = 150_000;
const run = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

run('PostgreSQL connection dropped and restored mid-delivery', () => {
  let sink: DiscordSink;
  let bh: BenchHost;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    // Slow answers keep requests in flight while the connections are cut; no rate limit here.
    sink = await new DiscordSink({ limit: 1000, windowMs: 1000 }).start();
    sink.latencyMs = 100;
    const db = await createDatabaseUrl('postgres');
    url = db.url;
    drop = db.drop;
    bh = await startBenchHost({
      databaseUrl: url,
      moduleSettings: { 'delivery.retryScheduleSeconds': [0, 0.2, 0.5, 1, 1, 1, 1, 1], 'delivery.pollMs': 100, 'delivery.leaseMs': 3000 },
    });
  }, LIMIT_MS);

  afterAll(async () => {
    await bh?.close();
    await sink?.close();
    await drop?.();
  });

  test(
    `connections killed twice during ${EVENTS} deliveries: no crash, host answers, all ${EVENTS} arrive`,
    async () => {
      const sinkId = '999888777666555444';
      // Coalescing off: one request per event, so every event is a separate write on the way.
      await bh.createWebhook({
        name: 'pg drop',
        url: sink.url(sinkId),
        platform: 'discord',
        options: { coalesce: false },
        templates: { order: 'pg order #%id%' },
      });
      const ids: number[] = [];
      let killed = 0;
      for (let i = 0; i < EVENTS; i++) {
        const p = sampleEvent('order.paid', { seq: 7000 + i, now: Date.now() });
        ids.push(p.order.id as number);
        // An emit that meets a dead connection must not throw into the host either.
        await bh.host.bus.emitAsync('order.paid', { ...p, eventId: `pgdrop_${i}` });
        if (i === 10 || i === 25) killed += await terminateConnections(url);
      }
      expect(killed).toBeGreaterThan(0);
      const arrived = () =>
        new Set(sink.messages(sinkId).flatMap((m) => [...JSON.stringify(m).matchAll(/pg order #(\d+)/g)].map((x) => Number(x[1]))));
      // An enqueue that met the dead connection waits in the intake's memory buffer and is written
      // once the database answers again: every one of the events must arrive.
      await waitUntil(
        () => ids.every((id) => arrived().has(id)),
        async () =>
          `missing ${ids.filter((id) => !arrived().has(id)).join(',')}; rows ${JSON.stringify(await bh.host.db('wh_deliveries').whereNot('status', 'delivered').select('event_id', 'status', 'last_error'))}`,
        LIMIT_MS - 30_000,
      );
      expect(ids.filter((id) => !arrived().has(id))).toEqual([]);
      const res = await bh.simulate('order.paid', undefined);
      expect(res.status).toBe(202);
    },
    LIMIT_MS,
  );
});
