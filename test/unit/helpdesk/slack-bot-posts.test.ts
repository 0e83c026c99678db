/**
 * The Slack app's own posts and the answers read from a ticket's thread, without a host: where the
 * bot token may go (only the API base's chat.postMessage), what Slack's `{ok: false, error}`
 * answers mean for the outbox, the body sent, and which Events API messages answer a ticket —
 * including 1,000 hostile event bodies that must never act.
 */
import fc from 'fast-check';
import type { HelpdeskPort } from '../../../sdk/helpdesk.js';
import { actOnSlackEvent, type SlackEventsDeps } from '../../../module/helpdesk/slack-events.js';
import { chatPostMessageBody, classifySlackApi, postedMessage, slackBotTarget } from '../../../module/platforms/slack/slack-bot-posts.js';
import { classifyResponse } from '../../../module/delivery/classify-response.js';
import { slackChatPostMessageViolations } from '../../support/platform-contracts.js';
import { anyOr } from '../../support/hostile-arbitraries.js';

const BASE = 'https://slack.com/api';
const answer = (status: number, json: Record<string, unknown>) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(json),
});

describe('chat.postMessage target', () => {
  it('is the API base’s chat.postMessage naming a channel id; the token goes nowhere else', () => {
    expect(slackBotTarget(`${BASE}/chat.postMessage?channel=C0123ABCD`, BASE)).toEqual({
      postUrl: `${BASE}/chat.postMessage`,
      channel: 'C0123ABCD',
    });
    for (const url of [
      'https://evil.example/api/chat.postMessage?channel=C0123ABCD',
      'https://slack.com.evil.example/api/chat.postMessage?channel=C0123ABCD',
      'http://slack.com/api/chat.postMessage?channel=C0123ABCD',
      `${BASE}/chat.update?channel=C0123ABCD`,
      `${BASE}/chat.postMessage?channel=general`,
      `${BASE}/chat.postMessage`,
      'https://hooks.slack.com/services/T0/B0/x',
      'not a url',
    ])
      expect([url, slackBotTarget(url, BASE)]).toEqual([url, null]);
  });
});

describe('Slack Web API answers', () => {
  const verdict = (status: number, json: Record<string, unknown>, headers: Record<string, string> = {}) =>
    classifyResponse('slack', { ...answer(status, json), headers: { ...answer(status, json).headers, ...headers } }, 0).verdict;

  it('ok: delivered; ratelimited 429 with Retry-After: waits; Slack’s own failure: retried', () => {
    expect(verdict(200, { ok: true, channel: 'C0123ABCD', ts: '1.000001' })).toEqual({ kind: 'ok' });
    expect(verdict(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' })).toMatchObject({
      kind: 'rate_limited',
      waitMs: 30_000,
    });
    expect(verdict(200, { ok: false, error: 'internal_error' })).toEqual({ kind: 'retry', reason: 'chat.postMessage: internal_error' });
  });

  it('channel_not_found, invalid_auth, not_in_channel: the webhook is dead, with a reason a person can act on', () => {
    for (const [error, words] of [
      ['channel_not_found', 'does not exist'],
      ['invalid_auth', 'bot token is not valid'],
      ['not_in_channel', 'not a member of the channel'],
    ]) {
      const v = verdict(200, { ok: false, error });
      expect(v).toMatchObject({ kind: 'dead_webhook' });
      expect((v as { reason: string }).reason).toContain(error);
      expect((v as { reason: string }).reason).toContain(words);
    }
    expect(verdict(200, { ok: false, error: 'invalid_blocks' })).toMatchObject({
      kind: 'dead_request',
      reason: 'chat.postMessage: invalid_blocks',
    });
  });

  it('an incoming webhook’s plain answers keep their meaning', () => {
    expect(classifySlackApi({ status: 200, text: 'ok', json: null })).toBeNull();
    expect(classifyResponse('slack', { status: 200, headers: {}, body: 'ok' }, 0).verdict).toEqual({ kind: 'ok' });
    expect(classifyResponse('slack', { status: 404, headers: {}, body: 'no_service' }, 0).verdict).toMatchObject({ kind: 'dead_webhook' });
  });

  it('the posted message’s ts is read only from a success naming a channel and a ts', () => {
    expect(postedMessage(JSON.stringify({ ok: true, channel: 'C0123ABCD', ts: '1733400000.000100' }))).toEqual({
      channel: 'C0123ABCD',
      ts: '1733400000.000100',
    });
    for (const text of [
      'ok',
      '',
      null,
      '{"ok":false,"error":"x"}',
      '{"ok":true,"channel":"C0123ABCD","ts":"1"}',
      '{"ok":true,"ts":"1.000001"}',
    ])
      expect(postedMessage(text)).toBeNull();
  });

  it('the body: the message in the channel (under its thread), the app’s own name, no link previews', () => {
    const body = chatPostMessageBody(
      { text: 'New ticket', username: 'Shop', icon_url: 'https://x.example/a.png' },
      'C0123ABCD',
      '1.000001',
    );
    expect(body).toEqual({ text: 'New ticket', channel: 'C0123ABCD', thread_ts: '1.000001', unfurl_links: false, unfurl_media: false });
    expect(slackChatPostMessageViolations(body)).toEqual([]);
    expect(chatPostMessageBody({ text: 'x', thread_ts: '9.000001' }, 'C0123ABCD', null).thread_ts).toBeUndefined();
    expect(slackChatPostMessageViolations({ text: 'x', channel: '#general', token: 't' }).map((v) => v.kind)).toEqual([
      'chat.postMessage: channel id',
      'chat.postMessage: unknown argument',
    ]);
  });
});

