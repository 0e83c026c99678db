/**
 * The module lifecycle on every database kind, with the real module packed the way
 * `npm run package` packs it: install from the archive, enable, disable, re-enable, restart
 * (state and data survive), uninstall (tables rolled back, extracted files removed); and a
 * module that throws at boot is disabled with its message while the host keeps serving.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { fixtureModule, packRepoModule, startTestHost, tempVarDir, type LogSink } from '../fixtures/host-kit.js';
import type { Host } from '../../host/create-host.js';

describe.each(testDatabaseKinds())('module lifecycle on %s', (kind) => {
  let db: { url: string; drop(): Promise<void> };
  let varDir: string;
  let archive: string;
  let host: Host;
  let logs: LogSink;
  const bearer = () => ({ authorization: `Bearer ${host.adminToken}` });
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${host.url}/admin/modules/webhooks/api${p}`, { ...init, headers: { ...bearer(), ...(init.headers as object) } });
  const simulate = async (body = '') => {
    const res = await fetch(`${host.url}/admin/simulate/order.paid`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { eventId: string }).eventId;
  };
  // The subscriber's own debug line (pino level 20) for this event id.
  const received = (eventId: string) => logs.having('webhooks: received order.paid', { eventId, level: 20 }).length;

  beforeAll(async () => {
    db = await createDatabaseUrl(kind);
    varDir = tempVarDir(`lifecycle-${kind}`);
    archive = await packRepoModule(varDir);
    ({ host, logs } = await startTestHost({ databaseUrl: db.url, varDir }));
  });
  afterAll(async () => {
    await host?.close();
    await db?.drop();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('installs the packed archive disabled, extracted under <varDir>/modules', async () => {
    const rec = await host.modules.installFromArchive(archive);
    expect(rec).toMatchObject({ uuid: 'webhooks', state: 'disabled', sourceKind: 'archive', error: null, running: false });
    expect(rec.dir.startsWith(path.join(varDir, 'modules') + path.sep)).toBe(true);
    expect(fs.existsSync(path.join(rec.dir, 'dist', 'module', 'index.js'))).toBe(true);
    expect(await host.db.schema.hasTable('wh_webhooks')).toBe(false);
    expect((await api('/webhooks')).status).toBe(404);
    await expect(host.modules.installFromArchive(archive)).rejects.toThrow('a module with uuid "webhooks" is already installed');
  });

  it('enables it: migrations run, routes answer, the subscriber receives a simulated event', async () => {
    const rec = await host.modules.enable('webhooks');
    expect(rec).toMatchObject({ state: 'enabled', error: null, running: true });
    expect(await host.db.schema.hasTable('wh_webhooks')).toBe(true);
    expect(await host.db.schema.hasTable('modmig_webhooks')).toBe(true);
    expect((await api('/webhooks')).status).toBe(200);
    const eventId = await simulate();
    expect(received(eventId)).toBe(1);
  });

  it('disables it: listeners and routes gone, data kept', async () => {
    const created = await api('/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Kept across disable',
        url: 'https://discord.com/api/webhooks/123456789/lifecycle-token',
        events: ['ticket.close'],
      }),
    });
    expect(created.status).toBe(201);
    const rec = await host.modules.disable('webhooks');
    expect(rec).toMatchObject({ state: 'disabled', error: null, running: false });
    expect(host.bus.listeners('order.paid')).toHaveLength(0);
    expect((await api('/webhooks')).status).toBe(404);
    expect((await fetch(`${host.url}/admin/modules/webhooks/`, { headers: bearer() })).status).toBe(404);
    const eventId = await simulate();
    expect(received(eventId)).toBe(0);
    expect((await host.db('wh_webhooks').select('name')).map((r: { name: string }) => r.name)).toEqual(['Kept across disable']);
  });

  it('re-enables it with its data, once (no doubled listeners)', async () => {
    expect((await host.modules.enable('webhooks')).state).toBe('enabled');
    const list = (await (await api('/webhooks')).json()) as { items: { name: string }[] };
    expect(list.items.map((w) => w.name)).toEqual(['Kept across disable']);
    // The only events fired go to no webhook (the one above listens to ticket.close only).
    const eventId = await simulate();
    expect(received(eventId)).toBe(1);
  });

  it('keeps state and data across a restart', async () => {
    await host.close();
    ({ host, logs } = await startTestHost({ databaseUrl: db.url, varDir }));
    const rec = await host.modules.get('webhooks');
    expect(rec).toMatchObject({ state: 'enabled', running: true, sourceKind: 'archive' });
    const list = (await (await api('/webhooks')).json()) as { items: { name: string }[] };
    expect(list.items.map((w) => w.name)).toEqual(['Kept across disable']);
    const eventId = await simulate();
    expect(received(eventId)).toBe(1);
  });

  it('refuses to uninstall an enabled module, then uninstalls a disabled one: tables and files gone', async () => {
    await expect(host.modules.uninstall('webhooks')).rejects.toThrow('uninstall: disable "webhooks" first');
    const dir = (await host.modules.get('webhooks'))!.dir;
    await host.modules.disable('webhooks');
    await host.modules.uninstall('webhooks');
    expect(await host.modules.get('webhooks')).toBeNull();
    for (const table of ['wh_webhooks', 'wh_deliveries', 'wh_attempts', 'modmig_webhooks', 'modmig_webhooks_lock']) {
      expect([table, await host.db.schema.hasTable(table)]).toEqual([table, false]);
    }
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(path.join(varDir, 'modules'))).toEqual([]);
    // Installable again from the same archive afterwards.
    expect((await host.modules.installFromArchive(archive)).state).toBe('disabled');
  });

  it('disables a module that throws at boot, shows its message, and keeps serving', async () => {
    await host.modules.installFromFolder(fixtureModule('throws-at-boot'));
    const rec = await host.modules.enable('throws-at-boot');
    expect(rec).toMatchObject({ state: 'disabled', running: false, error: 'throws-at-boot: the payment provider key is missing' });
    // The listener it added before throwing is gone.
    expect(host.bus.listeners('order.paid')).toHaveLength(0);
    const page = await fetch(`${host.url}/admin/modules`, { headers: bearer() });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('throws-at-boot: the payment provider key is missing');
    const notices = await fetch(`${host.url}/admin/notifications`, { headers: bearer() });
    expect(await notices.text()).toContain('Le module «\u202fThrows at boot\u202f» n’a pas pu démarrer');
    // After a restart it is still disabled with its error, and the host still starts.
    await host.close();
    ({ host, logs } = await startTestHost({ databaseUrl: db.url, varDir }));
    expect(await host.modules.get('throws-at-boot')).toMatchObject({
      state: 'disabled',
      error: 'throws-at-boot: the payment provider key is missing',
    });
    expect((await fetch(`${host.url}/admin/api/modules`, { headers: bearer() })).status).toBe(200);
  });
});
