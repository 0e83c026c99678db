/**
 * A target that answers 429 with a bad wait must not become a retry storm: the wait is bounded
 * (floor 1 s, cap 1 h), 429s in a row back off exponentially, the webhook is paused after the
 * budget with its queue kept, and this process stops sending altogether before Discord's
 * invalid-request ban. Driven by the module's injected clock: time jumps to the moment the lane
 * opens again (the most eager schedule the module allows), and requests are counted, not timed.
 * The target is a small server on 127.0.0.1 inside this file.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { makeKit, stopKits, migrate, TestClock, type Kit } from './delivery-harness.js';

type Answer = { status: number; headers?: Record<string, string>; body?: string | Record<string, unknown> };

/** Answers each webhook (by path id) with what the test says; records when each request came by the test clock. */
class Target {
  readonly requests: { id: string; at: number; status: number; body: string }[] = [];
  private readonly answers = new Map<string, (at: number) => Answer>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = /\/webhooks\/(\d+)\//.exec(req.url ?? '')?.[1] ?? '';
      const at = this.clock.now();
      const a = this.answers.get(id)?.(at) ?? { status: 204 };
      this.requests.push({ id, at, status: a.status, body: Buffer.concat(chunks).toString('utf8') });
      const json = typeof a.body === 'object';
      res.writeHead(a.status, { 'content-type': json ? 'application/json' : 'text/plain', ...a.headers });
      res.end(a.body === undefined ? '' : json ? JSON.stringify(a.body) : a.body);
    });
  });
  private port = 0;
  constructor(private readonly clock: { now(): number }) {}
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  url(id: number): string {
    return `http://127.0.0.1:${this.port}/api/webhooks/${id}/${TOKEN}`;
  }
  answer(id: number, fn: (at: number) => Answer): void {
    this.answers.set(String(id), fn);
  }
  of(id: number) {
    return this.requests.filter((r) => r.id === String(id));
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The webhook URL's secret part: must never reach a log line. */
const TOKEN = 'SeCrEt-token-for-retry-after-tests';
const limited = (headers: Record<string, string>, body: Answer['body'] = 'slow down'): Answer => ({ status: 429, headers, body });

const badWaits: [string, (at: number) => Answer][] = [
  ['Retry-After: 0', () => limited({ 'retry-after': '0' })],
  ['Retry-After: -5', () => limited({ 'retry-after': '-5' })],
  ['Retry-After: abc', () => limited({ 'retry-after': 'abc' })],
  ['Retry-After: an HTTP date in the past', (at) => limited({ 'retry-after': new Date(at - 60_000).toUTCString() })],
  ['Retry-After: 999999999', () => limited({ 'retry-after': '999999999' })],
  ['a JSON body retry_after of 0', () => limited({}, { message: 'You are being rate limited.', retry_after: 0, global: false })],
];

/** Most requests in any 60 s of the test clock. */
function perMinutePeak(times: number[]): number {
  let peak = 0;
  for (let i = 0; i < times.length; i++) peak = Math.max(peak, times.filter((t) => t >= times[i] && t < times[i] + 60_000).length);
  return peak;
}

describe.each(testDatabaseKinds())('429 with a bad Retry-After on %s', (kind) => {
  let db: TestDatabase;
  let target: Target;
  const clock = new TestClock();
  let kit: Kit;
  let nextId = 4000;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    target = await new Target(clock).start();
    kit = await makeKit(db, { clock });
  });
  afterAll(async () => {
    await stopKits();
    await target?.close();
    await db?.destroy();
  });

  /** Sends until the webhook is paused, each time as soon as its lane opens. */
  async function untilPaused(id: number, sinkId: number, maxRounds = 40): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      // drain() throws if the lane stays due (a wait of 0 would loop here).
      await kit.delivery.dispatcher.drain(50);
      if (!(await kit.store.get(id))!.enabled) return;
      const lane = (await kit.delivery.store.laneState(id))!;
      expect(lane.blockedUntil).toBeGreaterThan(clock.now());
      clock.t = lane.blockedUntil;
    }
    throw new Error(`not paused after ${maxRounds} rounds: ${target.of(sinkId).length} requests`);
  }

  for (const [name, answer] of badWaits) {
    it(`${name}: a handful of requests per minute, each wait logged, paused with the reason, nothing lost`, async () => {
      const sinkId = nextId++;
      target.answer(sinkId, answer);
      const id = await kit.addWebhook({ name: `Bad wait ${sinkId}`, url: target.url(sinkId), events: ['order.paid'] });
      const logFrom = kit.logger.entries.length;
      const notesFrom = kit.notifications.length;
      const started = clock.now();
      await kit.emit('order.paid', sinkId);

      await untilPaused(id, sinkId);

      const times = target.of(sinkId).map((r) => r.at);
      expect(target.of(sinkId).every((r) => r.status === 429)).toBe(true);
      // At most the budget (10 in a row) for the whole run, and never a burst.
      expect(times.length).toBeGreaterThanOrEqual(2);
      expect(times.length).toBeLessThanOrEqual(10);
      expect(perMinutePeak(times)).toBeLessThanOrEqual(6);
      // Every gap at least the 1 s floor.
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1000);

      // The webhook ends paused (disabled) with a reason the admin sees, and the admin is told.
      const w = (await kit.store.get(id))!;
      expect(w.enabled).toBe(false);
      expect(w.disabledReason).toMatch(new RegExp(`^Paused after ${times.length} rate-limited answers \\(429\\) in a row`));
      // This webhook's notices (an earlier test's webhook, enabled again, may be told recovered meanwhile).
      expect(kit.notifications.slice(notesFrom).filter((n) => n.href === `/admin/modules/webhooks/webhooks/${id}/edit`)).toEqual([
        expect.objectContaining({ level: 'error', title: expect.stringContaining('delivery.rate_limit_paused.title') }),
      ]);

      // Each wait logged, with the URL masked; the pause too.
      const logs = kit.logger.entries.slice(logFrom).filter((e) => e.fields?.webhookId === id);
      const waits = logs.filter((e) => /rate limited \(429\); waiting/.test(e.msg));
      expect(waits).toHaveLength(times.length - 1);
      for (const [i, e] of waits.entries()) {
        expect(e.fields).toMatchObject({ urlHint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/webhooks\/••••\/••••$/) });
        expect(e.fields!.waitMs).toBe(times[i + 1] - times[i]);
      }
      expect(logs.filter((e) => e.level === 'warn' && /webhook paused: it kept answering 429/.test(e.msg))).toHaveLength(1);
      if (name.includes('999999999')) expect(logs.some((e) => e.level === 'warn' && /capped to 1 h/.test(e.msg))).toBe(true);
      else expect(waits[0].fields).toMatchObject({ waitMs: 1000, source: 'floor' });
      expect(JSON.stringify(kit.logger.entries)).not.toContain(TOKEN);

      // Nothing lost: the delivery waits, pending, with no attempt used up by the 429s.
      const [row] = await kit.rows(id);
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
      const outcomes = await db.knex('wh_attempts').where({ delivery_id: row.id }).pluck('outcome');
      expect(outcomes).toEqual(times.map(() => 'rate_limited'));
      expect((await kit.delivery.store.laneState(id))!.limitedCount).toBe(0);
      // Paused: nothing more is sent, however much time passes.
      clock.advance(2 * 3_600_000);
      await kit.delivery.dispatcher.drain(50);
      expect(target.of(sinkId)).toHaveLength(times.length);

      // The target recovers, the admin enables the webhook again: delivered once.
      target.answer(sinkId, () => ({ status: 204 }));
      await kit.store.update(id, { enabled: true });
      await kit.delivery.dispatcher.drain(50);
      expect(await kit.rows(id)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
      const accepted = target.of(sinkId).filter((r) => r.status === 204);
      expect(accepted).toHaveLength(1);
      expect(JSON.parse(accepted[0].body)).toHaveProperty('content');
      expect(clock.now() - started).toBeGreaterThan(0);
    });
  }

  it("honours Discord's sub-second wait at first, backs off on 429s in a row, and a success ends the run", async () => {
    const sinkId = nextId++;
    let answered = 0;
    target.answer(sinkId, () =>
      ++answered <= 3
        ? limited({ 'x-ratelimit-reset-after': '0.250' }, { message: 'limited', retry_after: 0.25, global: false })
        : { status: 204 },
    );
    const id = await kit.addWebhook({ url: target.url(sinkId), events: ['order.paid'] });
    await kit.emit('order.paid', sinkId);
    const waits: number[] = [];
    for (let round = 0; round < 5 && (await kit.rows(id))[0].status !== 'delivered'; round++) {
      await kit.delivery.dispatcher.drain(50);
      const lane = (await kit.delivery.store.laneState(id))!;
      if (lane.blockedUntil > clock.now()) {
        waits.push(lane.blockedUntil - clock.now());
        clock.t = lane.blockedUntil;
      }
    }
    // 250 ms as asked, then at least 2 s and 4 s (the run's backoff), then delivered.
    expect(waits).toEqual([250, 2000, 4000]);
    expect(target.of(sinkId).map((r) => r.status)).toEqual([429, 429, 429, 204]);
    expect((await kit.store.get(id))!.enabled).toBe(true);
    expect((await kit.delivery.store.laneState(id))!).toMatchObject({ limitedCount: 0, limitedSince: null });
  });
});

