/**
 * The worker's side of a ticket's conversation (module/delivery/ticket-threads.ts), with a
 * recorded `send` and an in-memory map: a text channel's status card (the close edits the first
 * message instead of posting, and posts after all when that message is gone), the ids read from
 * a created message (a body cut short too), and which rows may share a request.
 */
import { classifyResponse } from '../../../module/delivery/classify-response.js';
import type { SendOutcome, SendRequest } from '../../../module/delivery/sender.js';
import type { TicketThread, TicketThreadStore } from '../../../module/delivery/ticket-thread-store.js';
import { createdMessage, threadPackGroup, TicketThreads } from '../../../module/delivery/ticket-threads.js';
import type { TicketThreadPlan } from '../../../module/rendering/ticket-thread-plan.js';
import { defaultFilters, defaultOptions, type Webhook } from '../../../module/webhooks/webhook.js';

function answer(status: number, body: unknown): SendOutcome {
  const text = body === undefined ? '' : JSON.stringify(body);
  const c = classifyResponse('discord', { status, headers: { 'content-type': 'application/json' }, body: text });
  const v = c.verdict;
  return {
    outcome: v.kind === 'ok' ? 'ok' : v.kind === 'retry' ? 'retry' : v.kind === 'rate_limited' ? 'rate_limited' : 'dead',
    statusCode: status,
    error: v.kind === 'ok' ? null : 'error',
    platformCode: v.kind === 'dead_request' || v.kind === 'dead_webhook' ? v.platformCode : null,
    durationMs: 1,
    verdict: v,
    rateLimit: c.rateLimit,
    responseBody: text,
  };
}

class MemoryThreads implements TicketThreadStore {
  readonly rows = new Map<string, TicketThread>();
  get = async (w: number, t: string) => this.rows.get(`${w}/${t}`) ?? null;
  put = async (w: number, t: string, th: TicketThread) => void this.rows.set(`${w}/${t}`, th);
  forget = async (w: number, t: string) => void this.rows.delete(`${w}/${t}`);
  prune = async () => 0;
}

const webhook: Webhook = {
  id: 5,
  name: 'Support',
  url: 'https://discord.com/api/webhooks/1/x',
  urlHint: '',
  platform: 'discord',
  events: [],
  templates: {},
  options: { ...defaultOptions(), statusCard: 'close' },
  filters: defaultFilters(),
  signingSecret: null,
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  createdAt: 0,
  updatedAt: 0,
};

const plan = (kind: TicketThreadPlan['kind'], card: boolean): TicketThreadPlan => ({
  ticket: '42',
  kind,
  mode: 'channel',
  name: '#42 Panne',
  tags: [],
  card: card ? { embeds: [{ title: '🔒 Fermé' }], allowed_mentions: { parse: [] } } : null,
});

function harness(answers: SendOutcome[]) {
  const sent: SendRequest[] = [];
  const send = async (req: SendRequest) => {
    sent.push(req);
    return answers.shift() ?? answer(200, { id: '900000000000000001', channel_id: '800000000000000000' });
  };
  const store = new MemoryThreads();
  const logged: string[] = [];
  const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => void logged.push(m), error: () => undefined };
  return { sent, send, store, threads: new TicketThreads({ store, logger }), logged };
}

const req = (text: string, query: Record<string, string> | null = null): SendRequest => ({
  webhook,
  body: { content: text, allowed_mentions: { parse: [] } },
  query,
  messageId: 'msg_5_evt',
});

