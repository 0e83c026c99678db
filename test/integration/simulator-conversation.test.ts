/**
 * The simulator continues tickets through the host's real helpdesk (issue 29), on every database:
 *  - one "conversation" (submit, two replies, close) to a Discord forum webhook with a post per
 *    ticket and a role ping gives ONE forum post holding the four messages, and ONE role ping
 *    (on the opening post);
 *  - the ticket is the helpdesk's: the post's title, the events' ticket id and the helpdesk's
 *    own messages agree;
 *  - "continue a ticket" answers the last open ticket as its customer, or a chosen one as staff,
 *    into that ticket's post; a closed ticket, no open ticket and bad input are refused with a
 *    reason, and nothing is emitted;
 *  - an empty POST of ticket.submit opens a helpdesk ticket, and ticket.reply continues it.
 */
import fs from 'node:fs';
import type { Host } from '../../host/create-host.js';
import { sampleTicketTexts } from '../../sdk/sample-events.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { DiscordForumSink, type ForumPost } from '../support/discord-forum-sink.js';
import { discordViolations } from '../support/platform-contracts.js';
import { repoRoot, requireBuild, waitFor } from '../support/host-child.js';
import { startTestHost } from '../fixtures/host-kit.js';

const T = 60_000;
const ROLE = '123456789012345678';

