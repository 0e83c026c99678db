/**
 * Staff answer, claim and close a ticket from Slack, end to end through the reference host (in
 * the development profile, so Slack's `response_url` may be a receiver this test starts on
 * 127.0.0.1): the Events URL check, signed interactions (signed here as Slack signs them), the
 * answer on the CMS's ticket, and the outcome told back to the user who acted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Host } from '../../host/create-host.js';
import { startTestHost } from '../fixtures/host-kit.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { helpdeskWithTicket } from '../support/helpdesk-setup.js';
import { waitUntil } from '../faults/wait-until.js';
import { slackLikeViolations, slackModalViolations } from '../support/platform-contracts.js';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('Slack interactions', () => {
  let host: Host;
  let varDir: string;
  let receiver: http.Server;
  let responseUrl = '';
  const told: Array<Record<string, unknown>> = [];
  /** Calls to the local stand-in for Slack's Web API (SLACK_API_BASE), and what it answers next. */
  const apiCalls: Array<{ path: string; authorization: string; body: Record<string, unknown> }> = [];
  let apiAnswer: Record<string, unknown> = { ok: true };
  let ticketId = '';

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${host.url}/admin/modules/webhooks/api${path}`, {
      method,
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const signed = (path: string, body: string, contentType: string, secret = SECRET) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
    return fetch(`${host.url}/hooks/webhooks/slack${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
      body,
    });
  };
  const act = (action: Record<string, unknown>, user = 'U0ALICE01', secret = SECRET) =>
    signed(
      '/interactions',
      'payload=' +
        encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: user }, response_url: responseUrl, actions: [action] })),
      'application/x-www-form-urlencoded',
      secret,
    );

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url?.startsWith('/api/')) {
          apiCalls.push({
            path: req.url,
            authorization: String(req.headers.authorization),
            body: JSON.parse(body) as Record<string, unknown>,
          });
          res.setHeader('content-type', 'application/json');
          return res.end(JSON.stringify(apiAnswer));
        }
        told.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    responseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/actions/T1/2/abc`;
    const origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    ({ host, varDir } = await startTestHost({
      label: 'slack',
      locale: 'en',
      profile: 'development',
      chatApiBases: { slack: `${origin}/api` },
    }));
    ({ ticketId } = await helpdeskWithTicket(host, {
      subject: 'Invoice question',
      department: 'Billing',
      priority: 'low',
      content: 'Why two lines?',
    }));
  });
  afterAll(async () => {
    await host?.close();
    await new Promise((r) => receiver?.close(r));
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('answers 503 until connected; keeps the signing secret to itself; refuses unknown users and staff', async () => {
    expect((await signed('/events', '{"type":"url_verification","challenge":"c"}', 'application/json')).status).toBe(503);
    expect((await api('PUT', '/apps/slack', { signingSecret: 'short' })).status).toBe(400);
    expect((await api('PUT', '/apps/slack', { signingSecret: SECRET })).status).toBe(200);
    const shown = await (await api('GET', '/apps/slack')).text();
    expect(shown).not.toContain(SECRET);
    expect(JSON.parse(shown)).toEqual({ signingSecretSet: true, botTokenSet: false, links: {} });
    expect((await api('PUT', '/apps/slack/links', { links: { 'not-a-user': 'alice' } })).status).toBe(400);
    expect((await api('PUT', '/apps/slack/links', { links: { U0ALICE01: 'nobody' } })).status).toBe(400);
    expect((await api('PUT', '/apps/slack/links', { links: { U0ALICE01: 'alice' } })).status).toBe(200);
  });

  it('answers the Events URL check, and 401 to a bad signature', async () => {
    const check = await signed(
      '/events',
      '{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}',
      'application/json',
    );
    expect(await check.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect((await act({ action_id: `ticket:claim:${ticketId}` }, 'U0ALICE01', 'f'.repeat(32))).status).toBe(401);
    expect((await host.helpdesk.ticket(Number(ticketId)))?.assignedStaffId).toBeNull();
  });

  it('an answer typed in Slack lands on the ticket; claim and a refused close are told to the user', async () => {
    const res = await act({ action_id: `ticket:reply:${ticketId}`, type: 'plain_text_input', value: 'One line per service.' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await waitUntil(
      () => told.length === 1,
      () => `told: ${JSON.stringify(told)}`,
    );
    expect(told[0]).toEqual({ response_type: 'ephemeral', replace_original: false, text: `Answer sent on ticket #${ticketId}.` });
    expect((await host.helpdesk.messages(Number(ticketId))).map((m) => [m.authorName, m.content])).toEqual([
      ['Carl Client', 'Why two lines?'],
      ['Alice (staff)', 'One line per service.'],
    ]);
    await act({ action_id: `ticket:claim:${ticketId}`, type: 'button' });
    await act({ action_id: `ticket:close:${ticketId}`, type: 'button' });
    await act({ action_id: `ticket:close:${ticketId}`, type: 'button' }, 'U0STRANGER');
    await waitUntil(
      () => told.length === 4,
      () => `told: ${JSON.stringify(told)}`,
    );
    expect(told.slice(1).map((m) => m.text)).toEqual(
      expect.arrayContaining([
        `You took ticket #${ticketId}.`,
        'Not allowed: Alice (staff) may not do this (needs tickets.close)',
        expect.stringMatching(/^Your Slack account \(U0STRANGER\) is not linked/),
      ]),
    );
    const ticket = await host.helpdesk.ticket(Number(ticketId));
    expect([ticket?.status, ticket?.assignedStaffId]).toEqual(['answered', 'alice']);
  });

  it('with a bot token, Reply opens a modal through views.open; its submit answers the ticket; a refused modal says so', async () => {
    const BOT = 'xoxb-1234567890-abcdefghijklmnop';
    expect((await api('PUT', '/apps/slack', { botToken: 'xoxp-not-a-bot' })).status).toBe(400);
    expect((await api('PUT', '/apps/slack', { botToken: BOT })).status).toBe(200);
    const shown = await (await api('GET', '/apps/slack')).text();
    expect(shown).not.toContain(BOT);
    expect(JSON.parse(shown)).toMatchObject({ signingSecretSet: true, botTokenSet: true });
    // The ticket is open again for this part (the test before closed nothing: Alice may not close).
    const reply = (trigger: string) =>
      signed(
        '/interactions',
        'payload=' +
          encodeURIComponent(
            JSON.stringify({
              type: 'block_actions',
              user: { id: 'U0ALICE01' },
              trigger_id: trigger,
              response_url: responseUrl,
              actions: [{ action_id: `ticket:reply:${ticketId}`, type: 'button', value: ticketId }],
            }),
          ),
        'application/x-www-form-urlencoded',
      );
    expect((await reply('111.222.aaa')).status).toBe(200);
    await waitUntil(
      () => apiCalls.length === 1,
      () => `api calls: ${JSON.stringify(apiCalls)}`,
    );
    expect(apiCalls[0].path).toBe('/api/views.open');
    expect(apiCalls[0].authorization).toBe(`Bearer ${BOT}`);
    expect(apiCalls[0].body.trigger_id).toBe('111.222.aaa');
    const view = apiCalls[0].body.view as Record<string, unknown>;
    expect(slackModalViolations(view)).toEqual([]);

    const submit = (value: string, user = 'U0ALICE01') =>
      signed(
        '/interactions',
        'payload=' +
          encodeURIComponent(
            JSON.stringify({
              type: 'view_submission',
              user: { id: user },
              view: { ...view, state: { values: { 'ticket-answer': { content: { type: 'plain_text_input', value } } } } },
            }),
          ),
        'application/x-www-form-urlencoded',
      );
    const ok = await submit('Sent from the modal.');
    expect([ok.status, await ok.text()]).toEqual([200, '']);
    expect((await host.helpdesk.messages(Number(ticketId))).at(-1)?.content).toBe('Sent from the modal.');
    const refused = await submit('Not me.', 'U0STRANGER');
    expect(await refused.json()).toEqual({
      response_action: 'errors',
      errors: { 'ticket-answer': expect.stringMatching(/^Your Slack account \(U0STRANGER\) is not linked/) },
    });
    expect((await host.helpdesk.messages(Number(ticketId))).at(-1)?.content).toBe('Sent from the modal.');

    // Slack refuses the modal (an expired trigger): the user is told to use the answer field.
    apiAnswer = { ok: false, error: 'expired_trigger_id' };
    const before = told.length;
    await reply('333.444.bbb');
    await waitUntil(
      () => told.length === before + 1,
      () => `told: ${JSON.stringify(told.slice(before))}`,
    );
    expect(String(told.at(-1)?.text)).toContain('expired_trigger_id');
    apiAnswer = { ok: true };
  });

  it('a claim on a message with the buttons replaces it in its new state on response_url', async () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'New ticket' } },
      { type: 'actions', block_id: 'ticket-actions', elements: [] },
    ];
    const before = told.length;
    await signed(
      '/interactions',
      'payload=' +
        encodeURIComponent(
          JSON.stringify({
            type: 'block_actions',
            user: { id: 'U0ALICE01' },
            response_url: responseUrl,
            message: { text: 'New ticket', blocks },
            actions: [{ action_id: `ticket:claim:${ticketId}`, type: 'button' }],
          }),
        ),
      'application/x-www-form-urlencoded',
    );
    await waitUntil(
      () => told.length === before + 1,
      () => `told: ${JSON.stringify(told.slice(before))}`,
    );
    const update = told.at(-1)!;
    expect(update.replace_original).toBe(true);
    const { replace_original: _r, ...message } = update;
    void _r;
    expect(slackLikeViolations('slack', message)).toEqual([]);
    const ids = (update.blocks as { block_id?: string; type: string }[]).map((b) => b.block_id ?? b.type);
    expect(ids).toEqual(['section', 'ticket-claimed', 'ticket-actions', 'ticket-answer']);
  });
});

