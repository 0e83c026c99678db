/**
 * The reference host's helpdesk and the public routes modules mount, on every database: a
 * customer opens and answers a ticket on the public pages; a module acts through ctx.helpdesk
 * (reply, claim, close) only as a staff member allowed to; every change is announced with the
 * host's usual events, valid against the sdk's schemas; the public routes get the raw body and
 * keep their limits.
 */
import fs from 'node:fs';
import { validateEvent, type EventName } from '../../sdk/events.js';
import type { Host } from '../../host/create-host.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { Browser, fixtureModule, startTestHost } from '../fixtures/host-kit.js';

describe.each(testDatabaseKinds())('helpdesk on %s', (kind) => {
  let host: Host;
  let varDir: string;
  let drop: () => Promise<void>;
  const events: Array<{ name: string; payload: Record<string, unknown> }> = [];
  let ticketId = 0;
  let key = '';

  beforeAll(async () => {
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    ({ host, varDir } = await startTestHost({ label: `helpdesk-${kind}`, databaseUrl: db.url, locale: 'en' }));
    host.bus.onAny((name, payload) => {
      if (String(name).startsWith('ticket.')) events.push({ name: String(name), payload: payload as Record<string, unknown> });
    });
    await host.modules.installFromFolder(fixtureModule('probe'));
    expect((await host.modules.enable('probe')).error).toBeNull();
  });
  afterAll(async () => {
    await host?.close();
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  const last = (name: string) => [...events].reverse().find((e) => e.name === name)!;
  const hook = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/hooks/probe${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  it('a customer opens a ticket on the public page: ticket.submit, with the staff page’s link', async () => {
    const b = new Browser(host.url);
    const res = await b.form('/support/tickets', {
      firstName: 'Alice',
      lastName: 'Martin',
      email: 'alice@example.com',
      department: 'Billing',
      priority: 'high',
      subject: 'My VPS is down',
      content: 'Since 9:00 <b>nothing</b> answers.',
    });
    expect(res.status).toBe(303);
    const m = /^\/support\/tickets\/(\d+)\?key=([\w-]+)$/.exec(res.headers.get('location') ?? '');
    expect(m).not.toBeNull();
    ticketId = Number(m![1]);
    key = m![2];
    const submit = last('ticket.submit');
    expect(validateEvent('ticket.submit', submit.payload).ok).toBe(true);
    expect(submit.payload).toMatchObject({
      ticket: {
        id: ticketId,
        subject: 'My VPS is down',
        priority: 'high',
        department: { id: 'billing', name: 'Billing' },
        url: `${host.url}/admin/tickets/${ticketId}`,
      },
      message: { content: 'Since 9:00 <b>nothing</b> answers.', author: { name: 'Alice Martin', staff: false } },
    });
    const page = await (await fetch(`${host.url}/support/tickets/${ticketId}?key=${key}`)).text();
    expect(page).toContain('Since 9:00 &lt;b&gt;nothing&lt;/b&gt; answers.');
    // Another key, or none, is no access at all.
    expect((await fetch(`${host.url}/support/tickets/${ticketId}?key=${key.slice(1)}x`)).status).toBe(404);
    expect((await fetch(`${host.url}/support/tickets/${ticketId}`)).status).toBe(404);
  });

  it('a module answers as a staff member through ctx.helpdesk (here from a public route): ticket.reply, shown to staff and customer', async () => {
    const res = await hook('/reply', JSON.stringify({ ticketId: String(ticketId), staffId: 'admin', content: 'Restarted, it is back.' }));
    expect(await res.json()).toEqual({ ok: true, ticketId: String(ticketId) });
    const reply = last('ticket.reply');
    expect(validateEvent('ticket.reply', reply.payload).ok).toBe(true);
    expect(reply.payload).toMatchObject({ message: { content: 'Restarted, it is back.', author: { name: 'Admin', staff: true } } });
    const staffPage = await (
      await fetch(`${host.url}/admin/tickets/${ticketId}`, { headers: { authorization: `Bearer ${host.adminToken}` } })
    ).text();
    expect(staffPage).toContain('Restarted, it is back.');
    expect(staffPage).toContain('Answered');
    const customerPage = await (await fetch(`${host.url}/support/tickets/${ticketId}?key=${key}`)).text();
    expect(customerPage).toContain('Restarted, it is back.');
  });

  it('refuses what the staff member may not do, with the reason, and announces nothing', async () => {
    await host.helpdesk.saveStaff({ id: 'bob', name: 'Bob', email: null, permissions: ['tickets.reply'], active: true });
    const before = events.length;
    const id = String(ticketId);
    expect(await host.helpdesk.close(id, { staffId: 'bob' })).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(await host.helpdesk.reply(id, { staffId: 'nobody', content: 'x' })).toMatchObject({ ok: false, reason: 'staff_not_found' });
    expect(await host.helpdesk.reply('999999', { staffId: 'admin', content: 'x' })).toMatchObject({
      ok: false,
      reason: 'ticket_not_found',
    });
    expect(await host.helpdesk.reply('1 OR 1=1', { staffId: 'admin', content: 'x' })).toMatchObject({
      ok: false,
      reason: 'ticket_not_found',
    });
    await host.helpdesk.saveStaff({ id: 'bob', name: 'Bob', email: null, permissions: ['tickets.reply'], active: false });
    expect(await host.helpdesk.reply(id, { staffId: 'bob', content: 'x' })).toMatchObject({ ok: false, reason: 'staff_not_found' });
    expect(events.length).toBe(before);
  });

  it('a customer answers, staff claims then closes: ticket.reply, ticket.assigned, ticket.close; a closed ticket refuses answers', async () => {
    const b = new Browser(host.url);
    expect((await b.form(`/support/tickets/${ticketId}/reply`, { key, content: 'Thanks!' })).status).toBe(303);
    expect(last('ticket.reply').payload).toMatchObject({ message: { content: 'Thanks!', author: { staff: false } } });
    expect(await host.helpdesk.assign(String(ticketId), 'admin')).toEqual({ ok: true, ticketId: String(ticketId) });
    expect(last('ticket.assigned').payload).toMatchObject({ ticket: { id: ticketId }, staff: { id: 'admin', name: 'Admin' } });
    expect(await host.helpdesk.close(String(ticketId), { staffId: 'admin' })).toEqual({ ok: true, ticketId: String(ticketId) });
    const close = last('ticket.close');
    expect(validateEvent('ticket.close' as EventName, close.payload).ok).toBe(true);
    expect(await host.helpdesk.reply(String(ticketId), { staffId: 'admin', content: 'late' })).toMatchObject({
      ok: false,
      reason: 'ticket_closed',
    });
    expect((await b.form(`/support/tickets/${ticketId}/reply`, { key, content: 'again' })).status).toBe(400);
    expect(events.map((e) => e.name)).toEqual(['ticket.submit', 'ticket.reply', 'ticket.reply', 'ticket.assigned', 'ticket.close']);
  });

  it('limits what an address may post on the customer’s pages', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await fetch(`${host.url}/support/tickets/${ticketId}/reply`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'key=wrong&content=spam',
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 15).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('public routes: the raw body byte for byte, 404 for what no module declared, 413 past the limit, 429 past the rate, 500 kept in', async () => {
    const raw = Buffer.from('{ "a" :\t1,\n "é": "\\u00e9" }  ', 'utf8');
    const res = await hook('/echo', raw, { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      hex: raw.toString('hex'),
      type: 'application/json; charset=utf-8',
      helpdesk: true,
      // A production host offers the module none of its development tools.
      links: { simulator: null, inbox: null, receivers: [] },
    });
    const form = await hook('/echo', 'a=1&b=%20', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(((await form.json()) as { hex: string }).hex).toBe(Buffer.from('a=1&b=%20').toString('hex'));
    expect((await hook('/nothing', '{}')).status).toBe(404);
    expect((await fetch(`${host.url}/hooks/no-such-module/echo`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await hook('/echo', Buffer.alloc(2000, 0x61))).status).toBe(413);
    const boom = await hook('/boom', '{}');
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: 'the module failed to answer' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await hook('/echo', '{}')).status);
    expect(statuses).toContain(429);
    await host.modules.disable('probe');
    expect((await hook('/boom', '{}')).status).toBe(404);
  });
});
