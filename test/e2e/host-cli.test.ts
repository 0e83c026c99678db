/**
 * The CLI as a user runs it (built dist/): `npm start`'s process prints the admin address and the
 * generated token, installs and enables the repository's module on first boot, and later
 * restarts keep what the admin chose, and its local marketplace lists the module's two versions;
 * `npm run package`'s command writes the npm package.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import * as tar from 'tar';
import { fixtureModule, repoRoot, tempVarDir } from '../fixtures/host-kit.js';

const cli = path.join(repoRoot, 'dist', 'host', 'cli.js');

interface Started {
  child: ChildProcess;
  admin: string;
  token: string;
  output: () => string;
}

function start(varDir: string, extraEnv: Record<string, string> = {}): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST_VAR_DIR: varDir, INBOX_DISABLED: '1', LOG_LEVEL: 'warn', ...extraEnv };
  delete env.ADMIN_TOKEN;
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [cli], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += String(d);
      const admin = /Admin:\s+(http:\/\/127\.0\.0\.1:\d+\/admin)/.exec(out);
      const token = /Admin token:\s+(\S+)/.exec(out);
      if (admin && token) resolve({ child, admin: admin[1], token: token[1], output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`cli exited with ${code}:\n${out}`)));
  });
}

function stop(s: Started): Promise<number | null> {
  return new Promise((resolve) => {
    s.child.removeAllListeners('exit');
    s.child.on('exit', (code) => resolve(code));
    s.child.kill('SIGTERM');
  });
}

describe('host CLI', () => {
  const varDir = tempVarDir('cli');
  afterAll(() => fs.rmSync(varDir, { recursive: true, force: true }));

  it('starts with the module enabled on first boot, and keeps the admin’s choice across restarts', async () => {
    const first = await start(varDir);
    try {
      expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // The banner says which SQLite driver this Node got (the child runs on this test's Node).
      expect(first.output()).toMatch(new RegExp(`SQLite: +(node:sqlite|better-sqlite3) \\(Node ${process.version.replace(/\./g, '\\.')}`));
      const modules = await fetch(`${first.admin}/api/modules`, { headers: { authorization: `Bearer ${first.token}` } });
      const items = ((await modules.json()) as { items: { uuid: string; state: string; source: string }[] }).items;
      expect(items).toEqual([expect.objectContaining({ uuid: 'webhooks', state: 'enabled', source: 'folder' })]);
      expect(fs.readFileSync(path.join(varDir, 'app.key'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
      const off = await fetch(`${first.admin}/api/modules/webhooks/disable`, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.token}` },
      });
      expect(off.status).toBe(200);
    } finally {
      expect(await stop(first)).toBe(0);
    }

    const second = await start(varDir);
    try {
      expect(second.token).not.toBe(first.token);
      const items = (
        (await (await fetch(`${second.admin}/api/modules`, { headers: { authorization: `Bearer ${second.token}` } })).json()) as {
          items: { uuid: string; state: string }[];
        }
      ).items;
      expect(items).toEqual([expect.objectContaining({ uuid: 'webhooks', state: 'disabled' })]);
      // The old token is no longer valid.
      expect((await fetch(`${second.admin}/api/modules`, { headers: { authorization: `Bearer ${first.token}` } })).status).toBe(401);
    } finally {
      await stop(second);
    }
  });

  it('ends on SIGTERM within its bound even when a module’s shutdown() never settles', async () => {
    const dir = tempVarDir('cli-hang');
    const s = await start(dir, { HOST_MODULE_TIMEOUT_S: '2', MARKETPLACE_DEMO: '0' });
    try {
      const auth = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
      const installed = await fetch(`${s.admin}/api/modules`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ source: fixtureModule('hangs-at-shutdown') }),
      });
      expect(installed.status).toBe(201);
      expect((await fetch(`${s.admin}/api/modules/hangs-at-shutdown/enable`, { method: 'POST', headers: auth })).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => {
        s.child.removeAllListeners('exit');
        s.child.on('exit', (code) => resolve(code));
      });
      s.child.kill('SIGTERM');
      // Without the bound the process stays alive for ever (only SIGKILL ended it): 60 s is far
      // past the 2 s module timeout plus the 5 s margin, and far short of never.
      const code = await Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 60_000).unref())]);
      expect(code).toBe(0);
      expect(s.output()).toContain('SIGTERM: stopping…');
      expect(s.output()).toMatch(/module hangs-at-shutdown: entry shutdown\(\) failed: entry shutdown\(\) did not finish within 2 s/);
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad configuration with the variable named', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST_VAR_DIR: varDir, HOST_LOCALE: 'de' };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [cli], { env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('configuration: HOST_LOCALE: must be one of fr, en (got "de")');
  });

  it('packages the module as an npm package: var/packages/clientx-module-webhooks-<version>.tgz that carries its dependencies', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [cli, 'package'], { env, encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
    expect(run.stderr).toBe('');
    const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'manifest.json'), 'utf8')) as { version: string }).version;
    const file = path.join(repoRoot, 'var', 'packages', `clientx-module-webhooks-${version}.tgz`);
    expect(run.stdout).toContain(`package: wrote var/packages/clientx-module-webhooks-${version}.tgz (clientx-module-webhooks@${version}`);
    expect(run.stdout).toMatch(/sha512-[A-Za-z0-9+/=]{80,}/);
    const entries: string[] = [];
    const texts = new Map<string, string>();
    await tar.t({
      file,
      onReadEntry: (e) => {
        entries.push(e.path);
        if (['package/package.json', 'package/manifest.json', 'package/dist/module/index.js'].includes(e.path)) {
          const chunks: Buffer[] = [];
          e.on('data', (c: Buffer) => chunks.push(c));
          e.on('end', () => texts.set(e.path, Buffer.concat(chunks).toString('utf8')));
        }
      },
    });
    for (const p of [
      'manifest.json',
      'package.json',
      'dist/module/index.js',
      'dist/module/render-worker.js',
      'dist/module/send-worker.js',
      'node_modules/piscina/package.json',
      'lang/fr.json',
      'lang/en.json',
      'views/index.njk',
      'views/assets/thumbnail.svg',
      'CHANGELOG.md',
    ]) {
      expect([p, entries.includes(`package/${p}`)]).toEqual([p, true]);
    }
    expect(entries.filter((p) => p.endsWith('.map') || p.startsWith('package/dist/host') || p.startsWith('package/dist/bench'))).toEqual(
      [],
    );
    const pkg = JSON.parse(texts.get('package/package.json')!) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      name: 'clientx-module-webhooks',
      version,
      type: 'module',
      files: ['manifest.json', 'dist', 'lang', 'views', 'CHANGELOG.md'],
      bundleDependencies: ['piscina'],
      clientx: { uuid: 'webhooks', prerequisites: { host: '>=1.0.0 <2.0.0' }, descriptions: { fr: expect.stringMatching(/^Publie/) } },
    });
    expect(pkg.keywords).toContain('clientx-module');
    // The shipped manifest names the entry's migrations (the host lists those an update will run).
    const shipped = JSON.parse(texts.get('package/manifest.json')!) as { migrations: string[] };
    expect(shipped).toMatchObject({ uuid: 'webhooks', version, entry: 'dist/module/index.js' });
    const { migrations } = await import('../../migrations/index.js');
    expect(shipped.migrations).toEqual(migrations.map((m) => m.name));
    // The bundle imports nothing but Node's built-ins and the shipped piscina: it runs from any folder.
    // esbuild writes static imports at the start of a line, and require() of CommonJS code as __require("x").
    const code = texts.get('package/dist/module/index.js')!;
    const statics = [...code.matchAll(/^import\s(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']/gm)].map((m) => m[1]);
    const required = [...code.matchAll(/__require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(statics).toEqual(expect.arrayContaining(['node:module', 'piscina']));
    const builtin = new Set(builtinModules);
    expect([...new Set([...statics, ...required])].filter((m) => !m.startsWith('node:') && !builtin.has(m) && m !== 'piscina')).toEqual([]);
  });

  it('npm start lists Webhooks with two versions on its Marketplace tab, without any network', async () => {
    const dir = tempVarDir('cli-market');
    const run = await start(dir);
    try {
      expect(run.output()).toMatch(/Marketplace: http:\/\/127\.0\.0\.1:\d+\/ +\(local demo registry serving /);
      const res = await fetch(`${run.admin}/api/marketplace`, { headers: { authorization: `Bearer ${run.token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        registry: string;
        items: Array<{ name: string; versions: { version: string }[]; installed: { version: string } | null; updateAvailable: boolean }>;
      };
      expect(body.registry).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const item = body.items.find((i) => i.name === 'clientx-module-webhooks')!;
      expect(item.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
      expect(item).toMatchObject({ installed: { version: '1.0.0' }, updateAvailable: true });
      const page = await fetch(`${run.admin}/marketplace`, { headers: { authorization: `Bearer ${run.token}` } });
      expect(await page.text()).toContain('data-package="clientx-module-webhooks"');
    } finally {
      await stop(run);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