describe.each(testDatabaseKinds())('Slack interactions act once, and are audited, on %s', (kind) => {
  let host: Host;
  let varDir: string;
  let drop: () => Promise<void>;
  let ticketId = '';
  const events: string[] = [];
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${host.url}/admin/modules/webhooks/api${path}`, {
      method,
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** The very same signed form body, posted as Slack would post it again. */
  const post = (payload: Record<string, unknown>) => {
    const body = 'payload=' + encodeURIComponent(JSON.stringify(payload));
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = 'v0=' + crypto.createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex');
    const send = () =>
      fetch(`${host.url}/hooks/webhooks/slack/interactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        body,
      });
    return { send };
  };
  const alice = { id: 'U0ALICE01', username: 'alice.s', name: 'alice.s', team_id: 'T0001' };

  beforeAll(async () => {
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    ({ host, varDir } = await startTestHost({ label: `slack-once-${kind}`, databaseUrl: db.url, locale: 'en' }));
    host.bus.onAny((name) => void events.push(String(name)));
    ({ ticketId } = await helpdeskWithTicket(host, { subject: 'Twice?', department: 'Billing', priority: 'low', content: 'Once please.' }));
    expect((await api('PUT', '/apps/slack', { signingSecret: SECRET })).status).toBe(200);
    expect((await api('PUT', '/apps/slack/links', { links: { U0ALICE01: 'alice' } })).status).toBe(200);
  });
  afterAll(async () => {
    await host?.close();
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('the same block_actions delivered twice (same trigger_id) answers and claims once', async () => {
    const claim = post({
      type: 'block_actions',
      user: alice,
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
      actions: [{ action_id: `ticket:claim:${ticketId}`, type: 'button', action_ts: '1764900000.000100' }],
    });
    for (const _ of [1, 2]) expect((await claim.send()).status).toBe(200);
    expect(events.filter((e) => e === 'ticket.assigned')).toHaveLength(1);
    const answer = post({
      type: 'block_actions',
      user: alice,
      trigger_id: '13345224609.738474920.9999930838d88f008e1',
      actions: [{ action_id: `ticket:reply:${ticketId}`, type: 'plain_text_input', value: 'Only once.' }],
    });
    for (const _ of [1, 2]) expect((await answer.send()).status).toBe(200);
    const submit = post({
      type: 'view_submission',
      user: alice,
      trigger_id: '13345224609.738474920.7777730838d88f008e2',
      view: {
        callback_id: `ticket:reply-modal:${ticketId}`,
        state: { values: { 'ticket-answer': { content: { type: 'plain_text_input', value: 'From the modal, once.' } } } },
      },
    });
    for (const _ of [1, 2]) expect([(await submit.send()).status]).toEqual([200]);
    expect((await host.helpdesk.messages(Number(ticketId))).map((m) => m.content)).toEqual([
      'Once please.',
      'Only once.',
      'From the modal, once.',
    ]);
    expect(events.filter((e) => e === 'ticket.reply')).toHaveLength(2);
  });

  it('each action is in the audit trail with the Slack user as given, the staff account and the ticket', async () => {
    const { items } = (await (await api('GET', '/audit')).json()) as {
      items: Array<{ actor: string; action: string; details: Record<string, unknown> }>;
    };
    const who = { platform: 'slack', chatUserId: 'U0ALICE01', chatUserName: 'alice.s', staffId: 'alice', ticketId, ok: true };
    expect(
      items
        .filter((e) => e.action.startsWith('helpdesk.'))
        .reverse()
        .map((e) => [e.action, e.actor, e.details]),
    ).toEqual([
      ['helpdesk.claim', 'alice (slack: alice.s)', who],
      ['helpdesk.reply', 'alice (slack: alice.s)', who],
      ['helpdesk.reply', 'alice (slack: alice.s)', who],
    ]);
  });
});
