/**
 * The host's emit persists one event row and returns; fan-out renders per webhook in the
 * background. On every database: the emit returns before rendering (a conversion held open does
 * not hold the emit), one conversion serves every webhook, an event persisted and left behind by
 * a stopped or crashed process is fanned out and delivered by the next one, in order.
 * Worker threads (built module): a hostile HTML ticket renders off the event loop, to the bodies
 * the calling thread would make; a render over its time budget is delivered as escaped plain text.
 */
import path from 'node:path';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { repoRoot, requireBuild } from '../support/host-child.js';
import { waitUntil } from '../faults/wait-until.js';
import { renderEventBodies, type EventRenderJob } from '../../module/rendering/event-bodies.js';
import { RenderWorkers } from '../../module/rendering/event-renderers.js';
import { markdownHere, type MarkdownConverter } from '../../module/rendering/event-variables.js';
import { convertHere } from '../../module/text/untrusted-text.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defaultOptions } from '../../module/webhooks/webhook.js';
import { makeKit, stopKits, migrate, TestClock, type Kit } from './delivery-harness.js';

/** A converter that holds every conversion until the test lets it go. */
function gatedConverter() {
  const waiting: (() => void)[] = [];
  const calls: string[] = [];
  const converter: MarkdownConverter = {
    async toMarkdown(html) {
      calls.push(html);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return markdownHere.toMarkdown(html);
    },
  };
  return { converter, calls, held: () => waiting.length, release: () => waiting.splice(0).forEach((go) => go()) };
}

const HOSTILE = '<b>'.repeat(6000) + 'Le serveur ne répond plus';

const count = async (kit: Kit, table: string): Promise<number> =>
  Number((await kit.db(table).count<{ n: number | string }[]>({ n: '*' }).first())?.n ?? 0);

