/**
 * The one way the browser tests start Chromium (playwright-core, headless, no sandbox since CI
 * runs as root):
 *
 * - Debian's `chromium` at /usr/bin/chromium when it is installed;
 * - otherwise the headless Chromium shipped inside the devDependency `@sparticuz/chromium`, so
 *   `npm install && npm test` needs nothing from apt. Its brotli-packed binary is unpacked once
 *   into node_modules/.cache/ by a child process (the package unpacks under os.tmpdir(), so the
 *   child gets a private TMPDIR) and moved into place with one rename, so two jest workers starting
 *   together never launch a half-written binary.
 *
 * Both read the system's fontconfig: emoji are drawn in colour only where a colour emoji font is
 * installed (Debian's fonts-noto-color-emoji, which .ci/run installs); the console line says
 * whether one is.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Keep Chromium quiet on a closed network: no update, sync or background connections. */
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const isExecutableFile = (file: string): boolean => {
  try {
    if (!fs.statSync(file).isFile()) return false; // e.g. /dev/null bound over it
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Unpacks @sparticuz/chromium's binary (once per installed version) and returns its path. */
async function registryChromium(): Promise<{ executablePath: string; args: string[]; label: string }> {
  const require = createRequire(import.meta.url);
  // The entry point's depth inside the package differs between releases: walk up to the root.
  let pkgDir = path.dirname(require.resolve('@sparticuz/chromium'));
  const manifest = (dir: string): { name?: string; version?: string } => {
    const file = path.join(dir, 'package.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string }) : {};
  };
  while (manifest(pkgDir).name !== '@sparticuz/chromium' && path.dirname(pkgDir) !== pkgDir) pkgDir = path.dirname(pkgDir);
  const { version } = manifest(pkgDir);
  const cacheRoot = path.resolve(pkgDir, '..', '..', '.cache');
  const target = path.join(cacheRoot, `sparticuz-chromium-${version}`);
  const executablePath = path.join(target, 'chromium');

  if (!isExecutableFile(executablePath)) {
    fs.mkdirSync(cacheRoot, { recursive: true });
    // Leftovers of runs that were killed while unpacking.
    const partialPrefix = `sparticuz-chromium-${version}.partial-`;
    for (const name of fs.readdirSync(cacheRoot)) {
      const pid = Number(name.startsWith(partialPrefix) ? name.slice(partialPrefix.length) : NaN);
      if (Number.isInteger(pid) && !isRunning(pid)) fs.rmSync(path.join(cacheRoot, name), { recursive: true, force: true });
    }
    const staging = path.join(cacheRoot, `${partialPrefix}${process.pid}`);
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging);
    const script = "const c = (await import('@sparticuz/chromium')).default; process.stdout.write(await c.executablePath());";
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      env: { ...process.env, TMPDIR: staging, NODE_OPTIONS: '' },
    });
    if (path.resolve(stdout.trim()) !== path.join(staging, 'chromium'))
      throw new Error(`@sparticuz/chromium unpacked to ${stdout.trim()}, not under ${staging}`);
    try {
      fs.renameSync(staging, target);
    } catch (e) {
      // Another worker got there first: use its copy.
      fs.rmSync(staging, { recursive: true, force: true });
      if (!isExecutableFile(executablePath)) throw e;
    }
  }
  const { default: sparticuz } = await import('@sparticuz/chromium');
  // Its flags for serverless hosts, less --single-process (needed only where a sandboxed host
  // forbids child processes): in one process, closing any page's context ends the whole browser.
  const args = sparticuz.args.filter((a) => a !== '--single-process');
  return { executablePath, args: [...args, '--no-sandbox'], label: `@sparticuz/chromium ${version}` };
}

const colourEmojiFonts = (): string => {
  try {
    const families = execFileSync('fc-list', [':color=true', 'family'], { encoding: 'utf8' }).trim();
    return families ? `colour emoji font: ${families.split('\n').join(', ')}` : 'no colour emoji font (emoji drawn as boxes)';
  } catch {
    return 'colour emoji fonts unknown (no fc-list)';
  }
};

let announced = false;

/** Starts a headless Chromium: Debian's when installed, else the one shipped by @sparticuz/chromium. */
export async function launchBrowser(): Promise<Browser> {
  const choice = isExecutableFile(DEBIAN_CHROMIUM)
    ? { executablePath: DEBIAN_CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], label: "Debian's chromium" }
    : await registryChromium();
  const browser = await chromium.launch({ executablePath: choice.executablePath, headless: true, args: [...choice.args, ...QUIET] });
  if (!announced) {
    announced = true;
    console.log(`browser: ${choice.label}, Chromium ${browser.version()} at ${choice.executablePath}; ${colourEmojiFonts()}`);
  }
  return browser;
}
