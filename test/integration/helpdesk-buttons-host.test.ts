/**
 * The two-way helpdesk end to end through the reference host, the outbound half included: a
 * customer opens a ticket on the host's support page; its message reaches a local Discord-like
 * receiver with Reply, Claim and Close (checked against Discord's OpenAPI, sent with
 * `?with_components=true`); Discord's signed interactions on those buttons (signed here with a key
 * pair made as Discord makes its) answer the ticket, claim it and close it on the host, the
 * message's row coming back in its new state. The answer shows on the staff page and the
 * customer's page, and the chat answer's own ticket.reply reaches the channel once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Host } from '../../host/create-host.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { DiscordForumSink } from '../support/discord-forum-sink.js';
import { discordCallbackViolations, discordViolations } from '../support/platform-contracts.js';
import { startTestHost } from '../fixtures/host-kit.js';
import { helpdeskWithTicket } from '../support/helpdesk-setup.js';
import { waitUntil } from '../faults/wait-until.js';

const pair = crypto.generateKeyPairSync('ed25519');
const publicKey = (pair.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('hex');
const BOT_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';
const APP_ID = '123456789012345678';
const ALICE_DISCORD = '80351110224678912';

interface Button {
  custom_id: string;
  label: string;
  disabled?: boolean;
}
type Row = { type: number; components: Button[] };

describe.each(testDatabaseKinds())('ticket buttons through the reference host on %s', (kind) => {
  let host: Host;
  let varDir: string;
  let drop: () => Promise<void>;
  const sink = new DiscordSink({ limit: 50 });
  /** A forum channel's webhook (a post per ticket): the buttons must follow the ticket into its post. */
  const forum = new DiscordForumSink();
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${host.url}/admin/modules/webhooks/api${path}`, {
      method,
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const interact = async (interaction: unknown) => {
    const body = JSON.stringify(interaction);
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = crypto.sign(null, Buffer.from(ts + body), pair.privateKey).toString('hex');
    const res = await fetch(`${host.url}/hooks/webhooks/discord/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': ts },
      body,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(discordCallbackViolations(answer)).toEqual([]);
    return answer;
  };
  /** A click on the message's button, as Discord sends it: the message (with its row) comes along. */
  const click = (customId: string, components: Row[], id: string) => ({
    type: 3,
    id,
    application_id: APP_ID,
    token: `tok-${id}`,
    data: { custom_id: customId, component_type: 2 },
    member: { user: { id: ALICE_DISCORD, username: 'alice' } },
    message: { id: '1', components },
  });
  const messagesWithRows = () => sink.requests.filter((r) => r.method === 'POST' && Array.isArray(r.json?.components));

  beforeAll(async () => {
    await Promise.all([sink.start(), forum.start()]);
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    // Development: the module may send to the receiver on 127.0.0.1.
    ({ host, varDir } = await startTestHost({ label: `buttons-${kind}`, databaseUrl: db.url, locale: 'en', profile: 'development' }));
    await helpdeskWithTicket(host, { subject: 'Earlier ticket', department: 'Support', priority: 'low', content: 'Before the webhook.' });
    expect((await api('PUT', '/apps/discord', { applicationId: APP_ID, publicKey, botToken: BOT_TOKEN })).status).toBe(200);
    expect((await api('PUT', '/apps/discord/links', { links: { [ALICE_DISCORD]: 'alice' } })).status).toBe(200);
    const created = await api('POST', '/webhooks', {
      name: 'Support desk',
      url: sink.url(777),
      platform: 'discord',
      events: ['ticket.submit', 'ticket.reply', 'ticket.close'],
      options: { helpdeskButtons: true },
    });
    expect(created.status).toBe(201);
    const inForum = await api('POST', '/webhooks', {
      name: 'Support forum',
      url: forum.url(778),
      platform: 'discord',
      events: ['ticket.submit', 'ticket.reply', 'ticket.close'],
      options: { helpdeskButtons: true, threadPerTicket: true },
    });
    expect(inForum.status).toBe(201);
  });
  afterAll(async () => {
    await host?.close();
    await Promise.all([sink.close(), forum.close()]);
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('support page → message with buttons → Reply, Claim, Close from Discord act on the host’s ticket', async () => {
    // The customer opens a ticket on the host's own support page.
    const form = new URLSearchParams({
      firstName: 'Dana',
      lastName: 'Customer',
      email: 'dana@example.com',
      department: 'Support',
      priority: 'high',
      subject: 'Mail server down',
      content: 'No mail since this morning.',
    });
    const opened = await fetch(`${host.url}/support/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(opened.status).toBe(303);
    const [, ticketId, key] = /^\/support\/tickets\/(\d+)\?key=(.+)$/.exec(opened.headers.get('location') ?? '') ?? [];
    expect(ticketId).toBeDefined();

    // Its message reaches the channel with the buttons, as Discord's contract wants it.
    await waitUntil(
      () => messagesWithRows().length === 1,
      () => `received: ${sink.requests.map((r) => r.path).join(', ')}`,
    );
    const posted = messagesWithRows()[0];
    expect(posted.query.with_components).toBe('true');
    expect(discordViolations(posted.json!, posted.query)).toEqual([]);
    const row = (posted.json!.components as Row[])[0];
    expect(row.components.map((b) => [b.custom_id, b.label])).toEqual([
      [`ticket:reply:${ticketId}`, 'Reply'],
      [`ticket:claim:${ticketId}`, 'Claim'],
      [`ticket:close:${ticketId}`, 'Close'],
    ]);
    const rows = posted.json!.components as Row[];

    // Reply: the modal, then its submit answers the ticket as Alice.
    const modal = await interact(click(`ticket:reply:${ticketId}`, rows, '10'));
    expect(modal).toMatchObject({ type: 9, data: { custom_id: `ticket:reply-modal:${ticketId}` } });
    const answered = await interact({
      type: 5,
      id: '11',
      application_id: APP_ID,
      token: 'tok-11',
      data: {
        custom_id: `ticket:reply-modal:${ticketId}`,
        components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value: 'Restarted the mail server.' }] }],
      },
      member: { user: { id: ALICE_DISCORD, username: 'alice' } },
    });
    expect(answered).toMatchObject({ type: 4, data: { content: `Answer sent on ticket #${ticketId}.`, flags: 64 } });
    const staffPage = await (
      await fetch(`${host.url}/admin/tickets/${ticketId}`, { headers: { authorization: `Bearer ${host.adminToken}` } })
    ).text();
    expect(staffPage).toContain('Restarted the mail server.');
    const customerPage = await (await fetch(`${host.url}/support/tickets/${ticketId}?key=${key}`)).text();
    expect(customerPage).toContain('Restarted the mail server.');

    // Claim: the host assigns Alice; the message's row says so.
    const claimed = await interact(click(`ticket:claim:${ticketId}`, rows, '12'));
    expect(claimed.type).toBe(7);
    const claimedRow = (claimed.data as { components: Row[] }).components;
    expect(claimedRow[0].components.map((b) => [b.label, b.disabled])).toEqual([
      ['Reply', false],
      ['Claimed by Alice (staff)', true],
      ['Close', false],
    ]);
    expect((await host.helpdesk.ticket(Number(ticketId)))?.assignedStaffId).toBe('alice');

    // Close: refused without the permission (nothing changes), done with it.
    const refused = await interact(click(`ticket:close:${ticketId}`, claimedRow, '13'));
    expect(refused).toMatchObject({ type: 4, data: { flags: 64 } });
    expect((await host.helpdesk.ticket(Number(ticketId)))?.status).not.toBe('closed');
    await host.helpdesk.saveStaff({ id: 'alice', name: 'Alice (staff)', email: null, permissions: ['*'], active: true });
    const closed = await interact(click(`ticket:close:${ticketId}`, claimedRow, '14'));
    expect(closed.type).toBe(7);
    const closedRow = (closed.data as { components: Row[] }).components[0].components;
    expect(closedRow.map((b) => [b.label, b.disabled])).toEqual([
      ['Reply', true],
      ['Claimed by Alice (staff)', true],
      ['Closed by Alice (staff)', true],
    ]);
    expect((await host.helpdesk.ticket(Number(ticketId)))?.status).toBe('closed');

    // The chat answer's ticket.reply and the close reach the channel once each: no echo, no repeat.
    await waitUntil(
      () => sink.requests.filter((r) => r.method === 'POST').length >= 3,
      () => `received: ${sink.requests.length}`,
    );
    const texts = sink.requests.filter((r) => r.method === 'POST').map((r) => String(r.json?.content ?? ''));
    expect(texts.filter((c) => c.includes('Restarted the mail server.'))).toHaveLength(1);
    const replyMessage = sink.requests.find((r) => String(r.json?.content ?? '').includes('Restarted the mail server.'))!;
    expect(discordViolations(replyMessage.json!, replyMessage.query)).toEqual([]);
    // The close carries no buttons: nothing is left to do on a closed ticket.
    const last = sink.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect(last.json?.components).toBeUndefined();
  });

  it('in a forum channel, the ticket’s post and every message in it carry the buttons, sent with_components', async () => {
    await waitUntil(
      () => [...forum.posts.values()].some((p) => p.messages.length >= 3),
      () => `posts: ${JSON.stringify([...forum.posts.values()].map((p) => [p.name, p.messages.length]))}`,
    );
    const post = [...forum.posts.values()].find((p) => p.messages.length >= 3)!;
    const ticketId = /#(\d+)/.exec(post.name)?.[1];
    // Submit and the chat answer carry the ticket's row; the close carries none.
    expect(post.messages.map((m) => (m.body.components as Row[] | undefined)?.[0].components[1].custom_id ?? null)).toEqual([
      `ticket:claim:${ticketId}`,
      `ticket:claim:${ticketId}`,
      null,
    ]);
    const sent = forum.requests.filter((r) => r.method === 'POST');
    for (const r of sent)
      expect([r.query.with_components ?? null, discordViolations(r.json!, r.query)]).toEqual([r.json?.components ? 'true' : null, []]);
    // Every message after the first went into the ticket's post.
    expect(sent.slice(1).every((r) => r.query.thread_id === post.id)).toBe(true);
  });
});
