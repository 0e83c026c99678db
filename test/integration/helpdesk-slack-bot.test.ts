/**
 * Slack through the app's bot (chat.postMessage), end to end through the reference host on each
 * database: a ticket opened on the host is posted by the app into its channel, the ticket's later
 * messages go under it (`thread_ts` = the first message's `ts`, as the stand-in for Slack's Web
 * API answered it), and a staff member's answer typed in that thread (a signed Events API
 * `message` event, shaped as @slack/types' GenericMessageEvent) answers the ticket on the host —
 * once, even when Slack retries the event — without being posted back into the thread.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { GenericMessageEvent } from '@slack/types';
import type { Host } from '../../host/create-host.js';
import { startTestHost, type LogSink } from '../fixtures/host-kit.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';

type DatabaseKind = ReturnType<typeof testDatabaseKinds>[number];
import { adminApi, helpdeskWithTicket, slackAppWebhook } from '../support/helpdesk-setup.js';
import { slackChatPostMessageViolations } from '../support/platform-contracts.js';
import { SlackWebApiFake } from '../support/slack-web-api-fake.js';
import { waitUntil } from '../faults/wait-until.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const BOT_TOKEN = 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const CHANNEL = 'C0TICKETS1';
const ALICE = 'U0ALICE01';

/**
 * Each database with the engine on the host's thread (`delivery.engineThread: false`), and SQLite
 * with the setting unset: the engine then runs on its own thread (it asks the host's thread for the token).
 */
const worlds: [DatabaseKind, 'host thread' | 'default'][] = [
  ...testDatabaseKinds().map((k): [DatabaseKind, 'host thread'] => [k, 'host thread']),
  [testDatabaseKinds()[0], 'default'],
];

