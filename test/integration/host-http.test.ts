/**
 * The host's admin HTTP surface with the real module enabled (SQLite; nothing here depends on the
 * database kind): bearer and session auth, CSRF on cookie-authenticated forms, the modules page
 * toggle over HTTP, the simulator (400 naming the field, hostile bodies, 202 reaching the real
 * subscriber), module routes, assets and permissions.
 */
import fs from 'node:fs';
import type { Host } from '../../host/create-host.js';
import { Browser, csrfIn, repoRoot, startTestHost, type LogSink } from '../fixtures/host-kit.js';

describe('host admin over HTTP', () => {
  let host: Host;
  let logs: LogSink;
  let varDir: string;
  const bearer = () => ({ authorization: `Bearer ${host.adminToken}` });
  const simulate = (event: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/admin/simulate/${event}`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    ({ host, logs, varDir } = await startTestHost({ label: 'http', locale: 'fr' }));
    await host.modules.installFromFolder(repoRoot);
    expect((await host.modules.enable('webhooks')).error).toBeNull();
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('answers 401 JSON to API calls and scripts without a valid token', async () => {
      for (const [url, init] of [
        ['/admin/api/modules', {}],
        ['/admin/modules/webhooks/api/webhooks', {}],
        ['/admin/simulate/order.paid', { method: 'POST' }],
        ['/admin/api/modules', { headers: { authorization: 'Bearer not-the-token' } }],
      ] as [string, RequestInit][]) {
        const res = await fetch(host.url + url, { ...init, redirect: 'manual' });
        expect([url, res.status]).toEqual([url, 401]);
        expect(((await res.json()) as { error: string }).error).toMatch(/^unauthorized/);
      }
    });

    it('sends a person to the login form, and the form sets an httpOnly signed session cookie', async () => {
      const page = await fetch(`${host.url}/admin/modules`, { redirect: 'manual' });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fmodules');
      const b = new Browser(host.url);
      const wrong = await b.form('/admin/login', { token: 'nope', _csrf: csrfIn(await (await b.fetch('/admin/login')).text()) });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('Jeton incorrect.');
      const ok = await b.login(host.adminToken);
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe('/admin/modules');
      const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('host_session='))!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Path=\/admin/);
      expect((await b.fetch('/admin/modules')).status).toBe(200);
      // A tampered cookie is not a session.
      const forged = await fetch(`${host.url}/admin/modules`, { headers: { cookie: 'host_session=v1.' + Date.now() }, redirect: 'manual' });
      expect(forged.status).toBe(302);
    });

    it('refuses a login post without the CSRF token of the login page', async () => {
      const res = await fetch(`${host.url}/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${host.adminToken}`,
        redirect: 'manual',
      });
      expect(res.status).toBe(403);
    });
  });

  describe('modules page', () => {
    it('lists the module with its thumbnail, description, state and settings link', async () => {
      const b = new Browser(host.url);
      await b.login(host.adminToken);
      const html = await (await b.fetch('/admin/modules')).text();
      expect(html).toContain('data-module="webhooks" data-state="enabled"');
      expect(html).toContain('src="/admin/module-thumbnails/webhooks"');
      // The host runs in French: the module's own lang/ translates its manifest's description.
      expect(html).toContain('Publie un message sur Discord, Slack');
      expect(html).not.toContain('Posts a message to Discord, Slack');
      expect(html).toContain('href="/admin/modules/webhooks/" data-testid="settings-link"');
      const thumb = await b.fetch('/admin/module-thumbnails/webhooks');
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get('content-type')).toBe('image/svg+xml');
    });

    it('refuses a forged toggle form without the CSRF token (403) and leaves the module enabled', async () => {
      const b = new Browser(host.url);
      await b.login(host.adminToken);
      const forged = await b.form('/admin/module-actions/webhooks/disable', {});
      expect(forged.status).toBe(403);
      expect(((await forged.json()) as { error: string }).error).toContain('CSRF');
      const wrong = await b.form('/admin/module-actions/webhooks/disable', { _csrf: 'made-up' });
      expect(wrong.status).toBe(403);
      expect((await host.modules.get('webhooks'))!.state).toBe('enabled');
    });

    it('toggles the module off and on with the page’s form', async () => {
      const b = new Browser(host.url);
      await b.login(host.adminToken);
      let html = await (await b.fetch('/admin/modules')).text();
      expect(html).toContain('action="/admin/module-actions/webhooks/disable"');
      const off = await b.form('/admin/module-actions/webhooks/disable', { _csrf: csrfIn(html) });
      expect(off.status).toBe(303);
      expect(off.headers.get('location')).toBe('/admin/modules');
      expect((await host.modules.get('webhooks'))!.state).toBe('disabled');
      html = await (await b.fetch('/admin/modules')).text();
      expect(html).toContain('« Webhooks » est désactivé. Ses données sont conservées.');
      expect(html).toContain('data-module="webhooks" data-state="disabled"');
      expect(html).not.toContain('data-testid="settings-link"');
      expect((await b.fetch('/admin/modules/webhooks/')).status).toBe(404);

      const on = await b.form('/admin/module-actions/webhooks/enable', { _csrf: csrfIn(html) });
      expect(on.status).toBe(303);
      expect((await host.modules.get('webhooks'))!.state).toBe('enabled');
      expect((await b.fetch('/admin/modules/webhooks/')).status).toBe(200);
    });

    it('lets a script toggle with the bearer token and no CSRF token', async () => {
      const off = await fetch(`${host.url}/admin/api/modules/webhooks/disable`, { method: 'POST', headers: bearer() });
      expect(off.status).toBe(200);
      expect(((await off.json()) as { state: string }).state).toBe('disabled');
      const on = await fetch(`${host.url}/admin/api/modules/webhooks/enable`, { method: 'POST', headers: bearer() });
      expect(((await on.json()) as { state: string }).state).toBe('enabled');
      const gone = await fetch(`${host.url}/admin/api/modules/nope/enable`, { method: 'POST', headers: bearer() });
      expect(gone.status).toBe(404);
      expect(await gone.json()).toEqual({ error: 'module "nope" is not installed' });
    });
  });

  describe('simulator', () => {
    it('answers 400 naming the bad field of a malformed payload', async () => {
      const res = await simulate(
        'order.paid',
        JSON.stringify({
          eventId: 'evt_x',
          occurredAt: '2026-11-29T09:30:00Z',
          order: {
            id: 1,
            total: -5,
            currency: 'EUR',
            customer: { firstName: 'A', lastName: 'B', email: 'not-an-email' },
            paymentGateway: 'Stripe',
            invoiceUrl: 'https://x.example/i/1',
            items: [],
          },
        }),
      );
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
      expect(body.issues.map((i) => i.path).sort()).toEqual(['order.customer.email', 'order.total']);
      expect(body.error).toMatch(/^order\.paid: /);
      expect(body.error).toContain('order.total');
    });

    it('answers 400 naming the field of a javascript: or data: link, and nothing reaches the module', async () => {
      const { sampleEvent } = await import('../../sdk/sample-events.js');
      const base = sampleEvent('ticket.submit', { seq: 9 });
      for (const [i, url] of ['javascript:alert(1)', 'data:text/html,<b>x</b>'].entries()) {
        const eventId = `evt_http_link_${i}`;
        const res = await simulate('ticket.submit', JSON.stringify({ ...base, eventId, ticket: { ...base.ticket, url } }));
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: string; issues: { path: string }[] };
        expect(body.issues.map((issue) => issue.path)).toEqual(['ticket.url']);
        expect(body.error).toContain('ticket.url: must be an http(s) URL');
        expect(logs.having('webhooks: received ticket.submit', { eventId })).toHaveLength(0);
      }
    });

    it('fires a good payload: 202 with its eventId, and the real subscriber receives it', async () => {
      const { sampleEvent } = await import('../../sdk/sample-events.js');
      const payload = { ...sampleEvent('order.paid', { seq: 7 }), eventId: 'evt_http_good_1' };
      const res = await simulate('order.paid', JSON.stringify(payload));
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ event: 'order.paid', eventId: 'evt_http_good_1' });
      expect(logs.having('webhooks: received order.paid', { eventId: 'evt_http_good_1', level: 20, module: 'webhooks' })).toHaveLength(1);
    });

    it('fires a fresh realistic sample for an empty body or {}', async () => {
      const ids: string[] = [];
      for (const body of ['', '{}']) {
        const res = await simulate('ticket.submit', body);
        expect(res.status).toBe(202);
        ids.push(((await res.json()) as { eventId: string }).eventId);
      }
      expect(ids[0]).not.toBe(ids[1]);
      for (const id of ids) expect(logs.having('webhooks: received ticket.submit', { eventId: id, level: 20 })).toHaveLength(1);
    });

    it('answers 404 for an unknown event and 400 for invalid JSON', async () => {
      const unknown = await simulate('order.refunded', '');
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: string }).error).toContain('unknown event "order.refunded"');
      for (const bad of ['{"eventId":', 'null-ish', '\u0000']) {
        const res = await simulate('order.paid', bad);
        expect([bad, res.status]).toEqual([bad, 400]);
      }
    });

    it('survives hostile bodies: a 1 MB string, null bytes, huge numbers, arrays, deep nesting', async () => {
      const { sampleEvent } = await import('../../sdk/sample-events.js');
      const base = sampleEvent('order.paid', { seq: 3 });
      const big = await simulate('order.paid', JSON.stringify({ ...base, order: { ...base.order, comment: 'x'.repeat(1024 * 1024) } }));
      expect(big.status).toBe(400);
      expect(((await big.json()) as { issues: { path: string }[] }).issues[0].path).toBe('order.comment');
      const huge = await simulate(
        'order.paid',
        `{"eventId":"e","occurredAt":"2026-11-29T09:30:00Z","order":${JSON.stringify(base.order).replace(/"total":[0-9.]+/, '"total":1e400')}}`,
      );
      expect(huge.status).toBe(400);
      expect(((await huge.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain('order.total');
      const nul = await simulate(
        'order.paid',
        JSON.stringify({ ...base, eventId: 'evt_nul\u0000', order: { ...base.order, comment: 'a\u0000b' } }),
      );
      expect([202, 400]).toContain(nul.status);
      expect((await simulate('order.paid', '[1,2,3]')).status).toBe(400);
      expect((await simulate('order.paid', '"just a string"')).status).toBe(400);
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      expect((await simulate('order.paid', deep)).status).toBe(400);
      const tooBig = await simulate('order.paid', JSON.stringify({ pad: 'x'.repeat(3 * 1024 * 1024) }));
      expect(tooBig.status).toBe(413);
      // Not JSON: fastify hands text through as a string, which is no payload.
      const text = await simulate('order.paid', 'a=b', { 'content-type': 'text/plain' });
      expect(text.status).toBe(400);
      expect(((await text.json()) as { issues: { path: string }[] }).issues[0].path).toBe('(payload)');
      expect((await simulate('order.paid', 'a=b', { 'content-type': 'application/x-custom' })).status).toBe(415);
      // Still serving.
      expect((await simulate('order.paid', '')).status).toBe(202);
    });

    it('takes the browser page’s fetch with x-csrf-token, and refuses it without', async () => {
      const b = new Browser(host.url);
      await b.login(host.adminToken);
      const html = await (await b.fetch('/admin/simulate')).text();
      for (const e of ['order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close']) expect(html).toContain(`data-simulate="${e}"`);
      // Every event the simulator offers is described in words, not by its translation key.
      expect(html.match(/simulate\.event_\w+/g) ?? []).toEqual([]);
      const without = await b.fetch('/admin/simulate/order.paid', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '',
      });
      expect(without.status).toBe(403);
      const withToken = await b.fetch('/admin/simulate/order.paid', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfIn(html) },
        body: '',
      });
      expect(withToken.status).toBe(202);
    });
  });

  describe('module routes', () => {
    it('answers a malformed %-escape in the path with a clean 400 in the host’s shape', async () => {
      for (const p of ['/admin/modules/webhooks/api/webhooks/%ZZ', '/admin/modules/webhooks/webhooks/%E0%A4%A', '/admin/simulate/%ZZ']) {
        for (const headers of [bearer(), { ...bearer(), accept: 'text/html' }]) {
          const res = await fetch(`${host.url}${p}`, { headers });
          const text = await res.text();
          expect([p, res.status, res.headers.get('content-type')]).toEqual([p, 400, 'application/json; charset=utf-8']);
          expect(JSON.parse(text)).toEqual({ error: 'bad request: the address is not valid (a malformed %-escape)' });
          expect(text).not.toMatch(/FST_|%ZZ|statusCode/);
          expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        }
      }
      // The host keeps answering.
      expect((await fetch(`${host.url}/admin/modules/webhooks/api/webhooks`, { headers: bearer() })).status).toBe(200);
    });

    it('serves the module’s assets read-only and nothing outside views/assets', async () => {
      const css = await fetch(`${host.url}/admin/modules/webhooks/assets/settings.css`, { headers: bearer() });
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      for (const p of ['..%2F..%2Fmanifest.json', '%2e%2e/%2e%2e/manifest.json', '..%2F..%2F..%2Fpackage.json', 'nope.css']) {
        const res = await fetch(`${host.url}/admin/modules/webhooks/assets/${p}`, { headers: bearer() });
        expect([p, res.status]).toEqual([p, 404]);
      }
      expect((await fetch(`${host.url}/admin/modules/webhooks/assets/settings.css`, { method: 'POST', headers: bearer() })).status).toBe(
        404,
      );
    });

    it('answers 404 for an unknown module and an unknown module route', async () => {
      expect((await fetch(`${host.url}/admin/modules/nope/api/x`, { headers: bearer() })).status).toBe(404);
      expect((await fetch(`${host.url}/admin/modules/webhooks/api/no-such-route`, { headers: bearer() })).status).toBe(404);
    });
  });
});
