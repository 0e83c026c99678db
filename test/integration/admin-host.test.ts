/**
 * The settings API and pages through the real reference host (built module in dist/): the host's
 * auth answers 401 without a token, a session form or fetch without its CSRF token gets 403, the
 * production profile refuses loopback URLs, and no log line the host writes holds a webhook URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createHost, type Host } from '../../host/create-host.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const TOKEN_PART = 'HostLeakCanaryToken0123456789abcdef';
const DISCORD = `https://discord.com/api/webhooks/445566778899001122/${TOKEN_PART}`;

/** A tiny cookie jar for fetch. */
class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async fetch(p: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(this.base + p, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }
  static csrfIn(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no _csrf field on the page');
    return m[1];
  }
}

describe('settings through the reference host', () => {
  let host: Host;
  let varDir: string;
  const logLines: string[] = [];
  let api: string;
  const bearer = () => ({ authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' });

  beforeAll(async () => {
    varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-admin-host-'));
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    host = await createHost({
      port: 0,
      varDir,
      profile: 'production',
      locale: 'fr',
      logLevel: 'debug',
      logDestination: sink,
      appKey: 'k'.repeat(32),
    });
    await host.modules.installFromFolder(root);
    const rec = await host.modules.enable('webhooks');
    expect(rec.error ?? null).toBeNull();
    api = `${host.url}/admin/modules/webhooks/api`;
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('answers 401 to the API without a token, and sends a page visitor to the login', async () => {
    expect((await fetch(`${api}/webhooks`)).status).toBe(401);
    expect((await fetch(`${api}/webhooks`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const page = await fetch(`${host.url}/admin/modules/webhooks/`, { redirect: 'manual' });
    expect([302, 303]).toContain(page.status);
    expect(page.headers.get('location')).toMatch(/^\/admin\/login/);
  });

  it('creates, lists and rejects with the field through the host (bearer)', async () => {
    const created = await fetch(`${api}/webhooks`, {
      method: 'POST',
      headers: bearer(),
      body: JSON.stringify({ name: 'Orders', url: DISCORD, events: ['order.paid'] }),
    });
    expect(created.status).toBe(201);
    const body = await created.text();
    expect(body).not.toContain(TOKEN_PART);
    expect(JSON.parse(body).webhook.urlHint).toBe('https://discord.com/api/webhooks/••••/••••');

    const loopback = await fetch(`${api}/webhooks`, {
      method: 'POST',
      headers: bearer(),
      body: JSON.stringify({ name: 'Local', url: 'http://127.0.0.1:9/api/webhooks/1/x', events: ['order.paid'] }),
    });
    expect(loopback.status).toBe(400);
    expect(await loopback.json()).toMatchObject({
      error: 'invalid_input',
      field: 'url',
      reason: 'les adresses locales (localhost, 127.0.0.1) sont refusées sur ce serveur',
    });

    const malformed = await fetch(`${api}/webhooks`, { method: 'POST', headers: bearer(), body: '{"name": ' });
    expect(malformed.status).toBe(400);

    expect((await fetch(`${api}/webhooks/424242`, { headers: bearer() })).status).toBe(404);
    expect((await fetch(`${api}/deliveries/424242`, { headers: bearer() })).status).toBe(404);
    const list = await (await fetch(`${api}/webhooks`, { headers: bearer() })).text();
    expect(list).not.toContain(TOKEN_PART);
  });

  it('refuses a forged form or fetch without the CSRF token (403), accepts the real one', async () => {
    const b = new Browser(host.url);
    const loginPage = await (await b.fetch('/admin/login')).text();
    const login = await b.fetch('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: host.adminToken, _csrf: Browser.csrfIn(loginPage), next: '/admin/modules/webhooks/' }).toString(),
    });
    expect(login.status).toBe(303);

    const listPage = await b.fetch('/admin/modules/webhooks/');
    expect(listPage.status).toBe(200);
    const html = await listPage.text();
    expect(html).toContain('Orders');
    expect(html).not.toContain(TOKEN_PART);
    const csrf = Browser.csrfIn(html);

    const form = { name: 'Forged', url: 'https://discord.com/api/webhooks/1/x', events: 'order.paid' };
    const forged = await b.fetch('/admin/modules/webhooks/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    expect(forged.status).toBe(403);
    const wrong = await b.fetch('/admin/modules/webhooks/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: 'forged' }).toString(),
    });
    expect(wrong.status).toBe(403);
    const fetchNoHeader = await b.fetch('/admin/modules/webhooks/api/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'x', event: 'order.paid', platform: 'discord' }),
    });
    expect(fetchNoHeader.status).toBe(403);
    const webhooks = (await (await fetch(`${api}/webhooks`, { headers: bearer() })).json()).items;
    expect(webhooks.map((w: { name: string }) => w.name)).not.toContain('Forged');

    const real = await b.fetch('/admin/modules/webhooks/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
    });
    expect([302, 303]).toContain(real.status);
    const fetchWithHeader = await b.fetch('/admin/modules/webhooks/api/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ template: '**%id%**', event: 'order.paid', platform: 'discord' }),
    });
    expect(fetchWithHeader.status).toBe(200);
    expect((await fetchWithHeader.json()).body.content).toContain('**1001**');

    const css = await b.fetch('/admin/modules/webhooks/assets/settings.css');
    expect(css.status).toBe(200);
    expect((await b.fetch('/admin/modules/webhooks/assets/settings.js')).status).toBe(200);
  });

  it('never writes the webhook URL to the host log', () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(line).not.toContain(TOKEN_PART);
      expect(line).not.toMatch(/discord\.com\/api\/webhooks\/\d{6,}/);
    }
  });
});
