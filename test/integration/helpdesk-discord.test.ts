/**
 * Staff answer, claim and close a ticket from Discord, end to end through the reference host:
 * the admin connects the Discord application (its secrets never read back) and links a Discord
 * user to a staff account; Discord's signed interactions (signed here with a key pair made as
 * Discord makes its) reach `POST /hooks/webhooks/discord/interactions` without any admin
 * credential; the answer shows on the CMS's staff page and the customer's page, and the host
 * emits its usual events. A request with a bad signature changes nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Host } from '../../host/create-host.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { discordCallbackViolations, discordEditViolations } from '../support/platform-contracts.js';
import { startTestHost, type LogSink } from '../fixtures/host-kit.js';
import { helpdeskWithTicket } from '../support/helpdesk-setup.js';

const pair = crypto.generateKeyPairSync('ed25519');
const publicKey = (pair.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('hex');
const BOT_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';
const APP_ID = '123456789012345678';
const ALICE_DISCORD = '80351110224678912';

describe.each(testDatabaseKinds())('Discord interactions on %s', (kind) => {
  let host: Host;
  let varDir: string;
  let logs: LogSink;
  let drop: () => Promise<void>;
  /** A stand-in for Discord's API (DISCORD_API_BASE): what the module sends it, in order. */
  let discordApi: http.Server;
  const apiCalls: Array<{ method: string; url: string; authorization?: string; body: Record<string, unknown> }> = [];
  let onApiCall: () => void = () => undefined;
  let ticketId = '';
  let key = '';
  const events: string[] = [];
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${host.url}/admin/modules/webhooks/api${path}`, {
      method,
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const interact = async (interaction: unknown, opts: { tamper?: boolean } = {}) => {
    const body = JSON.stringify(interaction);
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = crypto.sign(null, Buffer.from(ts + body), pair.privateKey).toString('hex');
    const res = await fetch(`${host.url}/hooks/webhooks/discord/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': ts },
      body: opts.tamper ? body.replace('Restarted', 'Hijacked') : body,
    });
    return {
      status: res.status,
      body: res.headers.get('content-type')?.includes('json') ? ((await res.json()) as Record<string, unknown>) : await res.text(),
    };
  };
  // Each click is its own interaction (its own id): the same id again is a retried delivery.
  let clicks = 0;
  const button = (action: string, user = ALICE_DISCORD) => ({
    type: 3,
    id: String(1300000000000000000n + BigInt(++clicks)),
    application_id: APP_ID,
    token: 'tok',
    data: { custom_id: `ticket:${action}:${ticketId}`, component_type: 2 },
    member: { user: { id: user, username: 'alice' } },
  });

  beforeAll(async () => {
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    discordApi = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        apiCalls.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
        onApiCall();
      });
    });
    await new Promise<void>((resolve) => discordApi.listen(0, '127.0.0.1', resolve));
    const apiBase = `http://127.0.0.1:${(discordApi.address() as AddressInfo).port}/api/v10`;
    ({ host, varDir, logs } = await startTestHost({
      label: `discord-${kind}`,
      databaseUrl: db.url,
      locale: 'en',
      chatApiBases: { discord: apiBase },
    }));
    host.bus.onAny((name) => void events.push(String(name)));
    ({ ticketId, key } = await helpdeskWithTicket(host, {
      subject: 'VPS down',
      department: 'Support',
      priority: 'high',
      content: 'Nothing answers.',
    }));
  });
  afterAll(async () => {
    await host?.close();
    await new Promise((resolve) => discordApi?.close(resolve));
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('answers 503 until the application is connected, then keeps its secrets to itself', async () => {
    expect((await interact({ type: 1 })).status).toBe(503);
    const bad = await api('PUT', '/apps/discord', { applicationId: 'abc', publicKey: 'xyz', botToken: 'not a token' });
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    expect(badText).not.toContain('not a token');
    expect(
      JSON.parse(badText)
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['applicationId', 'botToken', 'publicKey']);
    const ok = await api('PUT', '/apps/discord', { applicationId: APP_ID, publicKey, botToken: BOT_TOKEN });
    expect(ok.status).toBe(200);
    const shown = await (await api('GET', '/apps/discord')).text();
    for (const secret of [BOT_TOKEN, publicKey, BOT_TOKEN.split('.')[2]]) expect(shown).not.toContain(secret);
    expect(JSON.parse(shown)).toEqual({ applicationId: APP_ID, publicKeySet: true, botTokenSet: true, links: {} });
    // Stored sealed: neither secret is in the database in clear.
    const rows = JSON.stringify(await host.db('host_settings').where({ scope: 'webhooks' }));
    expect(rows).not.toContain(BOT_TOKEN);
    expect(rows).not.toContain(publicKey);
    expect((await api('PUT', '/apps/discord/links', { links: { [ALICE_DISCORD]: 'nobody' } })).status).toBe(400);
    expect((await api('PUT', '/apps/discord/links', { links: { [ALICE_DISCORD]: 'alice' } })).status).toBe(200);
  });

  it('answers PING with PONG, and 401 to a bad signature (Discord’s own endpoint check)', async () => {
    const pong = await interact({ type: 1 });
    expect(pong).toEqual({ status: 200, body: { type: 1 } });
    const forged = await interact({ type: 1, note: 'Restarted' }, { tamper: true });
    expect(forged.status).toBe(401);
  });

  it('Reply → modal → submit: the answer is on the ticket in the CMS, and ticket.reply is emitted', async () => {
    const modal = await interact(button('reply'));
    expect(modal.status).toBe(200);
    expect(discordCallbackViolations(modal.body as Record<string, unknown>)).toEqual([]);
    expect(modal.body).toMatchObject({ type: 9, data: { custom_id: `ticket:reply-modal:${ticketId}` } });
    const before = events.filter((e) => e === 'ticket.reply').length;
    // A tampered submit is refused and writes nothing.
    const submit = {
      type: 5,
      id: '2',
      application_id: APP_ID,
      token: 'tok',
      data: {
        custom_id: `ticket:reply-modal:${ticketId}`,
        components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value: 'Restarted, it answers again.' }] }],
      },
      member: { user: { id: ALICE_DISCORD, username: 'alice' } },
    };
    expect((await interact(submit, { tamper: true })).status).toBe(401);
    const done = await interact(submit);
    expect(done.body).toEqual({
      type: 4,
      data: { content: `Answer sent on ticket #${ticketId}.`, flags: 64, allowed_mentions: { parse: [] } },
    });
    expect(events.filter((e) => e === 'ticket.reply').length).toBe(before + 1);
    // Exactly once: the same signed submit delivered again is answered, and acts no more.
    const again = await interact(submit);
    expect(again.body).toEqual({
      type: 4,
      data: { content: 'This action was already handled.', flags: 64, allowed_mentions: { parse: [] } },
    });
    expect(discordCallbackViolations(again.body as Record<string, unknown>)).toEqual([]);
    expect(events.filter((e) => e === 'ticket.reply').length).toBe(before + 1);
    const messages = await host.helpdesk.messages(Number(ticketId));
    expect(messages.map((m) => [m.authorKind, m.authorName, m.content])).toEqual([
      ['customer', 'Carl Client', 'Nothing answers.'],
      ['staff', 'Alice (staff)', 'Restarted, it answers again.'],
    ]);
    const staffPage = await (
      await fetch(`${host.url}/admin/tickets/${ticketId}`, { headers: { authorization: `Bearer ${host.adminToken}` } })
    ).text();
    expect(staffPage).toContain('Restarted, it answers again.');
    const customerPage = await (await fetch(`${host.url}/support/tickets/${ticketId}?key=${key}`)).text();
    expect(customerPage).toContain('Restarted, it answers again.');
  });

  it('Claim assigns; Close is refused without the permission, and an unlinked Discord user can do nothing', async () => {
    const claimed = await interact(button('claim'));
    expect((claimed.body as { data: { content: string } }).data.content).toBe(`You took ticket #${ticketId}.`);
    expect((await host.helpdesk.ticket(Number(ticketId)))?.assignedStaffId).toBe('alice');
    const refused = await interact(button('close'));
    expect((refused.body as { data: { content: string } }).data.content).toMatch(
      /^Not allowed: Alice \(staff\) may not do this \(needs tickets\.close\)$/,
    );
    const stranger = await interact(button('close', '99999999999999999'));
    expect((stranger.body as { data: { content: string } }).data.content).toMatch(/is not linked to a staff account/);
    expect((await host.helpdesk.ticket(Number(ticketId)))?.status).toBe('answered');
    await host.helpdesk.saveStaff({ id: 'alice', name: 'Alice (staff)', email: null, permissions: ['*'], active: true });
    const close = button('close');
    const closed = await interact(close);
    expect((closed.body as { data: { content: string } }).data.content).toBe(`Ticket #${ticketId} closed.`);
    // The same click delivered twice closes once (one ticket.close below).
    expect((await interact(close)).body).toMatchObject({ type: 4, data: { content: 'This action was already handled.' } });
    expect((await host.helpdesk.ticket(Number(ticketId)))?.status).toBe('closed');
    expect(events.filter((e) => e.startsWith('ticket.'))).toEqual(['ticket.submit', 'ticket.reply', 'ticket.assigned', 'ticket.close']);
  });

  it('every action from Discord is in the audit trail: the Discord user as given, the staff account, the ticket', async () => {
    const res = await api('GET', '/audit');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: Array<{ actor: string; action: string; webhookId: null; details: Record<string, unknown> }>;
    };
    const chat = items.filter((e) => e.action.startsWith('helpdesk.')).reverse();
    const who = { platform: 'discord', chatUserId: ALICE_DISCORD, chatUserName: 'alice', staffId: 'alice', ticketId };
    expect(chat.map((e) => [e.action, e.details])).toEqual([
      ['helpdesk.reply', { ...who, ok: true }],
      ['helpdesk.claim', { ...who, ok: true }],
      ['helpdesk.close', { ...who, ok: false, reason: 'forbidden' }],
      ['helpdesk.close', { ...who, ok: true }],
    ]);
    expect(chat[0].actor).toBe('alice (discord: alice)');
    expect(chat.every((e) => e.webhookId === null)).toBe(true);
    // The audit page shows them too.
    const page = await (
      await fetch(`${host.url}/admin/modules/webhooks/audit`, { headers: { authorization: `Bearer ${host.adminToken}` } })
    ).text();
    expect(page).toContain('Ticket closed from a chat');
    expect(page).toContain(`ticket #${ticketId}`);
  });

  it('a helpdesk slower than Discord’s 3 s allow: a deferred answer at once, then the outcome edits @original', async () => {
    const opened = await host.helpdesk.open({
      subject: 'Slow disk',
      department: 'Support',
      priority: 'low',
      content: 'It is slow.',
      customer: { firstName: 'Carl', lastName: 'Client', email: 'carl@example.com' },
    });
    const slowId = String(opened.ticket.id);
    // The host's assign is held until the test lets it go: past the module's 2 s budget.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const assign = host.helpdesk.assign.bind(host.helpdesk);
    host.helpdesk.assign = async (...args: Parameters<typeof assign>) => (await held, assign(...args));
    const token = 'aW50ZXJhY3Rpb246MTMwMDAwMDAwMDAwMDAwMDA5OTpzZWNyZXQtdG9rZW4';
    try {
      const called = new Promise<void>((resolve) => (onApiCall = resolve));
      const deferred = await interact({ ...button('claim'), token, data: { custom_id: `ticket:claim:${slowId}`, component_type: 2 } });
      expect(deferred).toEqual({ status: 200, body: { type: 5, data: { flags: 64 } } });
      expect(discordCallbackViolations(deferred.body as Record<string, unknown>)).toEqual([]);
      expect(apiCalls).toEqual([]);
      release();
      await called;
      expect(apiCalls).toEqual([
        {
          method: 'PATCH',
          url: `/api/v10/webhooks/${APP_ID}/${token}/messages/@original`,
          authorization: undefined,
          body: { content: `You took ticket #${slowId}.`, allowed_mentions: { parse: [] } },
        },
      ]);
      expect(discordEditViolations(apiCalls[0].body)).toEqual([]);
      expect((await host.helpdesk.ticket(Number(slowId)))?.assignedStaffId).toBe('alice');
      // The interaction token is a credential: in no log line.
      expect(JSON.stringify(logs.lines)).not.toContain(token);
    } finally {
      delete (host.helpdesk as { assign?: unknown }).assign;
    }
  });
});
