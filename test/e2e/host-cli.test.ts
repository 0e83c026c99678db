/**
 * The CLI as a user runs it (built dist/): `npm start`'s process prints the admin address and the
 * generated token, installs and enables the repository's module on first boot, and later
 * restarts keep what the admin chose; `npm run package`'s command writes the archive.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { repoRoot, tempVarDir } from '../fixtures/host-kit.js';

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

  it('refuses a bad configuration with the variable named', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST_VAR_DIR: varDir, HOST_LOCALE: 'de' };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [cli], { env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('configuration: HOST_LOCALE: must be one of fr, en (got "de")');
  });

  it('packages the module: var/packages/webhooks-<version>.tgz with what the host needs', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [cli, 'package'], { env, encoding: 'utf8', cwd: repoRoot, timeout: 60_000 });
    expect(run.stderr).toBe('');
    const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'manifest.json'), 'utf8')) as { version: string }).version;
    const file = path.join(repoRoot, 'var', 'packages', `webhooks-${version}.tgz`);
    expect(run.stdout).toContain(`package: wrote var/packages/webhooks-${version}.tgz`);
    const entries: string[] = [];
    await tar.t({ file, onReadEntry: (e) => void entries.push(e.path) });
    for (const p of [
      'manifest.json',
      'package.json',
      'dist/module/index.js',
      'dist/sdk/events.js',
      'dist/migrations/index.js',
      'lang/fr.json',
      'lang/en.json',
      'views/index.njk',
      'views/assets/thumbnail.svg',
    ]) {
      expect([p, entries.includes(p)]).toEqual([p, true]);
    }
    expect(entries.filter((p) => p.endsWith('.map') || p.startsWith('dist/host') || p.startsWith('dist/bench'))).toEqual([]);
  });
});
