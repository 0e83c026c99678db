/**
 * A forum post per ticket (issue 14), against a receiver that behaves like a Discord forum
 * channel's webhook (test/support/discord-forum-sink.ts), on every database:
 *  - submit, 3 replies and close of 20 interleaved tickets end as 20 posts, each holding its own
 *    ticket's messages in order, each starter edited to show the close;
 *  - every request (execute and edit) validates against the OpenAPI spec, query and body, and
 *    none sends thread_id with thread_name;
 *  - a reply for a ticket whose post is unknown creates the post;
 *  - a deleted post is created again once, and a post that cannot be re-created is not tried forever.
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DiscordForumSink, GUILD_ID, type ForumPost } from '../support/discord-forum-sink.js';
import { countByKind, discordEditViolations, discordViolations, type Violation } from '../support/platform-contracts.js';
import type { TicketPriority } from '../../sdk/events.js';
import { seededRandom } from '../support/seeded-random.js';
import { makeKit, migrate, stopKits, TestClock, type Kit } from './delivery-harness.js';

const URGENT_TAG = '300000000000000001';
const BILLING_TAG = '300000000000000002';

/** A seeded shuffle: the same interleaving on every run. */
const rng = seededRandom;

type Step = { ticket: number; step: 0 | 1 | 2 | 3 | 4 };
const EVENT = ['ticket.submit', 'ticket.reply', 'ticket.reply', 'ticket.reply', 'ticket.close'] as const;
/** The words each message carries, so the test finds it in the post. */
const marker = (s: Step) => `T${s.ticket}-${['open', 'r1', 'r2', 'r3', 'close'][s.step]}`;

/** Each ticket's 5 events in its own order, the tickets interleaved at random. */
function interleaved(tickets: number[], random: () => number): Step[] {
  const next = new Map(tickets.map((t) => [t, 0]));
  const out: Step[] = [];
  while (next.size) {
    const open = [...next.keys()];
    const t = open[Math.floor(random() * open.length)];
    const step = next.get(t)! as Step['step'];
    out.push({ ticket: t, step });
    if (step === 4) next.delete(t);
    else next.set(t, step + 1);
  }
  return out;
}

/** Every request the sink received, checked against the published spec. */
function requestViolations(sink: DiscordForumSink): Violation[] {
  return sink.requests.flatMap((r) => {
    const body = r.json ?? {};
    const v = r.method === 'PATCH' ? discordEditViolations(body, r.query) : discordViolations(body, r.query);
    if (r.query.thread_id !== undefined && body.thread_name !== undefined) v.push({ kind: 'thread_id with thread_name', detail: r.path });
    return v;
  });
}

const textOf = (post: ForumPost) => post.messages.map((m) => m.content ?? '').join('\n');