describe.each(testDatabaseKinds())('fan-out on %s', (kind) => {
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
  afterEach(async () => {
    // Each test starts with no event and no delivery left by the one before.
    await db.knex('wh_events').delete();
    await db.knex('wh_attempts').delete();
    await db.knex('wh_deliveries').delete();
    // Turned off with a reason: a webhook paused by the admin would still queue later tests' events.
    await db.knex('wh_webhooks').update({ enabled: false, disabled_reason: 'test over' });
  });

  it('the emit returns once the event row is written, before any rendering; one conversion serves 8 webhooks', async () => {
    const gate = gatedConverter();
    const kit = await makeKit(db, { clock, delivery: { markdown: gate.converter } });
    const ids: number[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(await kit.addWebhook({ url: sink.url(5100 + i), events: ['ticket.submit'], options: { mode: i % 2 ? 'embed' : 'plain' } }));
    kit.delivery.fanOut.start();

    const payload = (await import('../../sdk/sample-events.js')).sampleEvent('ticket.submit', { seq: 1, now: clock.now() });
    payload.eventId = 'evt_fanout_1';
    payload.message = { ...payload.message!, content: HOSTILE };
    await kit.delivery.intake.accept('ticket.submit', payload);

    // Returned: the event is persisted once; its conversion has started and is held; no delivery row yet.
    expect(await count(kit, 'wh_events')).toBe(1);
    await waitUntil(
      () => gate.held() > 0,
      () => 'the fan-out never asked for a conversion',
    );
    expect(await count(kit, 'wh_deliveries')).toBe(0);

    gate.release();
    await kit.delivery.fanOut.drain();
    expect(await count(kit, 'wh_events')).toBe(0);
    expect(await count(kit, 'wh_deliveries')).toBe(8);
    // The content was converted once for the 8 webhooks.
    expect(gate.calls.filter((html) => html.includes('Le serveur'))).toHaveLength(1);

    await kit.delivery.dispatcher.drain();
    for (let i = 0; i < 8; i++) {
      const [message] = sink.messages(5100 + i);
      expect(JSON.stringify(message)).toContain('**Le serveur ne répond plus**');
    }
    expect((await kit.rows()).map((r) => r.status)).toEqual(Array(8).fill('delivered'));
  });

  it("a batch's events are rendered eight at a time, written in order, and a batch cut short by slow renders never renders an event twice", async () => {
    const gate = gatedConverter();
    const kit = await makeKit(db, { clock, delivery: { markdown: gate.converter } });
    const id = await kit.addWebhook({
      url: sink.url(5150),
      events: ['ticket.submit'],
      templates: { ticket: '%content%' },
      options: { coalesce: false },
    });
    const payload = sampleEvent('ticket.submit', { seq: 1, now: clock.now() });
    for (let i = 1; i <= 10; i++)
      await kit.delivery.intake.accept('ticket.submit', {
        ...payload,
        eventId: `evt_batch_${i}`,
        message: { ...payload.message!, content: `<p>message ${i}</p>` },
      });
    const drained = kit.delivery.fanOut.drain();
    // Eight conversions of the batch started before any finished (one round trip for them, not one
    // per event), and no more: a render's budget counts its wait for a thread.
    await waitUntil(
      () => gate.held() === 8,
      () => `${gate.held()} of 8 conversions started together`,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(gate.held()).toBe(8);
    gate.release();
    await waitUntil(
      () => gate.held() === 2,
      () => `${gate.held()} of the last 2 conversions started`,
    );
    gate.release();
    await drained;
    await kit.delivery.dispatcher.drain();
    expect(sink.messages(5150).map((m) => m.content)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i + 1}`));

    // Renders that take longer than the batch's 250 ms: what is rendered is written, the rest in
    // the next round, from the renders already running.
    const slow = { calls: [] as string[] };
    const slowKit = await makeKit(db, {
      clock,
      delivery: {
        markdown: {
          async toMarkdown(html) {
            slow.calls.push(html);
            await new Promise((resolve) => setTimeout(resolve, 40 * slow.calls.length));
            return markdownHere.toMarkdown(html);
          },
        },
      },
    });
    for (let i = 11; i <= 20; i++)
      await slowKit.delivery.intake.accept('ticket.submit', {
        ...payload,
        eventId: `evt_batch_${i}`,
        message: { ...payload.message!, content: `<p>message ${i}</p>` },
      });
    const writes: number[] = [];
    const complete = slowKit.delivery.events.complete.bind(slowKit.delivery.events);
    slowKit.delivery.events.complete = async (events, rows) => {
      writes.push(events.length);
      return complete(events, rows);
    };
    await slowKit.delivery.fanOut.drain();
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(slow.calls).toHaveLength(10);
    expect(new Set(slow.calls).size).toBe(10);
    await slowKit.delivery.dispatcher.drain();
    expect((await kit.rows(id)).map((r) => r.event_id)).toEqual(Array.from({ length: 20 }, (_, i) => `evt_batch_${i + 1}`));
    expect(sink.messages(5150).map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i + 1}`));
  });

  it('an event persisted by a process stopped before its fan-out is fanned out and delivered after the restart, in order', async () => {
    const first = await makeKit(db, { clock });
    const id = await first.addWebhook({ url: sink.url(5201), templates: { order: 'order #%id%' }, options: { coalesce: false } });
    // The first process accepts 30 events (more than one fan-out batch) and stops before fanning any out.
    for (let seq = 1; seq <= 30; seq++) {
      const payload = (await import('../../sdk/sample-events.js')).sampleEvent('order.paid', { seq, now: clock.now() });
      await first.delivery.intake.accept('order.paid', { ...payload, eventId: `evt_restart_${seq}`, order: { ...payload.order, id: seq } });
    }
    await first.delivery.stop();
    expect(await count(first, 'wh_events')).toBe(30);
    expect(await count(first, 'wh_deliveries')).toBe(0);

    // The restarted process's fan-out takes what it finds when it starts; its dispatcher then sends.
    const second = await makeKit(db, { clock });
    second.delivery.fanOut.start();
    await waitUntil(
      async () => (await count(second, 'wh_events')) === 0,
      () => 'the restarted process did not fan out the stored events',
    );
    await second.delivery.dispatcher.drain();
    const rows = await second.rows(id);
    expect(rows.map((r) => [r.event_id, r.status])).toEqual(Array.from({ length: 30 }, (_, i) => [`evt_restart_${i + 1}`, 'delivered']));
    expect(sink.messages(5201).map((m) => m.content)).toEqual(Array.from({ length: 30 }, (_, i) => `order #${i + 1}`));
  });

  it('a 1 MB ticket is stored gzipped and read back whole by another process', async () => {
    const first = await makeKit(db, { clock });
    const id = await first.addWebhook({ url: sink.url(5251), events: ['ticket.submit'], templates: { ticket: '%content%' } });
    const words = ['serveur', 'panne', 'facture', 'DNS', 'é', '😀', '\n', '"', '\\', '<b>'];
    let state = 7;
    const content = Array.from({ length: 200_000 }, () => words[(state = (state * 48271) % 2147483647) % words.length])
      .join(' ')
      .slice(0, 1_000_000);
    const payload = (await import('../../sdk/sample-events.js')).sampleEvent('ticket.submit', { seq: 1, now: clock.now() });
    const sent = { ...payload, eventId: 'evt_big_1', message: { ...payload.message!, content } };
    await first.delivery.intake.accept('ticket.submit', sent);
    await first.delivery.stop();
    const row = await db.knex('wh_events').where('event_id', 'evt_big_1').first('payload');
    expect(row.payload.startsWith('gz:')).toBe(true);
    expect(row.payload.length).toBeLessThan(JSON.stringify(sent).length / 2);
    // Another process (no copy in memory) reads it back as it was sent, and delivers it.
    const second = await makeKit(db, { clock });
    const [stored] = await second.delivery.events.oldest(1);
    expect(stored.payload).toEqual(JSON.parse(JSON.stringify(sent)));
    await second.delivery.fanOut.drain();
    await second.delivery.dispatcher.drain();
    expect((await second.rows(id)).map((r) => r.status)).toEqual(['delivered']);
    expect(sink.messages(5251)[0].content).toContain('serveur');
  });

  it("a crashed process's fan-out lease expires; the events it left are then fanned out once", async () => {
    const kit = await makeKit(db, { clock, delivery: { leaseMs: 30_000 } });
    const id = await kit.addWebhook({ url: sink.url(5301), templates: { order: 'order #%id%' } });
    const payload = (await import('../../sdk/sample-events.js')).sampleEvent('order.paid', { seq: 7, now: clock.now() });
    await kit.delivery.intake.accept('order.paid', { ...payload, eventId: 'evt_crash_7' });
    // A process took the fan-out lease, then died without a word.
    expect(await kit.delivery.events.lease('crashed-fan-out', clock.now(), 30_000)).toBe(true);

    await kit.delivery.fanOut.drain();
    expect(await count(kit, 'wh_events')).toBe(1);
    clock.advance(30_001);
    await kit.delivery.fanOut.drain();
    await kit.delivery.fanOut.drain();
    expect(await count(kit, 'wh_events')).toBe(0);
    await kit.delivery.dispatcher.drain();
    expect((await kit.rows(id)).map((r) => [r.event_id, r.status])).toEqual([['evt_crash_7', 'delivered']]);
    expect(sink.messages(5301)).toHaveLength(1);
  });
});

