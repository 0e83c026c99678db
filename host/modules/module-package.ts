/**
 * `npm run package`: the module as a real npm package, for a marketplace (an npm-compatible
 * registry) or an upload. Its runtime dependencies travel with it so it runs from any data
 * folder: esbuild bundles the module (got, zod, turndown… inside `dist/module/index.js`), and
 * piscina, which starts its workers from its own files, ships as a bundled dependency under the
 * package's `node_modules/`. What the host provides (knex, the bus, the container) comes from
 * `ctx` and is never imported at run time. The tarball is written by the real `npm pack`.
 *
 * package.json carries `clientx` (uuid, prerequisites.host, a data: thumbnail, the descriptions
 * by language) so the
 * marketplace can tell compatibility and draw its card without downloading every tarball; the
 * manifest.json inside stays the truth and is checked again on install. The packager writes the
 * entry's migration names into that manifest and ships CHANGELOG.md, so the host can say what an
 * update will run and what it changes before the admin confirms it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { ModuleManifest } from '../../sdk/manifest.js';

/** The keyword the marketplace lists packages by. */
export const MODULE_KEYWORD = 'clientx-module';
/** Thumbnails larger than this stay out of package.json (the marketplace then draws a letter). */
const MAX_THUMBNAIL_BYTES = 24 * 1024;
/** Runtime dependencies that cannot be bundled (piscina starts `worker.js` from its own folder). */
const shippedDependencies = ['piscina'];

export interface PackageOptions {
  /** The repository (manifest.json, lang/, views/, node_modules/). */
  rootDir: string;
  /** Where the .tgz goes. */
  outDir: string;
  /** TypeScript or JavaScript entry to bundle (default `<rootDir>/module/index.ts`). */
  entry?: string;
  /** Overrides manifest.json's version (tests publish 1.0.0 and 1.1.0 of the same code). */
  version?: string;
  /** Overrides manifest.json's prerequisites.host. */
  hostRange?: string;
  /** npm package name (default `clientx-module-<uuid>`). */
  name?: string;
  /** A changelog section written above the repository's CHANGELOG.md (the demo's next version says what it adds). */
  changelogEntry?: string;
}

export interface PackageResult {
  file: string;
  name: string;
  version: string;
  integrity: string;
}

export function packageNameFor(uuid: string): string {
  return `clientx-module-${uuid}`;
}

function thumbnailDataUri(rootDir: string, thumbnail: string | undefined): string | undefined {
  if (!thumbnail || /^https:/.test(thumbnail)) return thumbnail;
  const file = path.join(rootDir, thumbnail);
  if (!fs.existsSync(file) || fs.statSync(file).size > MAX_THUMBNAIL_BYTES) return undefined;
  const type = file.endsWith('.svg') ? 'image/svg+xml' : file.endsWith('.png') ? 'image/png' : null;
  return type ? `data:${type};base64,${fs.readFileSync(file).toString('base64')}` : undefined;
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.map') });
}

/** The changelog with `entry` as its newest section (below its `# ` title, if it has one). */
function withEntry(changelog: string, entry: string | undefined): string {
  if (!entry) return changelog;
  const title = /^# [^\n]*\n+/.exec(changelog)?.[0] ?? '# Changelog\n\n';
  return `${title}${entry.trim()}\n\n${changelog.slice(/^# /.test(changelog) ? title.length : 0)}`;
}

function readIfExists(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/**
 * The names of the migrations the built entry exports, read on the publisher's machine (the
 * bundle is this package's own code), so a host can name them before it runs anything.
 */
async function migrationNames(entry: string): Promise<string[] | undefined> {
  try {
    const mod = (await import(pathToFileURL(entry).href)) as { migrations?: Array<{ name?: unknown }> };
    const names = (mod.migrations ?? []).map((m) => m.name);
    return names.every((n): n is string => typeof n === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the staged package folder and runs `npm pack` on it. */
export async function buildModulePackage(opts: PackageOptions): Promise<PackageResult> {
  const { build } = await import('esbuild');
  const rootDir = path.resolve(opts.rootDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(rootDir, 'manifest.json'), 'utf8')) as ModuleManifest;
  const version = opts.version ?? manifest.version;
  const name = opts.name ?? packageNameFor(manifest.uuid);
  const outDir = path.resolve(opts.outDir);
  fs.mkdirSync(outDir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(outDir, '.stage-'));
  try {
    const entry = opts.entry ?? path.join(rootDir, 'module', 'index.ts');
    await build({
      entryPoints: {
        'dist/module/index': entry,
        // event-renderers.ts and send-thread.ts ask piscina for their workers beside the bundle's own file.
        'dist/module/render-worker': path.join(rootDir, 'module', 'rendering', 'render-worker.ts'),
        'dist/module/send-worker': path.join(rootDir, 'module', 'delivery', 'send-worker.ts'),
      },
      outdir: stage,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: shippedDependencies,
      logLevel: 'error',
      // CommonJS dependencies inside an ESM bundle still call require() for Node's built-ins.
      banner: {
        js: "import { createRequire as __cxCreateRequire } from 'node:module'; const require = __cxCreateRequire(import.meta.url);",
      },
    });
    const dependencies: Record<string, string> = {};
    for (const dep of shippedDependencies) {
      const src = path.join(rootDir, 'node_modules', dep);
      dependencies[dep] = (JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8')) as { version: string }).version;
      copyDir(src, path.join(stage, 'node_modules', dep));
    }
    const shipped: ModuleManifest = {
      ...manifest,
      version,
      migrations: await migrationNames(path.join(stage, 'dist', 'module', 'index.js')),
      entry: 'dist/module/index.js',
      prerequisites: { ...manifest.prerequisites, host: opts.hostRange ?? manifest.prerequisites.host },
    };
    fs.writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify(shipped, null, 2) + '\n');
    for (const dir of ['lang', 'views']) copyDir(path.join(rootDir, dir), path.join(stage, dir));
    const changelog = withEntry(readIfExists(path.join(rootDir, 'CHANGELOG.md')), opts.changelogEntry);
    if (changelog) fs.writeFileSync(path.join(stage, 'CHANGELOG.md'), changelog);
    const pkg = {
      name,
      version,
      description: manifest.description,
      keywords: [MODULE_KEYWORD, ...manifest.events],
      author: manifest.author.email ? `${manifest.author.name} <${manifest.author.email}>` : manifest.author.name,
      license: 'MIT',
      type: 'module',
      main: shipped.entry,
      files: ['manifest.json', 'dist', 'lang', 'views', ...(changelog ? ['CHANGELOG.md'] : [])],
      engines: { node: '>=20.9' },
      dependencies,
      bundleDependencies: Object.keys(dependencies),
      clientx: {
        uuid: manifest.uuid,
        name: manifest.name,
        prerequisites: { host: shipped.prerequisites.host },
        thumbnail: thumbnailDataUri(rootDir, manifest.thumbnail),
        ...(manifest.descriptions ? { descriptions: manifest.descriptions } : {}),
      },
    };
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    const { stdout } = await promisify(execFile)('npm', ['pack', '--json', '--pack-destination', outDir], {
      cwd: stage,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, npm_config_ignore_scripts: 'true', npm_config_loglevel: 'error' },
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; integrity: string }>;
    return { file: path.join(outDir, packed.filename), name, version, integrity: packed.integrity };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
