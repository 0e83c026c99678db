/**
 * The metrics route's text after a burst: parsed with a Prometheus text-format parser (not our
 * own code), its counters must equal what the delivery log holds (wh_deliveries, wh_attempts)
 * platform by platform, its 429s what the sink answered, its gauges what SQL counts now.
 * A burst with every outcome: Discord deliveries (one 429 on the way), JSON ones, a JSON target
 * that fails and is retried later, one that says it is gone (410: the webhook is disabled).
 */
import parsePrometheus, { type ParsedFamily } from 'parse-prometheus-text-format';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { JsonSink } from '../support/json-sink.js';
import { makeKit, migrate, stopKits, TestClock } from './delivery-harness.js';

const EVENTS = 25;

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`metric ${name} missing from the scrape`);
  return f;
}

/** Value of the sample whose labels include `labels` (0 when there is none: a counter never incremented). */
function sample(families: ParsedFamily[], name: string, labels: Record<string, string> = {}): number {
  const m = family(families, name).metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m ? Number(m.value ?? m.count) : 0;
}

describe.each(testDatabaseKinds())('delivery metrics on %s', (kind) => {
  let db: TestDatabase;
  let discord: DiscordSink;
  let json: JsonSink;
  const clock = new TestClock();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    discord = await new DiscordSink({ limit: 1000, windowMs: 1000 }).start();
    json = await new JsonSink().start();
  });
  afterAll(async () => {
    await stopKits();
    await discord?.close();
    await json?.close();
    await db?.destroy();
  });

  it('a scrape after a burst parses as Prometheus text and its counters match the delivery log', async () => {
    const kit = await makeKit(db, { clock, delivery: { slackPaceMs: 0 } });
    await kit.addWebhook({ name: 'Discord', url: discord.url(7001) });
    await kit.addWebhook({ name: 'JSON ok', platform: 'json', url: json.url('ok') });
    await kit.addWebhook({ name: 'JSON flaky', platform: 'json', url: json.url('flaky') });
    const goneId = await kit.addWebhook({ name: 'JSON gone', platform: 'json', url: json.url('gone') });
    discord.inject('7001', {
      kind: 'status',
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.01, global: false },
    });
    json.inject('flaky', { kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    json.markGone('gone');

    for (let i = 1; i <= EVENTS; i++) await kit.emit('order.paid', i);
    // Passes until nothing is due now (the 429's short wait passes on the test clock; the flaky
    // target's retries are minutes away and stay queued).
    for (let round = 0; round < 5; round++) {
      await kit.delivery.dispatcher.drain();
      clock.advance(1000);
    }

    // The webhook turned off raised an operational event (webhooks.disabled): let it be fanned out.
    await kit.delivery.ops.settled();
    await kit.delivery.fanOut.drain();
    const text = await kit.delivery.metrics.scrape();
    const families = parsePrometheus(text);
    expect(family(families, 'webhooks_deliveries_total').type).toBe('COUNTER');
    expect(family(families, 'webhooks_delivery_latency_seconds').type).toBe('HISTOGRAM');
    // This parser folds a labelled histogram's series into one (its flattening drops the labels):
    // its `_count` lines are read on their own, as untyped samples, to keep them per platform.
    const latencyCounts = parsePrometheus(
      text
        .split('\n')
        .filter((l) => l.startsWith('webhooks_delivery_latency_seconds_count{'))
        .join('\n') + '\n',
    );

    const log: { platform: string; status: string; n: number | string }[] = await db
      .knex('wh_deliveries as d')
      .join('wh_webhooks as w', 'w.id', 'd.webhook_id')
      .select('w.platform as platform', 'd.status as status')
      .count({ n: '*' })
      .groupBy('w.platform', 'd.status');
    const attempts: { platform: string; outcome: string; n: number | string }[] = await db
      .knex('wh_attempts as a')
      .join('wh_deliveries as d', 'd.id', 'a.delivery_id')
      .join('wh_webhooks as w', 'w.id', 'd.webhook_id')
      .select('w.platform as platform', 'a.outcome as outcome')
      .count({ n: '*' })
      .groupBy('w.platform', 'a.outcome');
    const inLog = (platform: string, status: string) => Number(log.find((r) => r.platform === platform && r.status === status)?.n ?? 0);
    const tried = (platform: string, outcome: string) =>
      Number(attempts.find((r) => r.platform === platform && r.outcome === outcome)?.n ?? 0);

    for (const platform of ['discord', 'json']) {
      const delivered = sample(families, 'webhooks_deliveries_total', { platform, outcome: 'delivered' });
      expect(delivered).toBe(inLog(platform, 'delivered'));
      expect(delivered).toBe(tried(platform, 'ok'));
      // Every request that did not succeed left an attempt row: retry (failed or given up), dead.
      const notOk =
        sample(families, 'webhooks_deliveries_total', { platform, outcome: 'failed' }) +
        sample(families, 'webhooks_deliveries_total', { platform, outcome: 'dead' }) +
        sample(families, 'webhooks_deliveries_total', { platform, outcome: 'webhook_gone' });
      expect(notOk).toBe(tried(platform, 'retry') + tried(platform, 'dead'));
      expect(sample(latencyCounts, 'webhooks_delivery_latency_seconds_count', { platform })).toBe(delivered);
    }
    // The burst's shape, so the equalities above are not 0 = 0.
    expect(inLog('discord', 'delivered')).toBe(EVENTS);
    expect(inLog('json', 'delivered')).toBe(EVENTS);
    expect(sample(families, 'webhooks_deliveries_total', { platform: 'json', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(sample(families, 'webhooks_deliveries_total', { platform: 'json', outcome: 'webhook_gone' })).toBeGreaterThanOrEqual(1);

    const answered429 = discord.requestsFor('7001').filter((r) => r.fault === 'status' && r.status === 429).length;
    expect(answered429).toBe(1);
    expect(sample(families, 'webhooks_rate_limited_total', { platform: 'discord' })).toBe(answered429);
    expect(sample(families, 'webhooks_waits_total', { platform: 'discord', reason: 'rate_limited' })).toBe(1);
    expect(sample(families, 'webhooks_turned_off_total', { platform: 'json', cause: 'disabled' })).toBe(1);
    // The engine here runs on the host's thread: it never steps aside for itself (host-yield.ts).
    expect(sample(families, 'webhooks_engine_yields_total')).toBe(0);
    expect(sample(families, 'webhooks_engine_yield_seconds_total')).toBe(0);

    // Gauges: what the database holds now.
    const open = await db.knex('wh_deliveries').whereIn('status', ['pending', 'failed', 'sending']).count({ n: '*' });
    const depth = ['pending', 'failed', 'sending'].reduce((a, s) => a + sample(families, 'webhooks_queue_depth', { status: s }), 0);
    expect(depth).toBe(Number(open[0].n));
    expect(depth).toBe(2 * EVENTS - (inLog('json', 'delivered') - EVENTS) - inLog('json', 'dead'));
    expect(sample(families, 'webhooks_oldest_open_delivery_age_seconds')).toBeGreaterThan(0);
    expect(sample(families, 'webhooks_events_waiting')).toBe(0);
    expect(sample(families, 'webhooks_webhooks', { state: 'active' })).toBe(3);
    expect(sample(families, 'webhooks_webhooks', { state: 'disabled' })).toBe(1);
    expect((await kit.store.get(goneId))?.enabled).toBe(false);
  });
});