describe.each(testDatabaseKinds())('the simulator holds a conversation on %s', (kind) => {
  let host: Host;
  let varDir: string;
  let drop: () => Promise<void>;
  const sink = new DiscordForumSink();
  const emitted: Array<{ name: string; ticketId: number; eventId: string }> = [];
  const auth = () => ({ authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' });
  const post = (path: string, body: unknown) =>
    fetch(`${host.url}${path}`, { method: 'POST', headers: auth(), body: body === undefined ? '' : JSON.stringify(body) });

  beforeAll(async () => {
    requireBuild();
    await sink.start();
    const created = await createDatabaseUrl(kind);
    drop = created.drop;
    ({ host, varDir } = await startTestHost({ label: `sim-conv-${kind}`, databaseUrl: created.url, profile: 'development', locale: 'en' }));
    host.bus.onAny((name, payload) => {
      const p = payload as { ticket?: { id: number }; eventId: string };
      if (String(name).startsWith('ticket.') && p.ticket) emitted.push({ name: String(name), ticketId: p.ticket.id, eventId: p.eventId });
    });
    await host.modules.installFromFolder(repoRoot);
    expect((await host.modules.enable('webhooks')).error).toBeNull();
    const res = await post('/admin/modules/webhooks/api/webhooks', {
      name: 'Forum',
      url: sink.url(901),
      platform: 'discord',
      events: ['ticket.submit', 'ticket.reply', 'ticket.close'],
      // No coalescing: each event is its own message, whatever the timing.
      options: { threadPerTicket: true, coalesce: false, rolePing: { roleIds: [ROLE], priorities: ['urgent'] } },
    });
    expect(res.status).toBe(201);
  }, T);
  afterAll(async () => {
    await host?.close();
    await sink.close();
    await drop?.();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  const postOf = (ticketId: number): ForumPost | undefined => sink.allPosts().find((p) => p.name.startsWith(`#${ticketId} `));
  const delivered = () => host.db('wh_deliveries').whereNot('status', 'delivered').count({ n: '*' }).first();
  const settled = () => waitFor('every delivery delivered', async () => Number((await delivered())?.n) === 0, 30_000);
  /** Messages posted with the role allowed to be mentioned: each one pings the role (an edit never does). */
  const pingingPosts = () =>
    sink.requests.filter(
      (r) => r.method === 'POST' && (r.json?.allowed_mentions as { roles?: string[] } | undefined)?.roles?.includes(ROLE),
    );

  it(
    'one conversation (submit, 2 replies, close) gives one forum post holding all four, and one role ping',
    async () => {
      const res = await post('/admin/simulate/conversation', { replies: 2, priority: 'urgent' });
      expect(res.status).toBe(202);
      const body = (await res.json()) as { ticketId: number; events: Array<{ event: string; eventId: string }> };
      expect(body.events.map((e) => e.event)).toEqual(['ticket.submit', 'ticket.reply', 'ticket.reply', 'ticket.close']);
      // The events on the bus are those the answer names, all for the helpdesk's ticket.
      expect(emitted.map((e) => e.eventId)).toEqual(body.events.map((e) => e.eventId));
      expect(new Set(emitted.map((e) => e.ticketId))).toEqual(new Set([body.ticketId]));
      const ticket = (await host.helpdesk.ticket(body.ticketId))!;
      expect(ticket.status).toBe('closed');
      expect(ticket.priority).toBe('urgent');
      const messages = await host.helpdesk.messages(body.ticketId);
      expect(messages.map((m) => m.authorKind)).toEqual(['customer', 'staff', 'customer']);
      // In the host's language (English here).
      expect(messages.map((m) => m.content)).toEqual([
        sampleTicketTexts.en.opening,
        sampleTicketTexts.en.staffReply,
        sampleTicketTexts.en.customerReply,
      ]);

      // The close is posted and also edits the post's starter (the status card a post per ticket gets by default).
      const complete = () => postOf(body.ticketId)?.messages.length === 4 && postOf(body.ticketId)?.messages[0].edits === 1;
      await waitFor('the post, its replies and the close', complete, 30_000);
      await settled();
      expect(sink.allPosts()).toHaveLength(1);
      const forum = postOf(body.ticketId)!;
      expect(forum.name).toBe(`#${body.ticketId} ${ticket.subject}`);
      expect(forum.messages).toHaveLength(4);
      expect(forum.messages.map((m) => m.edits)).toEqual([1, 0, 0, 0]);
      const text = JSON.stringify(forum.messages.map((m) => m.body));
      expect(text).toContain(sampleTicketTexts.en.staffReply.slice(0, 30));
      // One ping for the urgent ticket, on its opening post, not on the replies and the close.
      const pings = pingingPosts();
      expect(pings).toHaveLength(1);
      expect(pings[0].query.thread_id).toBeUndefined();
      expect(pings[0].json?.thread_name).toBe(forum.name);
      expect(sink.requests.flatMap((r) => (r.method === 'POST' ? discordViolations(r.json ?? {}, r.query) : []))).toEqual([]);
    },
    T,
  );

  it(
    'continues the last open ticket as its customer and a chosen one as staff, into each ticket’s own post',
    async () => {
      const a = (await (await post('/admin/simulate/ticket.submit', undefined)).json()) as { ticketId: number; eventId: string };
      const b = (await (await post('/admin/simulate/ticket.submit', undefined)).json()) as { ticketId: number; eventId: string };
      expect(b.ticketId).toBeGreaterThan(a.ticketId);
      expect(emitted.find((e) => e.eventId === a.eventId)?.ticketId).toBe(a.ticketId);

      const last = await post('/admin/simulate/continue', { ticket: 'last', action: 'reply', as: 'customer', content: 'Still down, B.' });
      expect(last.status).toBe(202);
      expect(((await last.json()) as { ticketId: number }).ticketId).toBe(b.ticketId);
      const chosen = await post('/admin/simulate/continue', { ticket: a.ticketId, action: 'reply', as: 'staff', content: 'Looking at A.' });
      expect(chosen.status).toBe(202);
      // An empty ticket.reply continues the open ticket with the latest activity (A now), as staff.
      const plain = (await (await post('/admin/simulate/ticket.reply', undefined)).json()) as { ticketId: number };
      expect(plain.ticketId).toBe(a.ticketId);
      const closed = await post('/admin/simulate/continue', { ticket: b.ticketId, action: 'close', as: 'customer' });
      expect(closed.status).toBe(202);

      expect((await host.helpdesk.messages(b.ticketId)).map((m) => [m.authorKind, m.content])).toEqual([
        ['customer', sampleTicketTexts.en.opening],
        ['customer', 'Still down, B.'],
      ]);
      expect((await host.helpdesk.messages(a.ticketId)).map((m) => m.authorKind)).toEqual(['customer', 'staff', 'staff']);
      await waitFor(
        'both posts complete',
        () =>
          postOf(a.ticketId)?.messages.length === 3 &&
          postOf(b.ticketId)?.messages.length === 3 &&
          postOf(b.ticketId)?.messages[0].edits === 1,
        30_000,
      );
      await settled();
      expect(JSON.stringify(postOf(b.ticketId)!.messages.map((m) => m.body))).toContain('Still down, B.');
      expect(JSON.stringify(postOf(a.ticketId)!.messages.map((m) => m.body))).toContain('Looking at A.');
      expect(JSON.stringify(postOf(a.ticketId)!.messages.map((m) => m.body))).not.toContain('Still down, B.');
    },
    T,
  );

  it('refuses a closed ticket, an unknown one, no open ticket and bad input, emitting nothing', async () => {
    const before = emitted.length;
    const open = await host.helpdesk.tickets();
    const closedId = open.find((t) => t.status === 'closed')!.id;
    const refusals: Array<[unknown, number, string]> = [
      [{ ticket: closedId, action: 'reply', as: 'staff' }, 409, 'ticket_closed'],
      [{ ticket: closedId, action: 'close', as: 'customer' }, 409, 'ticket_closed'],
      [{ ticket: 999999, action: 'reply', as: 'staff' }, 404, 'ticket_not_found'],
      [{ ticket: 'first', action: 'reply' }, 400, 'invalid'],
      [{ ticket: 'last', action: 'delete' }, 400, 'invalid'],
      [{ ticket: 'last', action: 'reply', as: 'robot' }, 400, 'invalid'],
      [{ ticket: 'last', action: 'reply', as: 'staff', staffId: 'nobody' }, 409, 'staff_not_found'],
    ];
    for (const [body, status, reason] of refusals) {
      const res = await post('/admin/simulate/continue', body);
      const answer = (await res.json()) as { error: string; reason: string };
      expect({ body, status: res.status, reason: answer.reason }).toEqual({ body, status, reason });
      expect(answer.error.length).toBeGreaterThan(5);
    }
    // Close every open ticket, then "the last open one" has nothing to continue.
    for (const t of await host.helpdesk.tickets()) if (t.status !== 'closed') await host.helpdesk.closeAsCustomer(t.id);
    const none = await post('/admin/simulate/continue', { ticket: 'last', action: 'reply' });
    expect(none.status).toBe(409);
    expect(((await none.json()) as { reason: string }).reason).toBe('no_open_ticket');
    expect((await post('/admin/simulate/conversation', { replies: 11 })).status).toBe(400);
    expect((await post('/admin/simulate/conversation', { priority: 'asap' })).status).toBe(400);
    // Only the closes this test made itself were emitted.
    expect(emitted.slice(before).every((e) => e.name === 'ticket.close')).toBe(true);
  });
});