describe('answers typed in a ticket’s Slack thread', () => {
  const THREAD = '1733400000.000001';
  const world = () => {
    const seen = new Set<string>();
    const replies: { ticket: string; staffId: string; content: string }[] = [];
    const echoes: string[] = [];
    const helpdesk = {
      reply: async (ticket: string, i: { staffId: string; content: string }) => (
        replies.push({ ticket, ...i }),
        { ok: true, ticketId: ticket }
      ),
    } as unknown as HelpdeskPort;
    const deps: SlackEventsDeps = {
      helpdesk,
      links: { U0ALICE01: 'alice' },
      ticketOf: async (channel, ts) => (channel === 'C0TICKETS1' && ts === THREAD ? '42' : null),
      firstSeen: async (id) => !seen.has(id) && !!seen.add(id),
      expectEcho: async (_id, _t, _c, echo) => void echoes.push(echo),
      dropEcho: async () => undefined,
      t: (key) => key,
    };
    return { deps, replies, echoes };
  };
  const message = (e: Record<string, unknown> = {}, id = 'Ev1') => ({
    type: 'event_callback',
    event_id: id,
    event: {
      type: 'message',
      channel: 'C0TICKETS1',
      user: 'U0ALICE01',
      text: 'Done &amp; dusted',
      ts: '1733400001.000001',
      thread_ts: THREAD,
      ...e,
    },
  });

  it('a linked user’s message in the thread answers the ticket once, unescaped; the echo is expected', async () => {
    const { deps, replies, echoes } = world();
    expect((await actOnSlackEvent(message(), deps)).did).toBe('answered');
    expect((await actOnSlackEvent(message(), deps)).did).toBe('retry');
    expect(replies).toEqual([{ ticket: '42', staffId: 'alice', content: 'Done & dusted' }]);
    expect(echoes).toHaveLength(1);
  });

  it('bots, edits, other threads, the thread’s parent and unlinked users change nothing', async () => {
    const { deps, replies } = world();
    for (const e of [
      { bot_id: 'B1' },
      { subtype: 'bot_message' },
      { subtype: 'message_changed' },
      { thread_ts: '1.000002' },
      { ts: THREAD },
      { user: undefined },
    ])
      expect((await actOnSlackEvent(message(e, JSON.stringify(e)), deps)).did).toBe('ignored');
    const stranger = await actOnSlackEvent(message({ user: 'U0EVE0001' }, 'Ev2'), deps);
    expect(stranger).toEqual({
      did: 'refused',
      ephemeral: { channel: 'C0TICKETS1', user: 'U0EVE0001', threadTs: THREAD, text: 'helpdesk.slack.not_linked' },
    });
    expect(replies).toEqual([]);
  });

  it('1,000 hostile event bodies: no throw, and no answer but from a linked user in the ticket’s thread', async () => {
    const body = fc.record(
      {
        type: anyOr(fc.constant('event_callback')),
        event_id: anyOr(fc.constantFrom('Ev1', 'Ev2', '')),
        event: anyOr(
          fc.record(
            {
              type: anyOr(fc.constant('message')),
              subtype: fc.anything(),
              bot_id: fc.anything(),
              user: anyOr(fc.constantFrom('U0ALICE01', 'U0EVE0001')),
              channel: anyOr(fc.constant('C0TICKETS1')),
              ts: fc.anything(),
              thread_ts: anyOr(fc.constant(THREAD)),
              text: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const { deps, replies } = world();
        const out = await actOnSlackEvent(b, deps);
        const e = (b as { event?: Record<string, unknown> }).event ?? {};
        if (replies.length)
          expect([e.user, e.channel, e.thread_ts, e.subtype, e.bot_id, out.did]).toEqual([
            'U0ALICE01',
            'C0TICKETS1',
            THREAD,
            undefined,
            undefined,
            'answered',
          ]);
      }),
      { numRuns: 1000, seed: 26 },
    );
  });
});
