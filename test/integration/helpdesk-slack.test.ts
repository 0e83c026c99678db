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
import { helpdeskWithTicket } from '../support/helpdesk-setup.js';
import { waitUntil } from '../faults/wait-until.js';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('Slack interactions', () => {
  let host: Host;
  let varDir: string;
  let receiver: http.Server;
  let responseUrl = '';
  const told: Array<Record<string, unknown>> = [];
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
        told.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    responseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/actions/T1/2/abc`;
    ({ host, varDir } = await startTestHost({ label: 'slack', locale: 'en', profile: 'development' }));
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
});
