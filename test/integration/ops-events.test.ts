/**
 * Operational events on every database, through the real outbox, dispatcher and sinks on
 * 127.0.0.1: a webhook Discord says is gone raises `webhooks.disabled` once, to the ops webhook,
 * naming it without its URL; a refused or exhausted delivery raises `webhooks.delivery_failed`,
 * never to the webhook it is about, coalesced per window (a burst of failures gives a bounded
 * number of alerts); a failing webhook that delivers again raises `webhooks.recovered` once; an
 * alert that cannot be delivered raises nothing (no loop between failing alert targets).
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { JsonSink } from '../support/json-sink.js';
import type { Fault } from '../support/sink-server.js';
import type { EventName } from '../../sdk/events.js';
import { makeKit, stopKits, migrate, TestClock, type Kit } from './delivery-harness.js';

const OPS: EventName[] = ['webhooks.disabled', 'webhooks.paused', 'webhooks.delivery_failed', 'webhooks.recovered'];
const HOUR = 3_600_000;

const invalidBody: Fault = {
  kind: 'status',
  status: 400,
  body: { code: 50035, message: 'Invalid Form Body', errors: { content: { _errors: [{ code: 'X', message: 'bad' }] } } },
};

describe.each(testDatabaseKinds())('operational events on %s', (kind) => {
  let db: TestDatabase;
  let discord: DiscordSink;
  let json: JsonSink;
  const clock = new TestClock();
  let port = 7000;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    discord = await new DiscordSink({ limit: 1000, windowMs: 1000 }).start();
    json = await new JsonSink().start();
  });
  afterAll(async () => {
    await stopKits();
    await Promise.all([discord?.close(), json?.close()]);
    await db?.destroy();
  });

  /** Everything the alerts cause, run to the end: alerts written, fanned out, delivered. */
  async function settle(kit: Kit): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await kit.delivery.dispatcher.drain();
      await kit.delivery.ops.settled();
      await kit.delivery.fanOut.drain();
    }
  }

  /** The alerts an ops JSON webhook received: [type, payload]. */
  const alerts = (key: string) =>
    json.requestsFor(key).map((r) => {
      const body = r.json as { type: string; data: { payload: Record<string, unknown> } };
      return { type: body.type, payload: body.data.payload, raw: r.text };
    });

  async function world(opts: { window?: number; schedule?: number[]; maxConsecutive?: number } = {}) {
    // Each test its own webhooks: an earlier test's shop would deliver (and recover) here.
    await stopKits();
    await db.knex('wh_deliveries').delete();
    await db.knex('wh_webhooks').delete();
    const kit = await makeKit(db, {
      clock,
      delivery: {
        opsAlertWindowMs: opts.window ?? HOUR,
        ...(opts.schedule ? { schedule: opts.schedule } : {}),
        ...(opts.maxConsecutive ? { rateLimitBudget: { maxConsecutive: opts.maxConsecutive } } : {}),
      },
    });
    const n = ++port;
    const shopKey = String(n * 10);
    // The shop's webhook listens to the alerts too: the ones about itself must never reach it.
    const shop = await kit.addWebhook({
      url: discord.url(shopKey),
      name: 'Boutique',
      events: ['order.paid', ...OPS],
      options: { coalesce: false } as never,
    });
    const opsKey = `ops-${n}`;
    const ops = await kit.addWebhook({ url: json.url(opsKey), name: 'Ops', platform: 'json', events: OPS });
    return { kit, shop, shopKey, ops, opsKey };
  }

  it('a webhook Discord says is gone raises webhooks.disabled once, to the ops webhook, naming it without its URL', async () => {
    const { kit, shop, shopKey, opsKey } = await world();
    discord.deleteWebhook(shopKey);
    for (let i = 1; i <= 3; i++) await kit.emit('order.paid', 100 * port + i);
    await settle(kit);
    expect((await kit.store.get(shop))?.enabled).toBe(false);
    const got = alerts(opsKey);
    expect(got.map((a) => a.type)).toEqual(['webhooks.disabled']);
    expect(got[0].payload).toMatchObject({ webhook: { id: shop, name: 'Boutique', platform: 'discord' } });
    expect(String((got[0].payload as { reason: string }).reason)).toMatch(/10015|Unknown Webhook/);
    // The URL is a credential: neither it nor its secret part is in the alert.
    const url = discord.url(shopKey);
    expect(got[0].raw).not.toContain(url.slice(url.lastIndexOf('/')));
    expect(got[0].raw).not.toContain(`/webhooks/${shopKey}/`);
    // The in-app notice is still given.
    expect(kit.notifications).toHaveLength(1);
  });

  it('a webhook that keeps answering 429 past the budget raises webhooks.paused once', async () => {
    const { kit, shop, shopKey, opsKey } = await world({ maxConsecutive: 3 });
    const limited: Fault = {
      kind: 'status',
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 1, global: false },
      headers: { 'retry-after': '1' },
    };
    discord.inject(shopKey, ...Array.from({ length: 10 }, () => limited));
    await kit.emit('order.paid', 100 * port + 1);
    for (let i = 0; i < 10 && (await kit.store.get(shop))?.enabled; i++) {
      await settle(kit);
      clock.advance(60_000);
    }
    await settle(kit);
    expect((await kit.store.get(shop))?.enabled).toBe(false);
    const got = alerts(opsKey);
    expect(got.map((a) => a.type)).toEqual(['webhooks.paused']);
    expect(got[0].payload).toMatchObject({ webhook: { id: shop, name: 'Boutique' }, reason: expect.stringMatching(/429/) });
  });

  it('a refused delivery raises webhooks.delivery_failed to the ops webhook, never to the webhook it is about', async () => {
    const { kit, shop, shopKey, opsKey } = await world();
    discord.inject(shopKey, invalidBody);
    await kit.emit('order.paid', 100 * port + 1);
    await settle(kit);
    const got = alerts(opsKey);
    expect(got.map((a) => a.type)).toEqual(['webhooks.delivery_failed']);
    expect(got[0].payload).toMatchObject({
      webhook: { id: shop, name: 'Boutique' },
      failures: 1,
      delivery: { event: 'order.paid', eventId: `evt_${100 * port + 1}`, attempts: 1 },
    });
    // No row was even made for the shop's webhook: only its order.
    const shopEvents = await db.knex('wh_deliveries').where('webhook_id', shop).pluck('event_name');
    expect(shopEvents).toEqual(['order.paid']);
    expect(discord.requestsFor(shopKey)).toHaveLength(1);
  });

  it('a delivery exhausting its retries raises webhooks.delivery_failed once', async () => {
    const { kit, shopKey, opsKey } = await world({ schedule: [0, 1000, 1000] });
    const fail: Fault = { kind: 'status', status: 503, body: { message: 'down' } };
    discord.inject(shopKey, fail, fail, fail);
    await kit.emit('order.paid', 100 * port + 1);
    for (let i = 0; i < 4; i++) {
      await settle(kit);
      clock.advance(1500);
    }
    await settle(kit);
    expect(discord.requestsFor(shopKey)).toHaveLength(3);
    const got = alerts(opsKey);
    expect(got.map((a) => a.type)).toEqual(['webhooks.delivery_failed']);
    expect(got[0].payload).toMatchObject({ failures: 1, delivery: { attempts: 3 } });
  });

  it('a burst of failures gives one alert per window, the next one counting what it held back', async () => {
    const { kit, shopKey, opsKey } = await world();
    const burst = 40;
    discord.inject(shopKey, ...Array.from({ length: burst }, () => invalidBody));
    for (let i = 1; i <= burst; i++) await kit.emit('order.paid', 100 * port + i);
    await settle(kit);
    expect(discord.requestsFor(shopKey)).toHaveLength(burst);
    expect(alerts(opsKey).map((a) => a.type)).toEqual(['webhooks.delivery_failed']);
    const first = alerts(opsKey)[0].payload as { failures: number };
    // An hour later, one more failure: one more alert, which tells what the window held back.
    clock.advance(HOUR);
    discord.inject(shopKey, invalidBody);
    await kit.emit('order.paid', 100 * port + burst + 1);
    await settle(kit);
    const got = alerts(opsKey);
    expect(got.map((a) => a.type)).toEqual(['webhooks.delivery_failed', 'webhooks.delivery_failed']);
    expect(first.failures + (got[1].payload as { failures: number }).failures).toBe(burst + 1);
    // The host's notifications are coalesced the same way.
    expect(kit.notifications.map((x) => x.title.split(' ')[0])).toEqual(['delivery.failed.title', 'delivery.failed.title']);
  });

  it('a failing webhook that delivers again raises webhooks.recovered once', async () => {
    const { kit, shop, shopKey, opsKey } = await world();
    discord.inject(shopKey, invalidBody, invalidBody);
    await kit.emit('order.paid', 100 * port + 1);
    await kit.emit('order.paid', 100 * port + 2);
    await settle(kit);
    await kit.emit('order.paid', 100 * port + 3);
    await kit.emit('order.paid', 100 * port + 4);
    await settle(kit);
    const got = alerts(opsKey);
    expect(got.map((a) => a.type)).toEqual(['webhooks.delivery_failed', 'webhooks.recovered']);
    expect(got[1].payload).toMatchObject({
      webhook: { id: shop },
      failingSince: new Date(clock.now()).toISOString(),
      failures: 2,
    });
    expect(kit.notifications.map((x) => [x.level, x.title.split(' ')[0]])).toEqual([
      ['warning', 'delivery.failed.title'],
      ['info', 'delivery.recovered.title'],
    ]);
  });

  it('an alert that cannot be delivered raises nothing: no loop between failing alert targets', async () => {
    const { kit, shopKey, ops, opsKey } = await world();
    // A second alert target, and the first one refuses every alert it is sent.
    const n = ++port;
    const other = await kit.addWebhook({ url: discord.url(String(n * 10)), name: 'Astreinte', events: OPS });
    await kit.store.update(ops, { platform: 'discord', url: discord.url(opsKey.replace('ops-', '9')) });
    discord.inject(opsKey.replace('ops-', '9'), ...Array.from({ length: 10 }, () => invalidBody));
    discord.inject(shopKey, invalidBody);
    await kit.emit('order.paid', 100 * port + 1);
    await settle(kit);
    // The shop's failure went to both targets; the ops webhook's refusal of it raised nothing.
    expect(discord.requestsFor(opsKey.replace('ops-', '9'))).toHaveLength(1);
    expect(discord.messages(String(n * 10))).toHaveLength(1);
    const alertRows = await db
      .knex('wh_deliveries')
      .whereIn('webhook_id', [ops, other])
      .select('webhook_id', 'event_name', 'status')
      .orderBy('id');
    expect(alertRows).toEqual([
      { webhook_id: expect.anything(), event_name: 'webhooks.delivery_failed', status: expect.any(String) },
      { webhook_id: expect.anything(), event_name: 'webhooks.delivery_failed', status: expect.any(String) },
    ]);
    expect(alertRows.map((r) => r.status).sort()).toEqual(['dead', 'delivered']);
  });
});