describe('ticket threads in a text channel (status card)', () => {
  it('records the first message, then the close edits it instead of posting one', async () => {
    const h = harness([answer(200, { id: '900000000000000001', channel_id: '800000000000000000' })]);
    await h.threads.deliver(webhook, plan('submit', false), req('Nouveau ticket'), h.send);
    expect(h.store.rows.get('5/42')).toEqual({ threadId: null, messageId: '900000000000000001', guildId: null });
    const r = await h.threads.deliver(webhook, plan('close', true), req('Ticket fermé', { thread_id: '700000000000000000' }), h.send);
    expect(r.verdict.kind).toBe('ok');
    expect(h.sent).toHaveLength(2);
    // The close is the edit (in the admin's fixed thread, when there is one), not a message.
    expect(h.sent[1]).toMatchObject({
      editMessageId: '900000000000000001',
      query: { thread_id: '700000000000000000' },
      body: plan('close', true).card,
    });
    expect(h.sent[0].responseCap).toBeGreaterThan(4096);
  });

  it('posts the close after all when the first message is gone (404 Unknown Message), and forgets it', async () => {
    const h = harness([
      answer(200, { id: '900000000000000001', channel_id: '8' }),
      answer(404, { message: 'Unknown Message', code: 10008 }),
    ]);
    await h.threads.deliver(webhook, plan('submit', false), req('Nouveau ticket'), h.send);
    const r = await h.threads.deliver(webhook, plan('close', true), req('Ticket fermé'), h.send);
    expect(r.verdict.kind).toBe('ok');
    expect(h.sent.map((s) => [s.editMessageId ?? null, s.body?.content ?? null])).toEqual([
      [null, 'Nouveau ticket'],
      ['900000000000000001', null],
      [null, 'Ticket fermé'],
    ]);
    expect(h.store.rows.size).toBe(0);
  });

  it('a reply posts; with “each” it also edits, and a failed edit leaves the reply delivered (logged)', async () => {
    const h = harness([
      answer(200, { id: '900000000000000001', channel_id: '8' }),
      answer(200, { id: '900000000000000002' }),
      answer(500, { message: 'oops' }),
    ]);
    await h.threads.deliver(webhook, plan('submit', false), req('Nouveau ticket'), h.send);
    const r = await h.threads.deliver(webhook, plan('reply', true), req('Réponse'), h.send);
    expect(r.verdict.kind).toBe('ok');
    expect(h.sent.map((s) => s.editMessageId ?? null)).toEqual([null, null, '900000000000000001']);
    expect(h.logged).toEqual([expect.stringMatching(/status card could not be edited/)]);
  });

  it('a ticket whose first message is unknown posts its close as a message', async () => {
    const h = harness([]);
    await h.threads.deliver(webhook, plan('close', true), req('Ticket fermé'), h.send);
    expect(h.sent.map((s) => s.editMessageId ?? null)).toEqual([null]);
  });
});

describe('reading a created message', () => {
  it('takes id, channel_id and guild_id; in a forum the starter message’s id', () => {
    const body = JSON.stringify({ type: 0, channel_id: '800000000000000000', id: '800000000000000000', guild_id: '100000000000000000' });
    expect(createdMessage(body, true)).toEqual({
      threadId: '800000000000000000',
      messageId: '800000000000000000',
      guildId: '100000000000000000',
    });
    expect(createdMessage(body, false)).toEqual({ threadId: null, messageId: '800000000000000000', guildId: '100000000000000000' });
  });

  it('reads the thread from an answer cut short (channel_id comes second); refuses what is not ids', () => {
    const cut = JSON.stringify({ type: 0, channel_id: '800000000000000000', content: 'x'.repeat(5000), id: '8' }).slice(0, 4096);
    expect(createdMessage(cut, true)).toEqual({ threadId: '800000000000000000', messageId: '800000000000000000', guildId: null });
    expect(createdMessage(cut, false)).toBeNull();
    expect(createdMessage('{"id": 12, "channel_id": "x"}', true)).toBeNull();
    expect(createdMessage('', true)).toBeNull();
    expect(createdMessage(null, false)).toBeNull();
  });
});

describe('which rows share a request', () => {
  it('replies of one ticket only; a submit or a close goes alone', () => {
    const p = (kind: TicketThreadPlan['kind'], ticket: string, mode: TicketThreadPlan['mode'] = 'forum') => ({
      ...plan(kind, false),
      ticket,
      mode,
    });
    expect(threadPackGroup(p('reply', '1'))).toBe(threadPackGroup(p('reply', '1')));
    expect(threadPackGroup(p('reply', '1'))).not.toBe(threadPackGroup(p('reply', '2')));
    expect(threadPackGroup(p('reply', '1'))).not.toBe(threadPackGroup(p('reply', '1', 'channel')));
    expect(threadPackGroup(p('submit', '1'))).toBeNull();
    expect(threadPackGroup(p('close', '1'))).toBeNull();
  });
});
