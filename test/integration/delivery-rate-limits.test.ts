/**
 * Rate limits against the Discord-like and Slack-like sinks, with the real clock and timers
 * (the sinks count real time). No timed assertion: what arrived, in what order, how many 429s.
 * The whole file runs on the real clock (every kit gets `realClock`): a test clock here would
 * never let a rate-limit wait end under real timers.
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { SlackSink } from '../support/slack-sink.js';
import { waitUntil } from '../faults/wait-until.js';
import { makeKit, stopKits, migrate, realClock, type Kit } from './delivery-harness.js';

const realTime = { timers: undefined, pollMs: 200 };
const clock = realClock;

describe.each(testDatabaseKinds())('delivery rate limits on %s', (kind) => {
  let db: TestDatabase;
  let discord: DiscordSink;
  let slack: SlackSink;
  const kits: Kit[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    discord = await new DiscordSink({ limit: 5, windowMs: 2000 }).start();
    slack = await new SlackSink({ minGapMs: 1000 }).start();
  });
  // A kit left running would fan out and send the next test's events in the background (one
  // fan-out lease per database), racing that test's own drain: each test stops its kits.
  afterEach(stopKits);
  afterAll(async () => {
    await stopKits();
    for (const k of kits) await k.delivery.stop();
    await discord?.close();
    await slack?.close();
    await db?.destroy();
  });

  it('a burst of 100 orders to a 5-per-2s webhook arrives whole, in order, coalesced, with at most one 429', async () => {
    const kit = await makeKit(db, { clock, delivery: realTime });
    kits.push(kit);
    const id = await kit.addWebhook({ url: discord.url(2001), events: ['order.paid'], options: { mode: 'embed' } });
    kit.delivery.start();
    for (let seq = 1; seq <= 100; seq++) await kit.emit('order.paid', seq, (p) => void (p.order.id = `ORD-${seq}`));
    const delivered = async () => (await kit.rows(id)).filter((r) => r.status === 'delivered').length;
    await waitUntil(
      async () => (await delivered()) === 100,
      async () => `${await delivered()} of 100 delivered, ${discord.requestsFor('2001').length} requests`,
    );

    const seen = discord
      .messages(2001)
      .flatMap((m) => (m.embeds as unknown[]).map((e) => Number(/ORD-(\d+)/.exec(JSON.stringify(e))?.[1])));
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Coalesced: the first messages go as they come (no backlog yet); once the window is used up
    // the backlog leaves 10 embeds per message. How many go alone depends on the emit speed.
    const sizes = discord.messages(2001).map((m) => (m.embeds as unknown[]).length);
    expect(Math.max(...sizes)).toBe(10);
    expect(sizes.length).toBeLessThan(25);
    expect(discord.overLimit.get('2001') ?? 0).toBeLessThanOrEqual(1);
    const rows = await kit.rows(id);
    // Rows sent together share a batch id; a row sent alone has none.
    const alone = rows.filter((r) => r.batch_id === null).length;
    const batches = new Set(rows.filter((r) => r.batch_id !== null).map((r) => r.batch_id)).size;
    expect(alone + batches).toBe(sizes.length);
    expect(alone).toBe(sizes.filter((n) => n === 1).length);
  });

  it('a global 429 makes every Discord lane wait and is not counted as an attempt', async () => {
    const kit = await makeKit(db, { clock, delivery: realTime });
    kits.push(kit);
    const a = await kit.addWebhook({ url: discord.url(2002), events: ['ticket.submit'] });
    const b = await kit.addWebhook({ url: discord.url(2003), events: ['ticket.submit'] });
    discord.rateLimitGlobally(0.3);
    await kit.emit('ticket.submit', 1);
    await kit.delivery.dispatcher.drain();
    const lanes = await Promise.all([a, b].map((w) => kit.delivery.store.laneState(w)));
    expect(lanes.every((l) => l!.blockedUntil > clock.now())).toBe(true);
    expect(lanes.map((l) => l!.blockedReason).sort()).toEqual(['rate_limited', 'rate_limited_global'].sort());
    kit.delivery.start();
    const both = async () => [...(await kit.rows(a)), ...(await kit.rows(b))];
    await waitUntil(
      async () => (await both()).every((r) => r.status === 'delivered'),
      async () => JSON.stringify(await both()),
    );
    // One 429 then one successful try each: the wait did not use up an attempt.
    expect((await both()).map((r) => r.attempts)).toEqual([1, 1]);
    const outcomes = (await db.knex('wh_attempts').select('outcome').orderBy('id')).map((x: { outcome: string }) => x.outcome);
    expect(outcomes).toContain('rate_limited');
  });

  it('paces Slack at about one message a second without a 429', async () => {
    const kit = await makeKit(db, { clock, delivery: realTime });
    kits.push(kit);
    const id = await kit.addWebhook({ url: slack.url('B3001'), platform: 'slack', events: ['ticket.reply'], options: { coalesce: false } });
    kit.delivery.start();
    for (let seq = 1; seq <= 3; seq++) await kit.emit('ticket.reply', 100 + seq);
    await waitUntil(
      async () => (await kit.rows(id)).every((r) => r.status === 'delivered'),
      async () => JSON.stringify(await kit.rows(id)),
    );
    expect(slack.messages('B3001')).toHaveLength(3);
    expect(slack.tooSoon.get('B3001') ?? 0).toBe(0);
  });

  it('disables a Slack webhook answering no_service and keeps its message', async () => {
    const kit = await makeKit(db, { clock });
    const id = await kit.addWebhook({ url: slack.url('B3002'), platform: 'slack', events: ['ticket.close'] });
    slack.breakWebhook('B3002', 'no_service');
    await kit.emit('ticket.close', 7);
    await kit.delivery.dispatcher.drain();
    expect((await kit.store.get(id))?.disabledReason).toBe('no_service');
    expect((await kit.rows(id)).map((r) => r.status)).toEqual(['pending']);
  });
});