describe.each(testDatabaseKinds())('the invalid-request guard on %s', (kind) => {
  let db: TestDatabase;
  let target: Target;
  const clock = new TestClock();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    target = await new Target(clock).start();
  });
  afterAll(async () => {
    await stopKits();
    await target?.close();
    await db?.destroy();
  });

  it('stops sending to Discord at 90 % of the invalid-request limit until the window has room, and says so; other platforms go on', async () => {
    // Discord's rule scaled down: 20 invalid answers per 10 minutes, paused at 18.
    const kit = await makeKit(db, { clock, delivery: { invalidRequestLimit: { limit: 20 } } });
    const id = await kit.addWebhook({ url: target.url(5001), platform: 'discord', events: ['order.paid'], options: { coalesce: false } });
    // A JSON target refusing everything too: its 403s are not Discord's and never count.
    const json = await kit.addWebhook({ url: target.url(5002), platform: 'json', events: ['order.paid'] });
    target.answer(5001, () => ({ status: 403, body: '{"message": "Missing Access", "code": 50001}' }));
    target.answer(5002, () => ({ status: 403, body: 'forbidden' }));
    for (let seq = 1; seq <= 25; seq++) await kit.emit('order.paid', seq);

    await kit.delivery.dispatcher.drain(100);
    expect(target.of(5001)).toHaveLength(18);
    expect(target.of(5002)).toHaveLength(25);
    expect(kit.delivery.dispatcher.invalidRequests.count(clock.now())).toBe(18);
    const statuses = async (webhookId: number) => (await kit.rows(webhookId)).map((r) => r.status);
    expect((await statuses(id)).filter((s) => s === 'dead')).toHaveLength(18);
    expect((await statuses(id)).filter((s) => s === 'pending')).toHaveLength(7);
    expect((await statuses(json)).filter((s) => s === 'dead')).toHaveLength(25);
    const paused = kit.logger.entries.filter((e) => /sending to Discord paused for 10 min/.test(e.msg));
    expect(paused).toHaveLength(1);
    expect(paused[0]).toMatchObject({ level: 'warn', fields: { invalidRequests: 18, limit: 20, perProcess: true } });

    // Still held a millisecond before the oldest answer is 10 minutes old, while JSON still sends.
    target.answer(5002, () => ({ status: 204 }));
    await kit.emit('order.paid', 26);
    clock.advance(600_000 - 1);
    await kit.delivery.dispatcher.drain(100);
    expect(target.of(5001)).toHaveLength(18);
    expect(target.of(5002)).toHaveLength(26);

    target.answer(5001, () => ({ status: 204 }));
    clock.advance(1);
    await kit.delivery.dispatcher.drain(100);
    expect(target.of(5001)).toHaveLength(26);
    expect((await statuses(id)).filter((s) => s === 'delivered')).toHaveLength(8);
    expect(kit.logger.entries.some((e) => /sending resumes/.test(e.msg))).toBe(true);
  });
});
