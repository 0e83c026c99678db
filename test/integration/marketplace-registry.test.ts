/**
 * The marketplace against a real npm registry: Verdaccio on 127.0.0.1, the module packed by
 * `buildModulePackage` (what `npm run package` runs) and published with the real `npm publish`
 * as 1.0.0, 1.1.0 (one more migration), 1.2.0 (throws at boot), 3.0.0 (needs host >=99) and
 * 0.9.0 (its tarball tampered with in the registry's storage). The host is driven through its
 * API only, with its data folder outside the repository (the installed package must run on its
 * own bundled dependencies). On every database: list, install 1.0.0, webhooks and a backlog of
 * deliveries, update to 1.1.0 while events keep arriving, nothing lost or sent twice; an update
 * that throws at boot keeps 1.1.0 serving; refusals (integrity, host range, registry down or
 * slow) say which.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildModulePackage } from '../../host/modules/module-package.js';
import { demoNextChangelog } from '../../host/marketplace/demo-marketplace.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { startTestHost } from '../fixtures/host-kit.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { eventNumbers, repoRoot, requireBuild, waitFor } from '../support/host-child.js';
import { JsonSink } from '../support/json-sink.js';
import { Verdaccio } from '../support/verdaccio.js';
import type { Host } from '../../host/create-host.js';

const T = 120_000;
const PKG = 'clientx-module-webhooks';
const registry = new Verdaccio();
const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-packages-'));
const fixture = (f: string) => path.join(repoRoot, 'test', 'fixtures', 'marketplace', f);

function order(n: number) {
  const base = sampleEvent('order.paid', { seq: n });
  return { ...base, eventId: `mkt-evt-${n}`, order: { ...base.order, id: n } };
}

beforeAll(async () => {
  requireBuild();
  await registry.start();
  const versions: Array<{ version: string; entry?: string; hostRange?: string; changelogEntry?: string }> = [
    { version: '0.9.0' },
    { version: '1.0.0' },
    {
      version: '1.1.0',
      entry: path.join(repoRoot, 'host', 'marketplace', 'demo-next-version.ts'),
      changelogEntry: demoNextChangelog('1.1.0'),
    },
    { version: '1.2.0', entry: fixture('webhooks-throws-at-boot.ts') },
    { version: '1.2.1', entry: fixture('webhooks-throws-at-import.ts') },
    { version: '1.2.2', entry: fixture('webhooks-migration-throws.ts') },
    { version: '3.0.0', hostRange: '>=99.0.0' },
  ];
  for (const v of versions) {
    const built = await buildModulePackage({ rootDir: repoRoot, outDir: packDir, ...v });
    await registry.publish(built.file);
  }
  // The same module under a name only signed-in clients may read.
  await registry.publish((await buildModulePackage({ rootDir: repoRoot, outDir: packDir, name: 'clientx-module-private-webhooks' })).file);
  // A package with the keyword but no manifest.json.
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-broken-pkg-'));
  fs.writeFileSync(
    path.join(broken, 'package.json'),
    JSON.stringify({
      name: 'clientx-module-broken',
      version: '1.0.0',
      keywords: ['clientx-module'],
      clientx: { uuid: 'broken', prerequisites: { host: '>=1.0.0' } },
    }),
  );
  fs.writeFileSync(path.join(broken, 'index.js'), 'export {};\n');
  const { stdout } = await promisify(execFile)('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: broken });
  await registry.publish(path.join(packDir, (JSON.parse(stdout) as Array<{ filename: string }>)[0].filename));
  fs.rmSync(broken, { recursive: true, force: true });
  // A registry (or a mirror in between) that serves other bytes than it announced.
  const tampered = registry.tarballFile(PKG, '0.9.0');
  const bytes = fs.readFileSync(tampered);
  bytes[bytes.length - 40] ^= 0xff;
  fs.writeFileSync(tampered, bytes);
  // Eight packages, each bundled, its migrations read by importing the bundle, packed and published.
}, 2 * T);

afterAll(async () => {
  await registry.close();
  fs.rmSync(packDir, { recursive: true, force: true });
});

interface Api {
  host: Host;
  varDir: string;
  call(method: string, p: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A request that did not answer within 60 s fails naming itself, before jest's 120 s bound hides which one hung. */
