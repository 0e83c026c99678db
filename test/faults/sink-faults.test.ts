/**
 * The target misbehaves: 500s, a request that never gets an answer, a reset connection, and
 * 429s in each of Discord's header styles. Each case must end with the message delivered
 * exactly once (nothing lost, nothing doubled), the host still answering, and for a 429 the
 * module waiting at least what the answer asked before trying again.
 * Runs on every database kind; retries are shortened through the module's delivery settings.
 */
import { startBenchHost, type BenchHost } from '../../bench/support/bench-host.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { DiscordSink } from '../support/discord-sink.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { waitUntil } from './wait-until.js';

const LIMIT_MS = 90_000;

describe.each(testDatabaseKinds())('target faults (%s)', (kind) => {
  let sink: DiscordSink;
  let bh: BenchHost;
  let drop: () => Promise<void>;
  let seq = 0;
  let hook = 0;

  beforeAll(async () => {
    sink = await new DiscordSink().start();
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    bh = await startBenchHost({
      databaseUrl: db.url,
      moduleSettings: {
        'delivery.retryScheduleSeconds': [0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2],
        'delivery.timeoutMs': 1000,
        'delivery.pollMs': 100,
      },
    });
  }, LIMIT_MS);

  afterAll(async () => {
    await bh?.close();
    await sink?.close();
    await drop?.();
  });

  /** A fresh Discord webhook (its own sink id, rate-limit window and lane). */
  async function newWebhook(): Promise<{ sinkId: string; webhookId: number }> {
    const sinkId = `11122233344455${String(++hook).padStart(4, '0')}`;
    const webhookId = await bh.createWebhook({
      name: `fault ${hook}`,
      url: sink.url(sinkId),
      platform: 'discord',
      templates: { order: 'fault order #%id%' },
      filters: { paymentGateways: [`gw-${sinkId}`] },
    });
    return { sinkId, webhookId };
  }

  async function emitOrder(sinkId: string): Promise<{ orderId: number; eventId: string }> {
    const p = sampleEvent('order.paid', { seq: ++seq, now: Date.now() });
    const eventId = `fault_${kind}_${seq}`;
    await bh.host.bus.emitAsync('order.paid', { ...p, eventId, order: { ...p.order, paymentGateway: `gw-${sinkId}` } });
    return { orderId: p.order.id as number, eventId };
  }

  const arrivals = (sinkId: string, orderId: number): number =>
    sink.messages(sinkId).filter((m) => new RegExp(`fault order #${orderId}\\b`).test(JSON.stringify(m))).length;

  async function deliveredOnce(sinkId: string, orderId: number, eventId: string): Promise<void> {
    await waitUntil(
      () => arrivals(sinkId, orderId) > 0,
      async () =>
        `order ${orderId} not delivered; row: ${JSON.stringify(await bh.host.db('wh_deliveries').where({ event_id: eventId }).select('status', 'attempts', 'last_error'))}`,
      LIMIT_MS - 10_000,
    );
    // Let any stray retry land before counting.
    await new Promise((r) => setTimeout(r, 500));
    expect(arrivals(sinkId, orderId)).toBe(1);
    const row = await bh.host.db('wh_deliveries').where({ event_id: eventId }).first('status');
    expect(row.status).toBe('delivered');
    const res = await bh.simulate('order.paid', '{"eventId":'); // the host still answers (a 400 here)
    expect(res.status).toBe(400);
  }

  test(
    'three 500s then success: retried, delivered exactly once, attempts recorded',
    async () => {
      const { sinkId } = await newWebhook();
      sink.inject(
        sinkId,
        { kind: 'status', status: 500, body: { message: 'boom' } },
        { kind: 'status', status: 502, body: 'bad gateway' },
        { kind: 'status', status: 503, body: 'unavailable' },
      );
      const { orderId, eventId } = await emitOrder(sinkId);
      await deliveredOnce(sinkId, orderId, eventId);
      expect(sink.requestsFor(sinkId).map((r) => r.status)).toEqual([500, 502, 503, 200]);
      const delivery = await bh.host.db('wh_deliveries').where({ event_id: eventId }).first('id');
      const attempts = await bh.host.db('wh_attempts').where({ delivery_id: delivery.id }).orderBy('id').select('status_code');
      expect(attempts.map((a: { status_code: number | null }) => a.status_code)).toEqual([500, 502, 503, 200]);
    },
    LIMIT_MS,
  );

  test(
    'a request that never gets an answer: times out, retried, delivered exactly once',
    async () => {
      const { sinkId } = await newWebhook();
      sink.inject(sinkId, { kind: 'hang' });
      const { orderId, eventId } = await emitOrder(sinkId);
      await deliveredOnce(sinkId, orderId, eventId);
      expect(sink.requestsFor(sinkId).length).toBeGreaterThanOrEqual(2);
    },
    LIMIT_MS,
  );

  test(
    'connection reset twice: retried, delivered exactly once',
    async () => {
      const { sinkId } = await newWebhook();
      sink.inject(sinkId, { kind: 'reset' }, { kind: 'reset' });
      const { orderId, eventId } = await emitOrder(sinkId);
      await deliveredOnce(sinkId, orderId, eventId);
      expect(sink.requestsFor(sinkId).map((r) => r.status)).toEqual([-1, -1, 200]);
    },
    LIMIT_MS,
  );

  const styles: {
    name: string;
    answer: { status: number; body?: string | Record<string, unknown>; headers?: Record<string, string> };
    waitS: number;
  }[] = [
    {
      name: 'body retry_after (float seconds)',
      answer: { status: 429, body: { message: 'You are being rate limited.', retry_after: 0.8, global: false } },
      waitS: 0.8,
    },
    { name: 'Retry-After header only', answer: { status: 429, body: 'slow down', headers: { 'retry-after': '1' } }, waitS: 1 },
    {
      name: 'X-RateLimit-Reset-After with Remaining 0',
      answer: {
        status: 429,
        body: 'limited',
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.8', 'x-ratelimit-limit': '5' },
      },
      waitS: 0.8,
    },
    {
      name: 'global limit (X-RateLimit-Global)',
      answer: {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 0.8, global: true },
        headers: { 'x-ratelimit-global': 'true', 'retry-after': '1' },
      },
      waitS: 0.8,
    },
  ];
  for (const style of styles) {
    test(
      `429 with ${style.name}: waits at least what was asked, no failed attempt counted, delivered exactly once`,
      async () => {
        const { sinkId } = await newWebhook();
        sink.inject(sinkId, { kind: 'status', ...style.answer });
        const { orderId, eventId } = await emitOrder(sinkId);
        await deliveredOnce(sinkId, orderId, eventId);
        const reqs = sink.requestsFor(sinkId);
        expect(reqs[0].status).toBe(429);
        expect(reqs.filter((r) => r.status === 429)).toHaveLength(1);
        // A lower bound on the wait the target asked for (a slower machine only makes it longer).
        expect(reqs[1].at - reqs[0].at).toBeGreaterThanOrEqual(style.waitS * 1000 - 50);
        const delivery = await bh.host.db('wh_deliveries').where({ event_id: eventId }).first('id');
        const outcomes = (await bh.host.db('wh_attempts').where({ delivery_id: delivery.id }).orderBy('id').select('outcome')).map(
          (a: { outcome: string }) => a.outcome,
        );
        expect(outcomes).toEqual(['rate_limited', 'ok']);
      },
      LIMIT_MS,
    );
  }
});
