/**
 * Two real host processes (forked children, each with its own knex pool) share one PostgreSQL,
 * then one MariaDB, database and deliver 1000 order.paid events: each event reaches the Discord
 * sink exactly once, no webhook ever gets two requests at a time or one past its rate limit
 * (the sink answers 429 and counts it), and each webhook's messages arrive in queue order.
 * Needs the built dist/ (`npm test` builds it first).
 */
import type { Webhook } from '../../module/webhooks/webhook.js';
import { DiscordSink } from '../support/discord-sink.js';
import { testDatabaseKinds } from '../support/databases.js';
import { HostChild, eventNumbers, prepareSharedDatabase, requireBuild, waitFor, type SharedDatabase } from '../support/host-child.js';

const kinds = testDatabaseKinds().filter((k) => k !== 'sqlite');
const EVENTS = 1000;
const WEBHOOKS = 10;

// Shared databases need a server: with TEST_DB=sqlite the suite is reported as skipped, not empty.
if (kinds.length === 0) it.skip('two host processes on one server database (TEST_DB names none)', () => undefined);

for (const kind of kinds) describeOn(kind);

function describeOn(kind: (typeof kinds)[number]): void {
  describe(`two host processes on one ${kind} database`, () => {
    let db: SharedDatabase;
    let sink: DiscordSink;
    const children: HostChild[] = [];

    beforeAll(async () => {
      requireBuild();
      // 10 requests per second per webhook; a little latency so overlapping requests would show.
      sink = await new DiscordSink({ limit: 10, windowMs: 1000 }).start();
      sink.latencyMs = 5;
      db = await prepareSharedDatabase(kind, { 'delivery.pollMs': 200, 'delivery.leaseMs': 15_000 });
    });

    afterAll(async () => {
      for (const c of children) await c.kill().catch(() => undefined);
      await sink?.close();
      await db?.drop();
    });

    it(`delivers ${EVENTS} events exactly once, in order per webhook, within the per-webhook limit`, async () => {
      const a = await HostChild.start(db.childEnv('mp-a', true));
      children.push(a);
      const store = db.webhooks();
      // One webhook per payment gateway, one request per event (no coalescing): 100 requests each.
      const hooks: Webhook[] = [];
      for (let g = 0; g < WEBHOOKS; g++) {
        hooks.push(
          await store.create({
            name: `gw${g}`,
            url: sink.url(100 + g),
            platform: 'discord',
            events: ['order.paid'],
            templates: { order: 'evt-%id%-end' },
            options: { coalesce: false },
            filters: { paymentGateways: [`gw${g}`] },
          }),
        );
      }
      const b = await HostChild.start(db.childEnv('mp-b', false));
      children.push(b);

      // Both processes take orders at the same time; both dispatchers share the queue.
      await Promise.all([a.emit(0, EVENTS / 2, WEBHOOKS), b.emit(EVENTS / 2, EVENTS, WEBHOOKS)]);
      const received = () => hooks.flatMap((h, g) => sink.messages(100 + g).flatMap(eventNumbers));
      await waitFor(
        `${EVENTS} events at the sink (got ${received().length})\n${a.tail(10)}\n${b.tail(10)}`,
        () => received().length >= EVENTS,
        90_000,
        100,
      );
      // Let any duplicate that was about to be sent arrive before counting.
      await new Promise((r) => setTimeout(r, 500));

      const all = received();
      expect(all.length).toBe(EVENTS);
      expect(new Set(all).size).toBe(EVENTS);
      expect([...all].sort((x, y) => x - y)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
      for (let g = 0; g < WEBHOOKS; g++) {
        const id = String(100 + g);
        expect({ webhook: id, overLimit: sink.overLimit.get(id) ?? 0, maxInFlight: sink.maxInFlight.get(id) }).toEqual({
          webhook: id,
          overLimit: 0,
          maxInFlight: 1,
        });
        // Queue order: the sink saw this webhook's events in the order their rows were enqueued.
        const rows: { event_id: string }[] = await db
          .knex('wh_deliveries')
          .where({ webhook_id: hooks[g].id })
          .orderBy('id')
          .select('event_id');
        expect(sink.messages(id).flatMap(eventNumbers)).toEqual(rows.map((r) => Number(r.event_id.replace('evt-', ''))));
      }
      const statuses: { status: string; n: number | string }[] = await db
        .knex('wh_deliveries')
        .select('status')
        .count({ n: '*' })
        .groupBy('status');
      expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['delivered', EVENTS]]);

      await Promise.all([a.close(), b.close()]);
    }, 150_000);
  });
}
