/**
 * The outbox's lifecycle on every database: graceful shutdown with a target that hangs, a dead
 * worker's lease taken over, admin replay and retry-all, a refused packed request resent one by
 * one, and retention.
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { waitUntil } from '../faults/wait-until.js';
import { Dispatcher, LANE_ERROR_PAUSE_MS } from '../../module/delivery/dispatcher.js';
import { DISCARDED_ON_RESUME, EXPIRED_WHILE_PAUSED } from '../../module/delivery/held-deliveries.js';
import { makeKit, stopKits, manualTimers, migrate, TestClock } from './delivery-harness.js';

const invalidBody = {
  kind: 'status' as const,
  status: 400,
  body: {
    code: 50035,
    message: 'Invalid Form Body',
    errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
  },
};

describe.each(testDatabaseKinds())('delivery lifecycle on %s', (kind) => {
  let db: TestDatabase;
  let sink: DiscordSink;
  // This database's only clock: it never goes back, so earlier tests' rows stay in its past.
  const clock = new TestClock();
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    sink = await new DiscordSink({ limit: 1000, windowMs: 1000 }).start();
  });
  afterAll(async () => {
    await stopKits();
    await sink?.close();
    await new Promise((r) => setTimeout(r, 50));
    await db?.destroy();
  });

  it('shutdown stops claiming, waits a bounded time for a hanging target, and queues its row again', async () => {
    const kit = await makeKit(db, { clock, delivery: { shutdownGraceMs: 200, timeoutMs: 30_000 } });
    const id = await kit.addWebhook({ url: sink.url(4001) });
    sink.inject('4001', { kind: 'hang' });
    await kit.emit('order.paid', 1);
    kit.delivery.start();
    await waitUntil(
      () => sink.requestsFor('4001').length === 1,
      () => 'the request never reached the sink',
    );
    expect((await kit.rows(id))[0].status).toBe('sending');
    await kit.delivery.stop();
    const [row] = await kit.rows(id);
    expect(row.status).toBe('pending');
    expect(row.attempts).toBe(0);
    const lane = await kit.delivery.store.laneState(id);
    expect(lane?.lockedBy).toBeNull();
    expect(kit.logger.entries.some((e) => e.msg === 'webhooks: stopped with requests in flight; their deliveries are queued again')).toBe(
      true,
    );
    // Stopped: a new event is persisted but neither fanned out nor sent by this instance.
    await kit.emit('order.paid', 2);
    expect(sink.requestsFor('4001')).toHaveLength(1);
    expect(await kit.delivery.events.pending()).toBe(1);

    // The next instance fans it out and sends both.
    const next = await makeKit(db, { clock });
    await next.delivery.fanOut.drain();
    await next.delivery.dispatcher.drain();
    expect((await next.rows(id)).map((r) => r.status)).toEqual(['delivered', 'delivered']);
  });

  it("a dead worker's lane and rows come back when its lease expires", async () => {
    const kit = await makeKit(db, { clock, delivery: { leaseMs: 30_000 } });
    const id = await kit.addWebhook({ url: sink.url(4002) });
    await kit.emit('order.paid', 3);
    // A worker that took the lane and the row, then died without a word.
    expect(await kit.delivery.store.leaseLanes([id], 'crashed-worker', clock.t, 30_000)).toEqual([id]);
    const [queued] = await kit.delivery.store.due(id, clock.t, 10);
    await kit.delivery.store.markSending([queued.id], 'crashed-worker', clock.t + 30_000);

    await kit.delivery.dispatcher.drain();
    expect(sink.requestsFor('4002')).toHaveLength(0);
    clock.advance(30_001);
    await kit.delivery.dispatcher.drain();
    expect(sink.messages(4002)).toHaveLength(1);
    expect((await kit.rows(id))[0].status).toBe('delivered');
  });

  it("claims the lane's next rows while its last claimed request is out; a failure gives them back, in order", async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(4020), options: { coalesce: false }, templates: { order: 'order %id%' } });
    const sent = () => sink.requestsFor('4020').map((r) => `${r.status} ${String(r.json?.content)}`);
    const statuses = async () => (await kit.rows(id)).map((r) => `${r.event_id} ${r.status} ${r.attempts}`);
    await kit.emit('order.paid', 41);
    await kit.emit('order.paid', 42);
    sink.latencyMs = 1000;
    try {
      kit.delivery.start();
      // The first claim took both rows; #41 is out (answered in 1 s).
      await waitUntil(
        () => sink.requestsFor('4020').length === 1,
        () => 'the first request never reached the sink',
      );
      // #42 will be refused with a 500 (after 1 s); #43 and #44 are written while #41 is out.
      sink.inject('4020', { kind: 'status', status: 500, body: 'boom', delayMs: 1000 });
      await kit.emit('order.paid', 43);
      await kit.emit('order.paid', 44);
      expect(sink.requestsFor('4020')).toHaveLength(1);
      await waitUntil(
        () => sink.requestsFor('4020').length === 2,
        () => `#42 never went out: ${sent().join(', ')}`,
      );
      // While #42 is out, its lane has already claimed #43 and #44 (nothing sent them yet).
      await waitUntil(
        async () => (await statuses()).join() === 'evt_41 delivered 1,evt_42 sending 0,evt_43 sending 0,evt_44 sending 0',
        async () => `not claimed ahead: ${(await statuses()).join(', ')}`,
      );
      expect(sink.requestsFor('4020')).toHaveLength(2);
      // The 500 ends the turn (retry backoff): the rows claimed ahead go back untouched, behind #42.
      await waitUntil(
        async () => (await statuses()).join() === 'evt_41 delivered 1,evt_42 failed 1,evt_43 pending 0,evt_44 pending 0',
        async () => `after the 500: ${(await statuses()).join(', ')}`,
      );
    } finally {
      sink.latencyMs = 0;
    }
    clock.advance(3_600_000);
    await kit.delivery.dispatcher.drain();
    expect(sent()).toEqual(['200 order 1041', '500 order 1042', '200 order 1042', '200 order 1043', '200 order 1044']);
    expect((await statuses()).join()).toBe('evt_41 delivered 1,evt_42 delivered 2,evt_43 delivered 1,evt_44 delivered 1');
    // Its passes would otherwise take the lanes of the tests after this one.
    await kit.delivery.stop();
  });

  it('a packed request that fails retries its rows together: neither they nor later rows overtake one another', async () => {
    // Each row's retry time is jittered on its own: 0.8 x, 1.2 x, 0.8 x ... the schedule's step.
    let flip = 0;
    const kit = await makeKit(db, { clock, delivery: { random: () => (flip++ % 2 ? 1 : 0), schedule: [0, 10_000, 10_000] } });
    await kit.addWebhook({ url: sink.url(4030), templates: { order: 'order %id%' } });
    const sent = () => sink.requestsFor('4030').map((r) => `${r.status} ${String(r.json?.content).replace(/\s+/g, ' ')}`);
    for (const seq of [51, 52, 53]) await kit.emit('order.paid', seq);
    sink.inject('4030', { kind: 'status', status: 503, body: 'busy' });
    await kit.delivery.dispatcher.drain();
    await kit.emit('order.paid', 54);
    // Past the earliest of the three rows' jittered times (8 s), before the latest (12 s).
    clock.advance(10_000);
    await kit.delivery.dispatcher.drain();
    clock.advance(10_000);
    await kit.delivery.dispatcher.drain();
    const order = sent().flatMap((line) => [...line.matchAll(/order (\d+)/g)].map((m) => Number(m[1])));
    expect(sent()[0]).toMatch(/^503 /);
    // First the refused pack, then every message once, in the events' order.
    expect(order).toEqual([1051, 1052, 1053, 1051, 1052, 1053, 1054]);
    await kit.delivery.stop();
  });

  it('a refused packed request is resent one by one, so only the bad message dies', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(4003) });
    for (let seq = 10; seq < 13; seq++) await kit.emit('order.paid', seq);
    sink.inject('4003', invalidBody, invalidBody);
    await kit.delivery.dispatcher.drain();
    const rows = await kit.rows(id);
    expect(rows.map((r) => r.status)).toEqual(['dead', 'delivered', 'delivered']);
    expect(rows[0].last_error).toBe('Invalid Form Body (50035): content: Must be 2000 or fewer in length.');
    // packed(3) refused, then #1 alone refused, then #2 and #3 alone.
    expect(sink.requestsFor('4003').map((r) => r.status)).toEqual([400, 400, 200, 200]);
  });

  it('replay and retry-all queue dead deliveries again and send them', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(4004), options: { coalesce: false } });
    await kit.emit('order.paid', 20);
    await kit.emit('order.paid', 21);
    sink.inject('4004', invalidBody, invalidBody);
    await kit.delivery.dispatcher.drain();
    const [a, b] = await kit.rows(id);
    expect([a.status, b.status]).toEqual(['dead', 'dead']);

    expect(await kit.delivery.writes.replay(a.id)).toBe(true);
    expect(await kit.delivery.writes.replay(999_999)).toBe(false);
    await kit.delivery.dispatcher.drain();
    expect((await kit.rows(id)).map((r) => r.status)).toEqual(['delivered', 'dead']);

    expect(await kit.delivery.writes.retryAllFailed(id)).toBe(1);
    await kit.delivery.dispatcher.drain();
    const after = await kit.rows(id);
    expect(after.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(after.map((r) => r.attempts)).toEqual([2, 2]);
  });

  it('prunes delivered and dead rows (and their attempts) past the retention, keeping the queue', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(4005) });
    await kit.emit('order.paid', 30);
    await kit.delivery.dispatcher.drain();
    clock.advance(31 * 86_400_000);
    // Turned off after failures (a reason): not enqueued (a pause by the admin queues; see below).
    await kit.store.disable(id, 'Unknown Webhook (10015)');
    await kit.emit('order.paid', 31);
    await kit.store.update(id, { enabled: true });
    await kit.emit('order.paid', 32);
    const before = await kit.rows(id);
    expect(before.map((r) => r.status)).toEqual(['delivered', 'pending']);
    // Earlier tests of this file left delivered and dead rows too, stamped by the same clock: all
    // of them are past 30 days here, whatever today's date is.
    const finished = async () => Number((await db.knex('wh_deliveries').whereIn('status', ['delivered', 'dead']).count({ n: '*' }))[0].n);
    const old = await finished();
    expect(old).toBeGreaterThan(1);
    expect(await kit.delivery.store.prune(30)).toBe(old);
    expect(await finished()).toBe(0);
    expect((await kit.rows(id)).map((r) => r.event_id)).toEqual(['evt_32']);
    expect(await db.knex('wh_attempts').where('delivery_id', before[0].id)).toHaveLength(0);
    await expect(kit.delivery.store.prune(0)).rejects.toThrow('prune: olderThanDays must be > 0, got 0');
  });

  it('events fired while a webhook is paused wait, counted, and are delivered on resume, in order', async () => {
    const kit = await makeKit(db, { clock });
    // One request per event, so the arrival order at the sink is the delivery order.
    const id = await kit.addWebhook({ url: sink.url(4010), options: { coalesce: false } });
    const other = await kit.addWebhook({ url: sink.url(4011), options: { coalesce: false } });
    await kit.emit('order.paid', 100);
    await kit.delivery.dispatcher.drain();
    expect(sink.messages(4010)).toHaveLength(1);

    await kit.store.update(id, { enabled: false }); // paused by the admin
    for (const seq of [101, 102, 103, 104]) await kit.emit('order.paid', seq);
    await kit.delivery.dispatcher.drain();
    // Nothing sent to the paused webhook; the other one got every event meanwhile.
    expect(sink.messages(4010)).toHaveLength(1);
    expect(sink.messages(4011)).toHaveLength(5);
    const held = await kit.rows(id);
    expect(held.map((r) => [r.event_id, r.status])).toEqual([
      ['evt_100', 'delivered'],
      ['evt_101', 'pending'],
      ['evt_102', 'pending'],
      ['evt_103', 'pending'],
      ['evt_104', 'pending'],
    ]);
    expect(await kit.delivery.writes.waiting([id, other])).toEqual(new Map([[id, 4]]));
    // Each row carries its order number for the log.
    const refs = await db.knex('wh_deliveries').where('webhook_id', id).orderBy('id').pluck('reference');
    expect(refs).toEqual(['1100', '1101', '1102', '1103', '1104']);

    await kit.store.update(id, { enabled: true }); // resumed
    await kit.delivery.dispatcher.drain();
    expect((await kit.rows(id)).every((r) => r.status === 'delivered')).toBe(true);
    // The order numbers (1000 + seq) arrive in the events' order.
    const orders = sink.messages(4010).map((m) => /n°\s*(\d+)/.exec(String(m.content))?.[1]);
    expect(orders).toEqual(['1100', '1101', '1102', '1103', '1104']);
    expect(await kit.delivery.writes.waiting([id])).toEqual(new Map());
  });

  it('resume can discard what waited; a pause longer than the retention gives the rest up', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(4012), options: { coalesce: false } });
    await kit.store.update(id, { enabled: false });
    await kit.emit('order.paid', 110);
    await kit.emit('order.paid', 111);
    expect(await kit.delivery.writes.discardWaiting(id)).toBe(2);
    await kit.store.update(id, { enabled: true });
    await kit.emit('order.paid', 112);
    await kit.delivery.dispatcher.drain();
    const rows = await kit.rows(id);
    expect(rows.map((r) => [r.event_id, r.status])).toEqual([
      ['evt_110', 'dead'],
      ['evt_111', 'dead'],
      ['evt_112', 'delivered'],
    ]);
    expect(rows[0].last_error).toBe(DISCARDED_ON_RESUME);
    expect(sink.messages(4012)).toHaveLength(1);

    // Paused again: an event older than the retention is given up, a recent one still waits.
    await kit.store.update(id, { enabled: false });
    await kit.emit('order.paid', 113);
    clock.advance(31 * 86_400_000);
    await kit.emit('order.paid', 114);
    expect(await kit.delivery.held.expire(30)).toBe(1);
    const after = await kit.rows(id);
    expect(after.slice(3).map((r) => [r.event_id, r.status, r.last_error])).toEqual([
      ['evt_113', 'dead', EXPIRED_WHILE_PAUSED],
      ['evt_114', 'pending', null],
    ]);
    await expect(kit.delivery.held.expire(0)).rejects.toThrow('expire: olderThanDays must be > 0, got 0');
    await kit.store.update(id, { enabled: true });
    await kit.delivery.dispatcher.drain();
    expect(sink.messages(4012)).toHaveLength(2);
  });

  it('a lane whose turn fails (here: the webhook cannot be read) is paused, not picked again in a loop', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: sink.url(4006) });
    await kit.emit('order.paid', 40);
    let reads = 0;
    const dispatcher = new Dispatcher({
      store: kit.delivery.store,
      webhooks: {
        // Other lanes of this file's database fail the same way; only this webhook's reads are counted.
        get: async (wid: number) => {
          if (wid === id) reads++;
          throw new Error('unable to authenticate data');
        },
        disable: async () => undefined,
      },
      send: async () => {
        throw new Error('not reached');
      },
      clock,
      logger: kit.logger,
      timers: manualTimers,
    });
    await dispatcher.drain(50);
    expect(reads).toBe(1);
    expect(await kit.delivery.store.laneState(id)).toMatchObject({
      blockedUntil: clock.t + LANE_ERROR_PAUSE_MS,
      blockedReason: 'error',
      lockedBy: null,
    });
    expect(kit.logger.entries.some((e) => e.level === 'error' && e.fields?.error === 'unable to authenticate data')).toBe(true);
    // After the pause the normal dispatcher delivers it.
    clock.advance(LANE_ERROR_PAUSE_MS);
    await kit.delivery.dispatcher.drain();
    expect((await kit.rows(id)).map((r) => r.status)).toEqual(['delivered']);
  });
});
