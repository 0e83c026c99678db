/**
 * Crash safety: a real host process is SIGKILLed in the middle of a 500-event burst and a new
 * host process is started on the same database. Every event reaches the Discord sink at least
 * once, and the duplicates are at most the deliveries that were in flight at the kill (rows the
 * dead process had marked `sending` but not yet recorded). Runs on every database kind.
 * Needs the built dist/ (`npm run test:faults` builds it first).
 */
import { DiscordSink } from '../support/discord-sink.js';
import { testDatabaseKinds } from '../support/databases.js';
import { HostChild, eventNumbers, prepareSharedDatabase, requireBuild, waitFor, type SharedDatabase } from '../support/host-child.js';

const EVENTS = 500;
const WEBHOOKS = 4;
const LEASE_MS = 3000;

describe.each(testDatabaseKinds())('SIGKILL mid-burst on %s', (kind) => {
  let db: SharedDatabase;
  let sink: DiscordSink;
  const children: HostChild[] = [];

  beforeAll(async () => {
    requireBuild();
    // 10 requests/s per webhook and 30 ms per answer: delivering the burst takes over 12 s, so the kill lands mid-way.
    sink = await new DiscordSink({ limit: 10, windowMs: 1000 }).start();
    sink.latencyMs = 30;
    db = await prepareSharedDatabase(kind, { 'delivery.leaseMs': LEASE_MS, 'delivery.pollMs': 200, 'delivery.timeoutMs': 2000 });
  });

  afterAll(async () => {
    for (const c of children) await c.kill().catch(() => undefined);
    await sink?.close();
    await db?.drop();
  });

  it(`delivers all ${EVENTS} events at least once after a restart, duplicates bounded by the in-flight rows`, async () => {
    const first = await HostChild.start(db.childEnv('crash-a', true));
    children.push(first);
    const store = db.webhooks();
    for (let g = 0; g < WEBHOOKS; g++) {
      await store.create({
        name: `gw${g}`,
        url: sink.url(200 + g),
        platform: 'discord',
        events: ['order.paid'],
        templates: { order: 'evt-%id%-end' },
        options: { coalesce: false },
        filters: { paymentGateways: [`gw${g}`] },
      });
    }
    const received = () => Array.from({ length: WEBHOOKS }, (_, g) => sink.messages(200 + g).flatMap(eventNumbers)).flat();

    // The host has accepted (enqueued) the whole burst: each emitAsync waited for its outbox write.
    await first.emit(0, EVENTS, WEBHOOKS);
    // Kill while a request is being answered, so the dead process leaves a row in flight.
    await waitFor('the first deliveries and a request in flight', () => received().length >= 60 && sink.inFlightNow() > 0, 30_000, 1);
    await first.kill();

    const atKill = new Set(received()).size;
    const inFlight: { n: number | string }[] = await db.knex('wh_deliveries').where({ status: 'sending' }).count({ n: '*' });
    const sendingAtKill = Number(inFlight[0].n);
    // The kill really was mid-burst, with at least the request being answered in flight.
    expect(atKill).toBeLessThan(EVENTS);
    expect(sendingAtKill).toBeGreaterThanOrEqual(1);

    const second = await HostChild.start(db.childEnv('crash-b', false));
    children.push(second);
    await waitFor(
      `all ${EVENTS} events after the restart (have ${new Set(received()).size})\n${second.tail(15)}`,
      () => new Set(received()).size >= EVENTS,
      90_000,
      100,
    );
    // Leave time for anything else the restarted host would (wrongly) send.
    await new Promise((r) => setTimeout(r, 1000));
    await second.close();

    const all = received();
    const unique = new Set(all);
    expect([...unique].sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
    const duplicates = all.length - unique.size;
    expect({ duplicates, withinBound: duplicates <= sendingAtKill }).toEqual({ duplicates, withinBound: true });
    const statuses: { status: string; n: number | string }[] = await db
      .knex('wh_deliveries')
      .select('status')
      .count({ n: '*' })
      .groupBy('status');
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['delivered', EVENTS]]);
    for (let g = 0; g < WEBHOOKS; g++) expect(sink.overLimit.get(String(200 + g)) ?? 0).toBe(0);
    process.stdout.write(
      `[${kind}] crash: ${atKill} events delivered before SIGKILL, ${sendingAtKill} in flight, ${duplicates} duplicates after restart\n`,
    );
  }, 170_000);
});
