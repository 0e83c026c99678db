/**
 * What a module gets from the host, checked through a fixture module (test/fixtures/modules/probe)
 * on every database kind: its migrations in a per-module table, settings stored per module,
 * notifications listed and counted, views in the host layout with translations, routes with
 * params, permissions, a failing listener or handler kept away from the host, and shutdown
 * hooks plus listener removal on disable.
 */
import fs from 'node:fs';
import type { ModuleContext } from '../../sdk/module-context.js';
import type { Host } from '../../host/create-host.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { Browser, csrfIn, fixtureModule, startTestHost, type LogSink } from '../fixtures/host-kit.js';

interface ProbeState {
  ctx: ModuleContext;
  heard: string[];
  shutdowns: number;
  entryShutdowns: number;
}
const probe = () => (globalThis as unknown as { __probe: ProbeState }).__probe;

describe.each(testDatabaseKinds())('module context on %s', (kind) => {
  let db: { url: string; drop(): Promise<void> };
  let host: Host;
  let logs: LogSink;
  let varDir: string;
  const bearer = () => ({ authorization: `Bearer ${host.adminToken}` });

  beforeAll(async () => {
    db = await createDatabaseUrl(kind);
    ({ host, logs, varDir } = await startTestHost({
      label: `context-${kind}`,
      databaseUrl: db.url,
      locale: 'en',
      profile: 'development',
      timeZone: 'America/Montreal',
      inboxUrl: 'http://127.0.0.1:9/inbox',
      inboxReceivers: [
        { platform: 'discord', urlPrefix: 'http://127.0.0.1:9/api/webhooks/', example: 'http://127.0.0.1:9/api/webhooks/1/t' },
      ],
    }));
    await host.modules.installFromFolder(fixtureModule('probe'));
    expect((await host.modules.enable('probe')).error).toBeNull();
  });
  afterAll(async () => {
    await host?.close();
    await db?.drop();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('gives every member of the context', () => {
    const ctx = probe().ctx;
    expect(ctx.manifest.uuid).toBe('probe');
    expect(ctx.moduleDir).toBe(fixtureModule('probe'));
    expect(ctx.hostVersion).toBe('1.0.0');
    expect(ctx.profile).toBe('development');
    expect(ctx.timeZone).toBe('America/Montreal');
    expect(ctx.network).toEqual({ allowLoopback: true, allowPrivate: false });
    // The host's own tools, offered in development (a production host offers none: host-helpdesk's probe).
    expect(ctx.hostLinks).toEqual({
      simulator: '/admin/simulate',
      inbox: 'http://127.0.0.1:9/inbox',
      receivers: [{ platform: 'discord', urlPrefix: 'http://127.0.0.1:9/api/webhooks/', example: 'http://127.0.0.1:9/api/webhooks/1/t' }],
    });
    expect(ctx.publicRoutes.basePath).toBe('/hooks/probe');
    expect(ctx.helpdesk).not.toBeNull();
    expect(ctx.admin.basePath).toBe('/admin/modules/probe');
    expect(typeof ctx.clock.now()).toBe('number');
    expect(ctx.i18n.locale).toBe('en');
    expect(ctx.i18n.t('hello', { name: 'Ada' })).toBe('Hello Ada!');
    expect(ctx.i18n.t('hello', { name: 'Ada' }, 'fr')).toBe('Bonjour Ada !');
    expect(ctx.i18n.t('missing.key')).toBe('missing.key');
    const sealed = ctx.secrets.encrypt('https://discord.com/api/webhooks/1/secret');
    expect(sealed).not.toContain('secret');
    expect(ctx.secrets.decrypt(sealed)).toBe('https://discord.com/api/webhooks/1/secret');
    // A child container: what the module registers stays out of the root.
    ctx.container.register('probe.value', { useValue: 42 });
    expect(ctx.container.resolve('probe.value')).toBe(42);
  });

  it('ran the module migrations through knex with a per-module migrations table', async () => {
    expect(await host.db.schema.hasTable('probe_items')).toBe(true);
    const rows = await host.db('modmig_probe').select('name');
    expect(rows.map((r: { name: string }) => r.name)).toEqual(['001-probe-items']);
  });

  it('stores settings per module, JSON values', async () => {
    const { settings } = probe().ctx;
    expect(await settings.get('threshold', 5)).toBe(5);
    await settings.set('threshold', 12);
    await settings.set('threshold', { max: 13, tags: ['a'] });
    await settings.set('flag', true);
    expect(await settings.get('threshold', 5)).toEqual({ max: 13, tags: ['a'] });
    expect(await settings.all()).toEqual({ flag: true, threshold: { max: 13, tags: ['a'] } });
    expect(await host.hostSettings.get('threshold', 'none')).toBe('none');
  });

  it('keeps a failing listener from throwing into the host’s emitAsync', async () => {
    const { sampleEvent } = await import('../../sdk/sample-events.js');
    const res = await fetch(`${host.url}/admin/simulate/order.paid`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ ...sampleEvent('order.paid'), eventId: 'evt_probe_1' }),
    });
    expect(res.status).toBe(202);
    expect(probe().heard).toContain('evt_probe_1');
    expect(logs.having('module probe: a listener for order.paid failed', { error: 'probe listener failure' })).toHaveLength(1);
  });

  it('renders the module view inside the host layout, translated, with nav and notification count', async () => {
    await probe().ctx.notifications.notify({
      level: 'warning',
      title: 'Probe needs attention',
      body: 'Check <b>this</b>',
      href: '/admin/modules/probe/',
    });
    const b = new Browser(host.url);
    await b.login(host.adminToken);
    const page = await b.fetch('/admin/modules/probe/?who=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<p data-testid="hello">Hello &lt;script&gt;alert(1)&lt;/script&gt;!</p>');
    expect(html).toContain('<title>Probe · Reference host</title>');
    expect(html).toMatch(/<a href="\/admin\/modules\/probe\/" class="is-active" aria-current="page">Probe<\/a>/);
    expect(html).toMatch(/Notifications<span class="hs-badge" data-testid="notification-count">1<\/span>/);
    // The page's form posts back with the host's CSRF token; the module's handler writes to its table.
    const post = await b.form('/admin/modules/probe/items', { label: 'first', _csrf: csrfIn(html) });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/admin/modules/probe/');
    expect((await host.db('probe_items').select('label')).map((r: { label: string }) => r.label)).toEqual(['first']);
    const notices = await (await b.fetch('/admin/notifications')).text();
    expect(notices).toContain('Probe needs attention');
    expect(notices).toContain('Check &lt;b&gt;this&lt;/b&gt;');
  });

  it('routes API params, and turns a throwing handler into a 500 without details', async () => {
    const item = await fetch(`${host.url}/admin/modules/probe/api/items/a%20b`, { headers: bearer() });
    expect(await item.json()).toEqual({ id: 'a b', user: 'admin' });
    const boom = await fetch(`${host.url}/admin/modules/probe/api/boom`, { headers: bearer() });
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('handler failure');
    expect(logs.having(/module probe: GET api \/boom failed/)).toHaveLength(1);
  });

  it('disable calls the instance’s then the entry’s shutdown and removes the listeners', async () => {
    const before = { ...probe() };
    await host.modules.disable('probe');
    expect(probe().shutdowns).toBe(before.shutdowns + 1);
    expect(probe().entryShutdowns).toBe(before.entryShutdowns + 1);
    expect(host.bus.listeners('order.paid')).toHaveLength(0);
    await host.bus.emitAsync('order.paid', { eventId: 'evt_after_disable' });
    expect(probe().heard).not.toContain('evt_after_disable');
    expect((await fetch(`${host.url}/admin/modules/probe/api/items/1`, { headers: bearer() })).status).toBe(404);
  });
});

describe('module permissions', () => {
  it('refuses a module’s pages and API to an admin without its permissions (403)', async () => {
    const { host, varDir } = await startTestHost({ label: 'perm', adminPermissions: ['other.thing'] });
    try {
      await host.modules.installFromFolder(fixtureModule('probe'));
      await host.modules.enable('probe');
      const res = await fetch(`${host.url}/admin/modules/probe/api/items/1`, { headers: { authorization: `Bearer ${host.adminToken}` } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toContain('probe.manage');
    } finally {
      await host.close();
      fs.rmSync(varDir, { recursive: true, force: true });
    }
  });
});
