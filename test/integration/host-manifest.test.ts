/**
 * The host refuses a bad manifest before running any of the module's code, with an error that
 * names the field; the repository's own manifest passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateManifest } from '../../host/modules/manifest-schema.js';
import { fixtureModule, repoRoot, startTestHost, tempVarDir } from '../fixtures/host-kit.js';

const good = JSON.parse(fs.readFileSync(path.join(repoRoot, 'manifest.json'), 'utf8')) as Record<string, unknown>;

describe('manifest validation', () => {
  it('accepts the repository’s manifest.json', () => {
    expect(validateManifest(good, '1.0.0').uuid).toBe('webhooks');
  });

  it.each([
    [{ version: '1.0' }, 'manifest.json: version: must be semver (e.g. 1.2.3)'],
    [{ uuid: 'Webhooks!' }, 'manifest.json: uuid: must be 1-48 characters: lowercase letters, digits, "-" or "_"'],
    [{ name: undefined }, 'manifest.json: name: is required'],
    [{ entry: '../outside.js' }, 'manifest.json: entry: must be a relative path inside the module folder'],
    [{ entry: 'dist/module/index.ts' }, 'manifest.json: entry: must name a built .js file'],
    [{ events: ['order paid'] }, 'manifest.json: events.0: must be an event name such as order.paid'],
    [{ permissions: 'webhooks.manage' }, 'manifest.json: permissions: Invalid input: expected array, received string'],
    [{ prerequisites: { host: 'any version' } }, 'manifest.json: prerequisites.host: must be a semver range (e.g. ">=1.0.0 <2.0.0")'],
    [{ prerequisites: { host: '>=2.0.0' } }, 'manifest.json: prerequisites.host: the module needs host >=2.0.0, this host is 1.0.0'],
    [{ author: { email: 'a@b.c' } }, 'manifest.json: author.name: is required'],
  ])('refuses %j naming the field', (change, message) => {
    const manifest = { ...good, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete (manifest as Record<string, unknown>)[k];
    expect(() => validateManifest(manifest, '1.0.0')).toThrow(message);
  });

  it('leaves a module whose entry cannot be imported disabled, with the reason, and uninstallable', async () => {
    const { host, varDir } = await startTestHost({ label: 'broken-import' });
    try {
      await host.modules.installFromFolder(fixtureModule('broken-import'));
      const rec = await host.modules.enable('broken-import');
      expect(rec.state).toBe('disabled');
      expect(rec.error).toMatch(/^could not load index\.js: .*no-such-package-for-host-tests/);
      expect((await fetch(`${host.url}/admin/api/modules`, { headers: { authorization: `Bearer ${host.adminToken}` } })).status).toBe(200);
      await host.modules.uninstall('broken-import');
      expect(await host.modules.list()).toEqual([]);
    } finally {
      await host.close();
      fs.rmSync(varDir, { recursive: true, force: true });
    }
  });

  it('refuses a module folder with a bad manifest at install, without importing its code', async () => {
    const { host, varDir } = await startTestHost({ label: 'manifest', allowFolderInstall: true });
    try {
      await expect(host.modules.installFromFolder(fixtureModule('bad-manifest'))).rejects.toThrow(
        'manifest.json: version: must be semver (e.g. 1.2.3)',
      );
      expect(await host.modules.list()).toEqual([]);
      expect((globalThis as { __badManifestImported?: boolean }).__badManifestImported).toBeUndefined();
      // Over HTTP too, for scripts.
      const res = await fetch(`${host.url}/admin/api/modules`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: fixtureModule('bad-manifest') }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'manifest.json: version: must be semver (e.g. 1.2.3)' });
      const notJson = tempVarDir('manifest-notjson');
      fs.writeFileSync(path.join(notJson, 'manifest.json'), '{ "uuid": ');
      await expect(host.modules.installFromFolder(notJson)).rejects.toThrow(/^manifest\.json: not valid JSON/);
      fs.rmSync(notJson, { recursive: true, force: true });
    } finally {
      await host.close();
      fs.rmSync(varDir, { recursive: true, force: true });
    }
  });
});