describe.each(worlds)('Slack tickets posted by the app, answered in their thread, on %s (engine: %s)', (kind, placement) => {
  let host: Host;
  let logs: LogSink;
  let varDir: string;
  let drop: () => Promise<void>;
  const slack = new SlackWebApiFake(BOT_TOKEN, [CHANNEL]);
  let ticketId = '';
  let threadTs = '';
  let seq = 0;

  const api = (method: string, path: string, body?: unknown) => adminApi(host)(method, path, body);
  /** An Events API callback, signed as Slack signs it. */
  const event = (e: GenericMessageEvent | Record<string, unknown>, eventId: string, retry?: number) => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0001',
      api_app_id: 'A0001',
      event: e,
      event_id: eventId,
      event_time: 1,
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = 'v0=' + crypto.createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-slack-signature': signature,
      'x-slack-request-timestamp': ts,
    };
    if (retry) Object.assign(headers, { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' });
    return fetch(`${host.url}/hooks/webhooks/slack/events`, { method: 'POST', headers, body });
  };
  /** A person's message in the ticket's thread. */
  const inThread = (user: string, text: string): GenericMessageEvent => {
    const ts = `1733500000.${String(++seq).padStart(6, '0')}`;
    return {
      type: 'message',
      subtype: undefined,
      channel: CHANNEL,
      user,
      text,
      ts,
      event_ts: ts,
      thread_ts: threadTs,
      channel_type: 'channel',
    };
  };
  const staffMessages = async () => (await host.helpdesk.messages(Number(ticketId))).filter((m) => m.authorKind === 'staff');
  /** The ticket's messages: its first one and those in its thread. */
  const ticketPosts = () => slack.posts(CHANNEL).filter((c) => c.answer.ts === threadTs || c.body.thread_ts === threadTs);
  const postedTexts = () => ticketPosts().map((c) => String(c.body.text));

  beforeAll(async () => {
    await slack.start();
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    ({ host, logs, varDir } = await startTestHost({
      label: `slack-bot-${kind}`,
      databaseUrl: db.url,
      locale: 'en',
      profile: 'development',
      chatApiBases: { slack: slack.url },
    }));
    await helpdeskWithTicket(host, { subject: 'Before the webhook', department: 'Support', priority: 'low', content: 'Earlier.' });
    if (placement === 'host thread') {
      await host.db('host_settings').insert({ scope: 'webhooks', key: 'delivery.engineThread', value: 'false', updated_at: Date.now() });
      await host.modules.disable('webhooks');
      expect((await host.modules.enable('webhooks')).error).toBeFalsy();
    } else {
      // Unset, the setting leaves the engine on its own thread: it started there, with no fallback.
      expect(logs.having(/delivery engine runs on its own thread/)).toHaveLength(1);
      expect(logs.having(/delivery engine runs on the host thread/)).toEqual([]);
    }
    await slackAppWebhook(host, { signingSecret: SECRET, botToken: BOT_TOKEN, slackUser: ALICE, apiBase: slack.url, channel: CHANNEL });
  });
  afterAll(async () => {
    await host?.close();
    await slack.close();
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('posts a new ticket with chat.postMessage and the bot token (after Slack’s ratelimited), in the channel, as Slack’s contract wants', async () => {
    slack.rateLimitNext = 1;
    const opened = await host.helpdesk.open({
      subject: 'Mail server down',
      department: 'Support',
      priority: 'high',
      content: 'No mail since this morning.',
      customer: { firstName: 'Dana', lastName: 'Customer', email: 'dana@example.com' },
    });
    ticketId = String(opened.ticket.id);
    const mine = () => slack.posts(CHANNEL).filter((c) => String(c.body.text).includes('Mail server down'));
    await waitUntil(
      () => mine().length === 1,
      () => `calls: ${JSON.stringify(slack.calls.map((c) => [c.method, c.answer.error ?? c.answer.ts]))}`,
    );
    // Slack's 429 came first: the message was sent again after Retry-After, not lost nor doubled.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')[0].answer).toEqual({ ok: false, error: 'ratelimited' });
    const [first] = mine();
    expect(first.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(first.body.thread_ts).toBeUndefined();
    expect(first.body.text).toContain('Mail server down');
    expect(slackChatPostMessageViolations(first.body)).toEqual([]);
    // The ticket's buttons travel with it (the app's message is interactive like a webhook's).
    expect(JSON.stringify(first.body.blocks)).toContain(`ticket:claim:${ticketId}`);
    threadTs = String(first.answer.ts);
    expect(threadTs).toMatch(/^\d+\.\d{6}$/);
  });

  it('puts the ticket’s later messages in its thread (thread_ts = the first message’s ts)', async () => {
    // A staff answer given on the host (not from Slack): it goes into the thread.
    expect((await host.helpdesk.reply(ticketId, { staffId: 'admin', content: 'Looking into it.' })).ok).toBe(true);
    await waitUntil(
      () => postedTexts().some((t) => t.includes('Looking into it.')),
      () => `posted: ${JSON.stringify(postedTexts())}`,
    );
    const reply = ticketPosts().find((c) => String(c.body.text).includes('Looking into it.'))!;
    expect(reply.body.thread_ts).toBe(threadTs);
    expect(slackChatPostMessageViolations(reply.body)).toEqual([]);
  });

  it('a staff answer typed in the thread answers the ticket once (Slack’s retry acts no more) and is not posted back', async () => {
    const before = (await staffMessages()).length;
    const message = inThread(ALICE, 'Restarted the mail server &amp; checked the queue &lt;ok&gt;.');
    const res = await event(message, 'Ev0ANSWER01');
    expect(res.status).toBe(200);
    // Slack retries the same event (its ack came too late, say): nothing more happens.
    expect((await event(message, 'Ev0ANSWER01', 1)).status).toBe(200);
    expect((await event(message, 'Ev0ANSWER01', 2)).status).toBe(200);
    const staff = await staffMessages();
    expect(staff).toHaveLength(before + 1);
    expect(staff.at(-1)).toMatchObject({ staffId: 'alice', content: 'Restarted the mail server & checked the queue <ok>.' });
    // One audit line for the answer (the retries wrote none): Slack's user id, the staff account, the ticket.
    const audit = (await (await api('GET', '/audit')).json()) as { items: Array<{ action: string; details: Record<string, unknown> }> };
    expect(audit.items.filter((e) => e.action === 'helpdesk.reply').map((e) => e.details)).toEqual([
      { platform: 'slack', chatUserId: ALICE, chatUserName: '', staffId: 'alice', ticketId, ok: true },
    ]);
    // The host's staff page shows it.
    const page = await (
      await fetch(`${host.url}/admin/tickets/${ticketId}`, { headers: { authorization: `Bearer ${host.adminToken}` } })
    ).text();
    expect(page).toContain('Restarted the mail server &amp; checked the queue &lt;ok&gt;.');

    // The close goes out after the answer's ticket.reply in the lane: once it is in the thread,
    // the answer was not posted back (it is already in the thread, typed by Alice).
    expect((await host.helpdesk.close(ticketId, { staffId: 'admin' })).ok).toBe(true);
    await waitUntil(
      () => ticketPosts().length >= 3,
      () => `posted: ${JSON.stringify(postedTexts())}`,
    );
    const posts = ticketPosts();
    expect(posts.at(-1)!.body.thread_ts).toBe(threadTs);
    expect(postedTexts().filter((t) => t.includes('Restarted the mail server'))).toEqual([]);
    expect(posts).toHaveLength(3);
  });

  it('ignores bots, edits and messages outside a ticket’s thread; refuses an unlinked user with an ephemeral notice', async () => {
    const before = (await host.helpdesk.messages(Number(ticketId))).length;
    const bot = { ...inThread(ALICE, 'echo from a bot'), bot_id: 'B0BOT0001' };
    const edit = { ...inThread(ALICE, 'edited'), subtype: 'message_changed' };
    const elsewhere = { ...inThread(ALICE, 'another thread'), thread_ts: '1733400999.000001' };
    const top = { ...inThread(ALICE, 'not in a thread') } as Record<string, unknown>;
    delete top.thread_ts;
    for (const [e, id] of [
      [bot, 'Ev0BOT'],
      [edit, 'Ev0EDIT'],
      [elsewhere, 'Ev0ELSEWHERE'],
      [top, 'Ev0TOP'],
    ] as const)
      expect((await event(e as Record<string, unknown>, id)).status).toBe(200);
    const ephemeralsBefore = slack.calls.filter((c) => c.method === 'chat.postEphemeral').length;
    expect((await event(inThread('U0STRANGER', 'let me in'), 'Ev0STRANGER')).status).toBe(200);
    expect((await event(inThread('U0STRANGER', 'let me in'), 'Ev0STRANGER', 1)).status).toBe(200);
    expect((await host.helpdesk.messages(Number(ticketId))).length).toBe(before);
    await waitUntil(
      () => slack.calls.filter((c) => c.method === 'chat.postEphemeral').length > ephemeralsBefore,
      () => 'no chat.postEphemeral',
    );
    const notices = slack.calls.filter((c) => c.method === 'chat.postEphemeral').slice(ephemeralsBefore);
    expect(notices).toHaveLength(1);
    expect(notices[0].authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(notices[0].body).toMatchObject({ channel: CHANNEL, user: 'U0STRANGER', thread_ts: threadTs });
    expect(String(notices[0].body.text)).toContain('not linked');
  });

  it('a channel Slack does not know disables the webhook with Slack’s reason; the token is never logged', async () => {
    const created = await api('POST', '/webhooks', {
      name: 'Wrong channel',
      url: `${slack.url}/chat.postMessage?channel=C0NOWHERE1`,
      platform: 'slack',
      events: ['ticket.submit'],
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { webhook: { id: number } }).webhook.id;
    await host.helpdesk.open({
      subject: 'Lost',
      department: 'Support',
      priority: 'low',
      content: 'Where does this go?',
      customer: { firstName: 'G', lastName: 'H', email: 'g@example.com' },
    });
    await waitUntil(
      async () => ((await (await api('GET', `/webhooks/${id}`)).json()) as { webhook: { enabled: boolean } }).webhook.enabled === false,
      () => 'the webhook is still enabled',
    );
    const shown = await (await api('GET', `/webhooks/${id}`)).text();
    expect(shown).toContain('channel_not_found');
    expect(JSON.stringify(logs.lines)).toContain('channel_not_found');
    expect(JSON.stringify(logs.lines)).not.toContain(BOT_TOKEN);
    expect(JSON.stringify(logs.lines)).not.toContain('xoxb-');
  });

  it('the Send test goes the way the messages go: chat.postMessage with the bot token', async () => {
    const list = (await (await api('GET', '/webhooks')).json()) as { items: { id: number; name: string }[] };
    const id = list.items.find((w) => w.name === 'Support (Slack app)')!.id;
    const before = slack.posts(CHANNEL).length;
    const res = await api('POST', `/webhooks/${id}/test`, { event: 'order.paid' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'ok', statusCode: 200 });
    const sent = slack.posts(CHANNEL).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(sent[0].body.thread_ts).toBeUndefined();
    expect(slackChatPostMessageViolations(sent[0].body)).toEqual([]);
  });
});
