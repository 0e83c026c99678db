/**
 * The outbox end to end on every database: event -> rows -> dispatcher -> a Discord-like sink
 * on 127.0.0.1. Exactly once, retries, dead rows with the platform's message, dead webhooks
 * paused and resumed, and the retry schedule run in milliseconds with a test clock.
 * One clock per database: every kit shares `clock`, which only moves forward.
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { makeKit, stopKits, migrate, TestClock } from './delivery-harness.js';

describe.each(testDatabaseKinds())('delivery outbox on %s', (kind) => {
  let db: TestDatabase;
  let sink: DiscordSink;
  const clock = new TestClock();
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    sink = await new DiscordSink({ limit: 1000, windowMs: 1000 }).start();
  });
  afterAll(async () => {
    await stopKits();
    await sink?.close();
    await db?.destroy();
  });

  it('delivers an event once even when it is emitted twice', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(1001) });
    await kit.emit('order.paid', 1);
    await kit.emit('order.paid', 1);
    await kit.delivery.dispatcher.drain();
    await kit.delivery.dispatcher.drain();
    expect(sink.messages(1001)).toHaveLength(1);
    expect(sink.requestsFor('1001')[0].query.wait).toBe('true');
    const rows = await kit.rows(id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['delivered', 1]]);
    const attempts = await db.knex('wh_attempts').where('delivery_id', rows[0].id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0].outcome).toBe('ok');
    expect(Number(attempts[0].status_code)).toBe(200);
  });

  it(`claims lanes with ${kind === 'sqlite' ? 'a conditional UPDATE' : 'SELECT … FOR UPDATE SKIP LOCKED'}`, async () => {
    const kit = await makeKit(db, { clock });
    await kit.addWebhook({ url: sink.url(1006) });
    await kit.emit('ticket.submit', 6);
    const sqls: string[] = [];
    const listen = (q: { sql: string }) => void sqls.push(q.sql.toLowerCase());
    db.knex.on('query', listen);
    try {
      await kit.delivery.dispatcher.drain();
    } finally {
      db.knex.off('query', listen);
    }
    expect(sink.messages(1006)).toHaveLength(1);
    const skipLocked = sqls.filter((q) => q.includes('for update skip locked') && q.includes('wh_lanes'));
    if (kind === 'sqlite') expect(skipLocked).toHaveLength(0);
    else expect(skipLocked.length).toBeGreaterThan(0);
  });

  it('stores an event id holding a NUL byte (PostgreSQL text cannot) and still delivers it once', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(1007) });
    const nul = (p: { eventId: string }) => void (p.eventId = 'evt_nul\u0000_1');
    await kit.emit('order.paid', 7, nul);
    await kit.emit('order.paid', 7, nul);
    expect(kit.delivery.intake.buffered).toBe(0);
    await kit.delivery.dispatcher.drain();
    expect(sink.messages(1007)).toHaveLength(1);
    expect((await kit.rows(id)).map((r) => [r.event_id, r.status])).toEqual([['evt_nul\uFFFD_1', 'delivered']]);
  });

  it('retries a 500 and a connection reset on the schedule, then delivers', async () => {
    const kit = await makeKit(db, { clock, delivery: { schedule: [0, 5_000, 300_000] } });
    const id = await kit.addWebhook({ url: sink.url(1002) });
    sink.inject('1002', { kind: 'status', status: 500 }, { kind: 'reset' });
    await kit.emit('order.paid', 2);
    await kit.delivery.dispatcher.drain();
    let [row] = await kit.rows(id);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.next_attempt_at).toBe(clock.t + 5_000); // random 0.5 = no jitter
    clock.advance(4_999);
    await kit.delivery.dispatcher.drain();
    expect(sink.requestsFor('1002')).toHaveLength(1);
    clock.advance(1);
    await kit.delivery.dispatcher.drain();
    [row] = await kit.rows(id);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(2);
    clock.advance(300_000);
    await kit.delivery.dispatcher.drain();
    [row] = await kit.rows(id);
    expect(row.status).toBe('delivered');
    expect(sink.messages(1002)).toHaveLength(1);
    const outcomes = (await db.knex('wh_attempts').where('delivery_id', row.id).orderBy('id')).map((a: { outcome: string }) => a.outcome);
    expect(outcomes).toEqual(['retry', 'retry', 'ok']);
  });

  it('gives up when the schedule is used up (10 h steps in milliseconds)', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(1003) });
    sink.inject('1003', ...Array.from({ length: 8 }, () => ({ kind: 'status' as const, status: 503 })));
    await kit.emit('order.paid', 3);
    for (let i = 0; i < 8; i++) {
      await kit.delivery.dispatcher.drain();
      clock.advance(10 * 3_600_000 * 1.3);
    }
    const [row] = await kit.rows(id);
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(8);
    expect(row.last_error).toMatch(/gave up after 8 attempts: HTTP 503/);
    expect(sink.requestsFor('1003')).toHaveLength(8);
  });

  it('marks a refused body dead at once with Discord field errors', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(1004) });
    sink.inject('1004', {
      kind: 'status',
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
      },
    });
    await kit.emit('order.paid', 4);
    await kit.delivery.dispatcher.drain();
    const [row] = await kit.rows(id);
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBe('Invalid Form Body (50035): content: Must be 2000 or fewer in length.');
  });

  it('disables a deleted webhook after one attempt, keeps its queue, and resumes on re-enable', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(1005), name: 'Shop' });
    sink.deleteWebhook(1005);
    for (let i = 10; i < 13; i++) await kit.emit('order.paid', i);
    await kit.delivery.dispatcher.drain();
    expect(sink.requestsFor('1005')).toHaveLength(1);
    const hook = await kit.store.get(id);
    expect(hook?.enabled).toBe(false);
    expect(hook?.disabledReason).toBe('Unknown Webhook (10015)');
    // This webhook's notices (an earlier test's webhook that failed may be told recovered now).
    const notices = kit.notifications.filter((n) => n.title.startsWith('delivery.disabled.'));
    expect(notices).toHaveLength(1);
    expect(notices[0].href).toBe(`/admin/modules/webhooks/webhooks/${id}/edit`);
    let rows = await kit.rows(id);
    expect(rows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    expect(rows[0].attempts).toBe(1);
    // While disabled, nothing is sent.
    await kit.delivery.dispatcher.drain();
    expect(sink.requestsFor('1005')).toHaveLength(1);

    sink.restoreWebhook(1005);
    await kit.store.update(id, { enabled: true });
    await kit.delivery.dispatcher.drain();
    rows = await kit.rows(id);
    expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
    // The three waited together, so they went as one coalesced message.
    expect(sink.messages(1005)).toHaveLength(1);
    expect(String(sink.messages(1005)[0].content).split('\n\n')).toHaveLength(3);
  });
});
