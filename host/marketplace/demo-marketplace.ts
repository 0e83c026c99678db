/**
 * `npm start`'s local marketplace: packs this repository's module twice into var/marketplace/
 * (its manifest version, and the next minor version from demo-next-version.ts, which adds one
 * migration) and serves that folder as an npm registry on 127.0.0.1. The packages are rebuilt
 * when the module's build is newer than them. Needs esbuild (a devDependency).
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { buildModulePackage, packageNameFor } from '../modules/module-package.js';
import { repoRoot } from '../paths.js';
import { startLocalRegistry } from './local-registry.js';

/** What the demo's next version says it changes (demo-next-version.ts adds that one migration). */
export function demoNextChangelog(version: string): string {
  return `## ${version}\n\n- Adds the table wh_update_marker (migration 900-update-marker), to show how an update runs its migrations.\n`;
}

export async function prepareDemoMarketplace(opts: { folder: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'manifest.json'), 'utf8')) as { uuid: string; version: string };
  const next = semver.inc(manifest.version, 'minor')!;
  const built = path.join(repoRoot, 'dist', 'module', 'index.js');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : Date.now();
  const versions = [
    { version: manifest.version },
    { version: next, entry: path.join(repoRoot, 'host', 'marketplace', 'demo-next-version.ts'), changelogEntry: demoNextChangelog(next) },
  ];
  fs.mkdirSync(opts.folder, { recursive: true });
  for (const v of versions) {
    const file = path.join(opts.folder, `${packageNameFor(manifest.uuid)}-${v.version}.tgz`);
    if (fs.existsSync(file) && fs.statSync(file).mtimeMs >= builtAt) continue;
    await buildModulePackage({ rootDir: repoRoot, outDir: opts.folder, ...v });
  }
  return startLocalRegistry({ folder: opts.folder, port: opts.port });
}
