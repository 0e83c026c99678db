import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

// The product promises to run on Node 20: a dependency whose `engines` refuses it may work today
// by luck (require(esm), a polyfill) and break in any patch release. The check reads what
// `npm ci` installed, so it also covers transitive packages and `overrides`.
const root = path.resolve(import.meta.dirname, '..', '..');

interface Manifest {
  name?: string;
  version?: string;
  engines?: { node?: unknown };
}

function installedManifests(dir: string, found: Array<{ where: string; manifest: Manifest }> = []): typeof found {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folder = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      installedManifests(folder, found);
      continue;
    }
    const file = path.join(folder, 'package.json');
    if (fs.existsSync(file))
      found.push({ where: path.relative(root, folder), manifest: JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest });
    const nested = path.join(folder, 'node_modules');
    if (fs.existsSync(nested)) installedManifests(nested, found);
  }
  return found;
}

describe('installed packages', () => {
  const own = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lowest = semver.minVersion(own.engines.node);

  it('our engines field names a Node 20 release', () => {
    expect(lowest?.major).toBe(20);
  });

  it('every installed package accepts the lowest Node our engines field allows', () => {
    const manifests = installedManifests(path.join(root, 'node_modules'));
    expect(manifests.length).toBeGreaterThan(100);
    const refusing = manifests
      .filter(({ manifest }) => typeof manifest.engines?.node === 'string')
      .filter(({ manifest }) => !semver.satisfies(lowest!, manifest.engines!.node as string))
      .map(({ where, manifest }) => `${where} (${manifest.name}@${manifest.version}) wants node ${String(manifest.engines!.node)}`);
    expect(refusing).toEqual([]);
  });
});