async function bounded<R>(what: string, request: (signal: AbortSignal) => Promise<R>): Promise<R> {
  try {
    return await request(AbortSignal.timeout(60_000));
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new Error(`${what}: no answer from the host within 60 s`, { cause: err });
    throw err;
  }
}

async function hostOn(databaseUrl: string, marketplace: { registry: string; token?: string; timeoutMs?: number }): Promise<Api> {
  // Outside the repository: nothing the module imports can come from the repository's node_modules.
  const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-market-host-'));
  const { host } = await startTestHost({ varDir, databaseUrl, profile: 'development', locale: 'en', marketplace });
  return {
    host,
    varDir,
    async call(method, p, body) {
      const res = await bounded(`${method} ${p}`, (signal) =>
        fetch(host.url + p, {
          method,
          headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        }),
      );
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      await host.close();
      fs.rmSync(varDir, { recursive: true, force: true });
    },
  };
}

describe.each(testDatabaseKinds())('marketplace on a real registry, host on %s', (kind) => {
  let api: Api;
  let drop: () => Promise<void>;
  const sink = new JsonSink();

  beforeAll(async () => {
    await sink.start();
    const created = await createDatabaseUrl(kind);
    drop = created.drop;
    api = await hostOn(created.url, { registry: registry.url });
  }, T);

  afterAll(async () => {
    await api?.close();
    await sink.close();
    await drop?.();
  }, T);

  it(
    'lists the package with its versions, the newest compatible one and the incompatible latest',
    async () => {
      expect(path.relative(repoRoot, api.varDir).startsWith('..')).toBe(true);
      const { status, json } = await api.call('GET', '/admin/api/marketplace');
      expect(status).toBe(200);
      const items = json.items as Array<Record<string, unknown>>;
      expect(items.map((i) => i.name)).toEqual(['clientx-module-broken', PKG]);
      const item = items[1];
      expect(item).toMatchObject({
        uuid: 'webhooks',
        title: 'Webhooks',
        latest: '3.0.0',
        compatible: '1.2.2',
        installed: null,
        updateAvailable: false,
      });
      expect(String(item.thumbnail)).toMatch(/^data:image\/svg\+xml;base64,/);
      // The description in other languages, from the manifest (the page picks its own).
      expect((item.descriptions as Record<string, string>).fr).toMatch(/^Publie un message sur Discord/);
      const versions = item.versions as Array<{ version: string; compatible: boolean; hostRange: string }>;
      expect(versions.map((v) => [v.version, v.compatible])).toEqual([
        ['3.0.0', false],
        ['1.2.2', true],
        ['1.2.1', true],
        ['1.2.0', true],
        ['1.1.0', true],
        ['1.0.0', true],
        ['0.9.0', true],
      ]);
      expect(versions[0].hostRange).toBe('>=99.0.0');
    },
    T,
  );

  it(
    'refuses a version whose host range this host does not meet, and installs nothing',
    async () => {
      const { status, json } = await api.call('POST', '/admin/api/marketplace/install', { name: PKG, version: '3.0.0' });
      expect(status).toBe(422);
      expect(json.reason).toBe('incompatible');
      expect(json.error).toMatch(/clientx-module-webhooks@3\.0\.0 refused: it needs host >=99\.0\.0, this host is 1\./);
      expect((await api.call('GET', '/admin/api/modules')).json.items).toEqual([]);
    },
    T,
  );

  it(
    'refuses a tarball that does not match its integrity before extracting anything',
    async () => {
      const { status, json } = await api.call('POST', '/admin/api/marketplace/install', { name: PKG, version: '0.9.0' });
      expect(status).toBe(422);
      expect(json.reason).toBe('integrity');
      expect(json.error).toMatch(/0\.9\.0 refused: the tarball does not match the registry's integrity/);
      const extracted = path.join(api.varDir, 'modules');
      expect(fs.existsSync(extracted) ? fs.readdirSync(extracted) : []).toEqual([]);
      expect((await api.call('GET', '/admin/api/modules')).json.items).toEqual([]);
    },
    T,
  );

  it(
    'installs 1.0.0, then updates to 1.1.0 while events keep arriving: new migration run, webhooks, settings, queue and logs kept, each event sent once',
    async () => {
      const installed = await api.call('POST', '/admin/api/marketplace/install', { name: PKG, version: '1.0.0' });
      expect(installed.status).toBe(201);
      expect(installed.json).toMatchObject({ uuid: 'webhooks', version: '1.0.0', source: 'marketplace', state: 'disabled' });
      const dir = (await api.host.modules.get('webhooks'))!.dir;
      expect(dir.startsWith(api.varDir)).toBe(true);
      expect((await api.call('POST', '/admin/api/modules/webhooks/enable')).status).toBe(200);
      await api.host
        .db('host_settings')
        .insert({ scope: 'webhooks', key: 'test.kept', value: JSON.stringify('yes'), updated_at: Date.now() });

      const hooks: number[] = [];
      for (const key of ['a', 'b']) {
        const res = await api.call('POST', '/admin/modules/webhooks/api/webhooks', {
          name: `Orders ${key}`,
          url: sink.url(key),
          platform: 'json',
          events: ['order.paid'],
          templates: { order: 'evt-%id%-end' },
        });
        expect(res.status).toBe(201);
        hooks.push((res.json.webhook as { id: number }).id);
      }
      // Before the update, what it would do: the migration still to run, the changelog's 1.1.0 section.
      const preview = await api.call('GET', '/admin/api/modules/webhooks/update-preview?version=1.1.0');
      expect(preview.status).toBe(200);
      expect(preview.json).toMatchObject({ uuid: 'webhooks', from: '1.0.0', to: '1.1.0', migrations: ['900-update-marker'] });
      const sections = (preview.json.changelog as { sections: Array<{ version: string; text: string }> }).sections;
      expect(sections.map((x) => x.version)).toEqual(['1.1.0']);
      expect(sections[0].text).toContain('900-update-marker');
      // Nothing was installed by looking.
      expect((await api.host.modules.get('webhooks'))!.version).toBe('1.0.0');

      // Slow answers, so a backlog of queued deliveries is there when the update starts.
      sink.latencyMs = 100;
      let n = 0;
      for (; n < 20; n++) await api.host.bus.emitAsync('order.paid', order(n + 1));

      // Events keep arriving during the whole update.
      let pumping = true;
      const pump = (async () => {
        while (pumping) {
          n++;
          await api.host.bus.emitAsync('order.paid', order(n));
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const listed = await api.call('GET', '/admin/api/marketplace');
      expect((listed.json.items as Array<Record<string, unknown>>)[1]).toMatchObject({
        installed: { uuid: 'webhooks', version: '1.0.0', state: 'enabled' },
        updateAvailable: true,
      });
      // Not drained yet when the update starts: 1.0.0 has sent only part of the 40 deliveries.
      expect(sink.requests.length).toBeLessThan(40);
      const updated = await api.call('POST', '/admin/api/modules/webhooks/update', { version: '1.1.0' });
      const sentByOld = updated.status === 200 ? sink.requests.length : -1;
      sink.latencyMs = 0;
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
      pumping = false;
      await pump;
      expect(updated.status).toBe(200);
      expect(updated.json).toMatchObject({
        updated: true,
        from: '1.0.0',
        to: '1.1.0',
        module: { version: '1.1.0', state: 'enabled', running: true },
      });
      expect(sentByOld).toBeLessThan(2 * n);
      const total = n;

      await waitFor(
        'every event delivered to both webhooks',
        () => sink.requestsFor('a').length >= total && sink.requestsFor('b').length >= total,
        60_000,
      );
      await waitFor(
        'every row delivered',
        async () => Number((await api.host.db('wh_deliveries').whereNot({ status: 'delivered' }).count({ c: '*' }))[0].c) === 0,
        30_000,
      );
      // A late duplicate would show up here.
      await new Promise((r) => setTimeout(r, 300));
      const expected = Array.from({ length: total }, (_, i) => i + 1);
      for (const key of ['a', 'b']) {
        const got = sink.requestsFor(key).flatMap((r) => eventNumbers(r.json ?? {}));
        expect(got.length).toBe(total);
        expect([...got].sort((x, y) => x - y)).toEqual(expected);
      }
      for (const id of hooks)
        expect(Number((await api.host.db('wh_deliveries').where({ webhook_id: id }).count({ c: '*' }))[0].c)).toBe(total);
      // The new migration ran; what 1.0.0 made is all there.
      expect(await api.host.db('wh_update_marker').select('note')).toEqual([{ note: 'migrated by 1.1.0' }]);
      expect((await api.call('GET', '/admin/modules/webhooks/api/webhooks')).json).toMatchObject({
        items: expect.arrayContaining([expect.objectContaining({ name: 'Orders a' }), expect.objectContaining({ name: 'Orders b' })]),
      });
      expect(await api.host.db('host_settings').where({ scope: 'webhooks', key: 'test.kept' }).first()).toBeTruthy();
      expect(fs.existsSync(dir)).toBe(false);
      const after = await api.call('GET', '/admin/api/marketplace');
      expect((after.json.items as Array<Record<string, unknown>>)[1]).toMatchObject({
        installed: { version: '1.1.0' },
        updateAvailable: true,
      });
    },
    T,
  );

  it(
    'keeps 1.1.0 enabled and serving when 1.2.0 throws at boot, says so, and keeps the migration that ran',
    async () => {
      const before = sink.requests.length;
      const res = await api.call('POST', '/admin/api/modules/webhooks/update', { version: '1.2.0' });
      expect(res.status).toBe(422);
      expect(res.json).toMatchObject({
        updated: false,
        from: '1.1.0',
        to: '1.2.0',
        module: { version: '1.1.0', state: 'enabled', running: true },
      });
      expect(String(res.json.error)).toMatch(/update to 1\.2\.0 failed, 1\.1\.0 kept: boom: this version cannot start/);
      expect((res.json.module as Record<string, unknown>).updateError).toMatch(/boom/);
      const notes = await api.host.db('host_notifications').where({ source: 'host' });
      expect(notes.map((x: { title: string; body: string }) => [x.title, x.body])).toEqual(
        expect.arrayContaining([
          ['Updating “Webhooks” from 1.1.0 to 1.2.0 failed: 1.1.0 is still in place', expect.stringContaining('boom')],
        ]),
      );
      // Documented: a migration that completed before the failure stays applied.
      expect(await api.host.db.schema.hasTable('wh_before_failure')).toBe(true);
      // Still serving: its pages answer and an event is delivered.
      expect((await api.call('GET', '/admin/modules/webhooks/api/webhooks')).status).toBe(200);
      await api.host.bus.emitAsync('order.paid', order(5000));
      await waitFor('the event sent by 1.1.0', () => sink.requests.length >= before + 2, 30_000);
      expect(sink.requests.slice(before).flatMap((r) => eventNumbers(r.json ?? {}))).toEqual([5000, 5000]);
      // And after a restart the host starts 1.1.0 again on the schema 1.2.0's migration left.
      await api.host.modules.stopAll();
      await api.host.modules.bootEnabled();
      expect(await api.host.modules.get('webhooks')).toMatchObject({ version: '1.1.0', state: 'enabled', running: true, error: null });
    },
    T,
  );

  it.each([
    ['1.2.1', 'its import throws', /boom: this version cannot be imported/],
    ['1.2.2', 'a migration throws', /migrations failed: .*boom: this migration fails/],
  ])(
    'keeps 1.1.0 serving when %s fails to boot (%s)',
    async (version, _what, why) => {
      const before = sink.requests.length;
      const res = await api.call('POST', '/admin/api/modules/webhooks/update', { version });
      expect(res.status).toBe(422);
      expect(res.json).toMatchObject({
        updated: false,
        from: '1.1.0',
        to: version,
        module: { version: '1.1.0', state: 'enabled', running: true },
      });
      expect(String(res.json.error)).toMatch(why);
      // The new migrations run as one batch in one transaction (knex). On PostgreSQL and SQLite the
      // migration that completed before the failing one is rolled back with the batch; on MariaDB
      // its DDL committed at once, so it stays, recorded as applied (documented in the README).
      const kept = version === '1.2.2' && kind === 'mysql';
      const applied = (await api.host.db('modmig_webhooks').select('name')).map((r: { name: string }) => r.name);
      expect(applied.filter((n) => n.startsWith('90')).sort()).toEqual([
        '900-update-marker',
        '901-before-the-failure',
        ...(kept ? ['902-completes'] : []),
      ]);
      expect(await api.host.db.schema.hasTable('wh_migration_completed')).toBe(kept);
      await api.host.bus.emitAsync('order.paid', order(6000 + Number(version.split('.')[2])));
      await waitFor('the event sent by 1.1.0', () => sink.requests.length >= before + 2, 30_000);
      // Only 1.1.0's folder is left: the failed version's files are gone.
      expect(fs.readdirSync(path.join(api.varDir, 'modules'))).toHaveLength(1);
    },
    T,
  );
});

describe('marketplace refusals that do not need a database of their own', () => {
  it(
    'answers a registry that is down, and one that never answers, with a clear error within the bound',
    async () => {
      const closed = await new Promise<number>((resolve) => {
        const s = net.createServer();
        s.listen(0, '127.0.0.1', () => {
          const port = (s.address() as net.AddressInfo).port;
          s.close(() => resolve(port));
        });
      });
      const silent = net.createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const silentPort = (silent.address() as net.AddressInfo).port;
      const { url, drop } = await createDatabaseUrl('sqlite');
      const down = await hostOn(url, { registry: `http://127.0.0.1:${closed}/`, timeoutMs: 1000 });
      try {
        const a = await down.call('GET', '/admin/api/marketplace');
        expect(a.status).toBe(502);
        expect(a.json).toMatchObject({ reason: 'unreachable' });
        expect(a.json.error).toMatch(new RegExp(`the registry http://127\\.0\\.0\\.1:${closed}/ cannot be reached \\(ECONNREFUSED\\)`));
        const b = await down.call('POST', '/admin/api/marketplace/install', { name: PKG });
        expect(b.status).toBe(502);
      } finally {
        await down.close();
      }
      const slow = await hostOn(url, { registry: `http://127.0.0.1:${silentPort}/`, timeoutMs: 1000 });
      try {
        const c = await slow.call('GET', '/admin/api/marketplace');
        expect(c.status).toBe(504);
        expect(c.json).toMatchObject({ reason: 'unreachable' });
        expect(c.json.error).toMatch(/did not answer within 1 s/);
      } finally {
        await slow.close();
        silent.close();
        await drop();
      }
    },
    T,
  );

  it(
    'refuses a package without manifest.json, and takes .tgz uploads (install, then update) under the same checks',
    async () => {
      const { url, drop } = await createDatabaseUrl('sqlite');
      const api = await hostOn(url, { registry: registry.url });
      const upload = async (file: string | Buffer) => {
        const name = typeof file === 'string' ? path.basename(file) : 'junk.tgz';
        const res = await bounded(`upload ${name}`, (signal) =>
          fetch(`${api.host.url}/admin/api/modules/upload?name=${encodeURIComponent(name)}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${api.host.adminToken}`, 'content-type': 'application/gzip' },
            body: new Uint8Array(typeof file === 'string' ? fs.readFileSync(file) : file),
            signal,
          }),
        );
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      try {
        const broken = await api.call('POST', '/admin/api/marketplace/install', { name: 'clientx-module-broken' });
        expect(broken.status).toBe(400);
        expect(broken.json.error).toMatch(/install: no manifest\.json in /);
        expect(fs.readdirSync(path.join(api.varDir, 'modules'))).toEqual([]);

        const junk = await upload(Buffer.from('not a tarball at all'));
        expect(junk.status).toBe(400);
        expect(junk.json.error).toMatch(/junk\.tgz refused: it is not a readable gzip archive/);

        const first = await upload(path.join(packDir, `${PKG}-1.0.0.tgz`));
        expect(first.status).toBe(201);
        expect(first.json).toMatchObject({ uuid: 'webhooks', version: '1.0.0', source: 'archive', state: 'disabled' });
        expect((await api.call('POST', '/admin/api/modules/webhooks/enable')).status).toBe(200);
        const second = await upload(path.join(packDir, `${PKG}-1.1.0.tgz`));
        expect(second.status).toBe(200);
        expect(second.json).toMatchObject({
          updated: true,
          from: '1.0.0',
          to: '1.1.0',
          module: { version: '1.1.0', state: 'enabled', running: true },
        });
        const again = await upload(path.join(packDir, `${PKG}-1.0.0.tgz`));
        expect(again.status).toBe(409);
        expect(again.json.error).toMatch(/1\.0\.0 is not newer than the installed 1\.1\.0/);
        expect((await api.host.modules.get('webhooks'))!.version).toBe('1.1.0');
      } finally {
        await api.close();
        await drop();
      }
    },
    T,
  );

  it(
    'reads a private package with MARKETPLACE_TOKEN, and says access was refused without it',
    async () => {
      const { url, drop } = await createDatabaseUrl('sqlite');
      const anonymous = await hostOn(url, { registry: registry.url });
      try {
        const listed = await anonymous.call('GET', '/admin/api/marketplace');
        expect((listed.json.items as Array<{ name: string }>).map((i) => i.name)).not.toContain('clientx-module-private-webhooks');
        const refused = await anonymous.call('POST', '/admin/api/marketplace/install', { name: 'clientx-module-private-webhooks' });
        expect(refused.status).toBe(502);
        expect(refused.json.error).toMatch(/refused access \((401|403|E401|E403)\); check MARKETPLACE_TOKEN/);
      } finally {
        await anonymous.close();
      }
      const signedIn = await hostOn(url, { registry: registry.url, token: registry.token });
      try {
        const listed = await signedIn.call('GET', '/admin/api/marketplace');
        expect((listed.json.items as Array<{ name: string }>).map((i) => i.name)).toContain('clientx-module-private-webhooks');
        const installed = await signedIn.call('POST', '/admin/api/marketplace/install', { name: 'clientx-module-private-webhooks' });
        expect(installed.status).toBe(201);
        expect(installed.json).toMatchObject({ uuid: 'webhooks', version: '1.0.0', source: 'marketplace' });
      } finally {
        await signedIn.close();
        await drop();
      }
    },
    T,
  );

  it(
    'says the marketplace is not configured when MARKETPLACE_REGISTRY is unset',
    async () => {
      const { url, drop } = await createDatabaseUrl('sqlite');
      const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-market-none-'));
      const { host } = await startTestHost({ varDir, databaseUrl: url });
      try {
        const res = await fetch(`${host.url}/admin/api/marketplace`, { headers: { authorization: `Bearer ${host.adminToken}` } });
        expect(res.status).toBe(503);
        expect(((await res.json()) as { error: string }).error).toMatch(/set MARKETPLACE_REGISTRY/);
      } finally {
        await host.close();
        fs.rmSync(varDir, { recursive: true, force: true });
        await drop();
      }
    },
    T,
  );
});