describe.each(testDatabaseKinds())('a forum post per ticket on %s', (kind) => {
  let db: TestDatabase;
  let sink: DiscordForumSink;
  let kit: Kit;
  let seq = 0;
  const clock = new TestClock();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    sink = await new DiscordForumSink().start();
    kit = await makeKit(db, { clock });
  });
  // Each test's webhook alone listens: the earlier ones are turned off.
  afterEach(async () => {
    await db.knex('wh_webhooks').update({ enabled: false });
  });
  afterAll(async () => {
    await stopKits();
    await sink?.close();
    await db?.destroy();
  });

  const forumWebhook = (id: number) =>
    kit.addWebhook({
      url: sink.url(id),
      platform: 'discord',
      templates: { ticket: '%action% #%id% : %content%' },
      options: {
        threadPerTicket: true,
        statusCard: 'close',
        threadTags: [
          { when: 'urgent', tagId: URGENT_TAG },
          { when: 'Facturation', tagId: BILLING_TAG },
        ],
      },
    });

  const emit = (s: Step, priority: TicketPriority = 'medium') =>
    kit.emit(EVENT[s.step], ++seq, (p) => {
      p.ticket.id = s.ticket;
      p.ticket.subject = `Problème ${s.ticket}`;
      p.ticket.priority = priority;
      p.ticket.department = s.ticket % 2 ? { id: 7, name: 'Facturation' } : { id: 3, name: 'Technique' };
      if (s.step === 4) p.message = { content: marker(s), author: { name: 'Alice', staff: true } };
      else p.message = { content: marker(s), author: { name: 'Client', staff: false } };
    });

  it('20 interleaved tickets (submit, 3 replies, close) end as 20 posts, each with its own messages in order and its starter edited', async () => {
    const webhookId = await forumWebhook(901);
    const tickets = Array.from({ length: 20 }, (_, i) => 1000 + i);
    const steps = interleaved(tickets, rng(14));
    // In three bursts, the worker running between them: replies queued behind their ticket's
    // submit before the post exists, and replies to posts that already exist.
    const thirds = [0, Math.floor(steps.length / 3), Math.floor((2 * steps.length) / 3), steps.length];
    for (let b = 0; b < 3; b++) {
      for (const s of steps.slice(thirds[b], thirds[b + 1])) await emit(s, s.ticket % 5 === 0 ? 'urgent' : 'medium');
      await kit.delivery.dispatcher.drain();
    }

    const posts = sink.allPosts();
    expect(posts).toHaveLength(20);
    expect(posts.map((p) => p.name).sort()).toEqual(tickets.map((t) => `#${t} Problème ${t}`).sort());
    for (const post of posts) {
      const ticket = Number(/^#(\d+)/.exec(post.name)![1]);
      const text = textOf(post);
      // Its own five messages, in the order they happened, and no other ticket's.
      const mine = [0, 1, 2, 3, 4].map((step) => text.indexOf(marker({ ticket, step } as Step)));
      expect(mine.every((at) => at >= 0)).toBe(true);
      expect([...mine].sort((a, b) => a - b)).toEqual(mine);
      expect(text.match(/T\d+-/g)!.every((m) => m === `T${ticket}-`)).toBe(true);
      // Tags from the priority and the department.
      const tags = [...(ticket % 5 === 0 ? [URGENT_TAG] : []), ...(ticket % 2 ? [BILLING_TAG] : [])];
      expect(post.tags).toEqual(tags);
      // The starter shows the close (a status embed under the customer's first message).
      const starter = post.messages[0];
      expect(starter.id).toBe(post.id);
      expect(starter.content).toContain(marker({ ticket, step: 0 }));
      expect(starter.edits).toBe(1);
      expect(JSON.stringify(starter.embeds)).toContain('Fermé');
      expect(JSON.stringify(starter.embeds)).toContain('Alice');
    }
    expect(posts.filter((p) => p.messages[0].edits === 1)).toHaveLength(20);
    // Every delivery delivered; each ticket's map row names its post.
    const rows = await kit.rows(webhookId);
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
    const map = await kit.db('wh_ticket_threads').where({ webhook_id: webhookId });
    expect(map).toHaveLength(20);
    expect(new Set(map.map((m: { thread_id: string }) => m.thread_id))).toEqual(new Set(posts.map((p) => p.id)));
    expect(map.every((m: { guild_id: string }) => m.guild_id === GUILD_ID)).toBe(true);

    // Query and body of every request (creations, messages into posts, edits) against the spec.
    expect(countByKind(requestViolations(sink))).toEqual({});
    const created = sink.requests.filter((r) => r.json?.thread_name !== undefined);
    expect(created).toHaveLength(20);
    expect(created.every((r) => r.query.wait === 'true' && r.query.thread_id === undefined)).toBe(true);
    const edits = sink.requests.filter((r) => r.method === 'PATCH');
    expect(edits).toHaveLength(20);
    expect(edits.every((r) => r.query.thread_id !== undefined && r.query.wait === undefined)).toBe(true);
  });

  it('a reply for a ticket whose post is unknown creates the post; its close goes into it', async () => {
    const webhookId = await forumWebhook(902);
    const before = sink.allPosts().length;
    await emit({ ticket: 4242, step: 2 });
    await kit.delivery.dispatcher.drain();
    const post = sink.allPosts()[before];
    expect(sink.allPosts()).toHaveLength(before + 1);
    expect(post.name).toBe('#4242 Problème 4242');
    expect(post.messages[0].content).toContain('T4242-r2');

    await emit({ ticket: 4242, step: 4 });
    await kit.delivery.dispatcher.drain();
    expect(sink.allPosts()).toHaveLength(before + 1);
    expect(textOf(post)).toMatch(/T4242-r2[\s\S]*T4242-close/);
    expect(post.messages[0].edits).toBe(1);
    expect((await kit.rows(webhookId)).map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(countByKind(requestViolations(sink))).toEqual({});
  });

  it('a deleted post is created again once, and later messages go into the new one', async () => {
    const webhookId = await forumWebhook(903);
    await emit({ ticket: 77, step: 0 });
    await kit.delivery.dispatcher.drain();
    const first = sink.allPosts().find((p) => p.name.startsWith('#77 '))!;
    sink.deletePost(first.id);

    const sent = sink.requests.length;
    await emit({ ticket: 77, step: 1 });
    await kit.delivery.dispatcher.drain();
    const tried = sink.requests.slice(sent);
    // One message into the deleted post (404 Unknown Channel), one creation: nothing more.
    expect(tried.map((r) => [r.status, r.query.thread_id === first.id, r.json?.thread_name])).toEqual([
      [404, true, undefined],
      [200, false, '#77 Problème 77'],
    ]);
    const again = sink.allPosts().filter((p) => p.name.startsWith('#77 '));
    expect(again).toHaveLength(1);
    expect(again[0].id).not.toBe(first.id);
    expect(again[0].messages[0].content).toContain('T77-r1');

    await emit({ ticket: 77, step: 2 });
    await kit.delivery.dispatcher.drain();
    expect(again[0].messages.map((m) => m.content)).toEqual([expect.stringContaining('T77-r1'), expect.stringContaining('T77-r2')]);
    expect((await kit.rows(webhookId)).every((r) => r.status === 'delivered')).toBe(true);
    expect(kit.logger.entries.filter((e) => /post is gone/.test(e.msg))).toHaveLength(1);
  });

  it('a post that cannot be created again is tried once, not forever', async () => {
    const webhookId = await forumWebhook(904);
    await emit({ ticket: 88, step: 0 });
    await kit.delivery.dispatcher.drain();
    sink.deletePost(sink.allPosts().find((p) => p.name.startsWith('#88 '))!.id);
    // The re-creation is refused too (the channel itself is gone).
    const gone = { kind: 'status' as const, status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    sink.inject('904', gone, gone, gone, gone);
    const sent = sink.requests.length;
    await emit({ ticket: 88, step: 1 });
    await kit.delivery.dispatcher.drain();
    // The message into the post, one creation; then the webhook is paused, its row kept.
    expect(sink.requests.length - sent).toBe(2);
    expect((await kit.store.get(webhookId))?.enabled).toBe(false);
    expect((await kit.rows(webhookId)).map((r) => r.status)).toEqual(['delivered', 'pending']);
  });
});