describe('rendering on worker threads (built module)', () => {
  const workerFile = path.join(repoRoot, 'dist', 'module', 'rendering', 'render-worker.js');
  let workers: RenderWorkers | null = null;
  beforeAll(() => requireBuild());
  afterEach(async () => {
    await workers?.close();
    workers = null;
  });

  const job = (content: string): EventRenderJob => {
    const payload = sampleEvent('ticket.submit', { seq: 1, now: Date.UTC(2026, 0, 15) });
    return {
      event: 'ticket.submit',
      payload: { ...payload, message: { ...payload.message!, content } },
      locale: 'fr',
      timeZone: 'Europe/Paris',
      targets: [
        { platform: 'discord', template: 'Ticket #%id%\n%content%', options: { ...defaultOptions(), mode: 'embed' } },
        { platform: 'slack', template: 'Ticket #%id%\n%content%', options: { ...defaultOptions(), slackBlocks: true } },
        { platform: 'teams', template: 'Ticket #%id%\n%content%', options: defaultOptions() },
      ],
    };
  };

  it('renders a hostile HTML ticket off the event loop, to the bodies the calling thread makes', async () => {
    workers = new RenderWorkers({ workerFile, budgetMs: 30_000 });
    const hostile = job('<div>'.repeat(10) + '<b>'.repeat(6000) + 'texte');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const bodies = await workers.render(hostile);
    clearInterval(ticker);
    expect(bodies).toEqual(renderEventBodies(hostile, convertHere));
    expect(JSON.stringify(bodies[0].body)).toContain('**texte**');
    expect(workers.fallbacks).toBe(0);
    // The event loop kept turning while the worker rendered.
    expect(ticks).toBeGreaterThan(0);
  });

  it('a render over its time budget is sent as escaped plain text, logged, never dropped', async () => {
    const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
    const log = (msg: string, fields?: Record<string, unknown>) => void logs.push({ msg, fields });
    // 1 ms: less than a worker thread takes to start, so the budget always runs out.
    workers = new RenderWorkers({ workerFile, budgetMs: 1, logger: { debug: log, info: log, warn: log, error: log } });
    const html = job('<p>**pas en gras** et <b>gras</b> @everyone</p>');
    const bodies = await workers.render(html);
    expect(workers.fallbacks).toBe(1);
    expect(logs[0].msg).toBe('webhooks: customer HTML not converted to Markdown; sent as plain text');
    expect(logs[0].fields?.reason).toBe('over the 1 ms budget');
    expect(logs[0].fields?.eventId).toBe(html.payload.eventId);
    expect(bodies).toEqual(renderEventBodies(html, () => null));
    // Discord's description: the HTML's text, Markdown escaped, the mention broken.
    const embed = (bodies[0].body.embeds as { description: string }[])[0];
    expect(embed.description).toBe('\\*\\*pas en gras\\*\\* et gras @\u200Beveryone');
    expect(bodies.map((b) => b.platform)).toEqual(['discord', 'slack', 'teams']);
  });
});
