/**
 * A module's pages and API never answer 404 just because it is not mounted yet (issue 29):
 *  - the CLI's first start installs and enables the repository's module before the host listens:
 *    a script that calls the module's API as soon as `/` answers gets 200, never 404;
 *  - while a module is being started (enable), its pages, API and public routes answer 503 with
 *    Retry-After; once it failed to start they answer 404 again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Host } from '../../host/create-host.js';
import { fixtureModule, repoRoot, startTestHost, tempVarDir } from '../fixtures/host-kit.js';
import { requireBuild, waitFor } from '../support/host-child.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('the first start mounts the module before the host answers', () => {
  let child: ChildProcess | null = null;
  const varDir = tempVarDir('first-answer');
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('calls the module API as soon as / answers: 200, never 404', async () => {
    requireBuild();
    const port = await freePort();
    const token = 'first-answer-token-'.padEnd(32, 'x');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST_VAR_DIR: varDir,
      ADMIN_TOKEN: token,
      INBOX_DISABLED: '1',
      MARKETPLACE_DEMO: '0',
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.NODE_OPTIONS;
    let out = '';
    child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'host', 'cli.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    const base = `http://127.0.0.1:${port}`;
    // As a deploy script would: poll / until the host answers at all, then call the API at once.
    await waitFor(
      `the host to answer / (output: ${out})`,
      async () => {
        if (child!.exitCode !== null) throw new Error(`cli exited: ${out}`);
        return fetch(`${base}/`, { redirect: 'manual' }).then(
          (r) => r.status > 0,
          () => false,
        );
      },
      60_000,
      5,
    );
    const api = await fetch(`${base}/admin/modules/webhooks/api/webhooks`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    expect(Array.isArray(((await api.json()) as { items: unknown[] }).items)).toBe(true);
  }, 90_000);
});

describe('a module being started answers 503 with Retry-After', () => {
  let host: Host;
  let varDir: string;
  beforeAll(async () => {
    ({ host, varDir } = await startTestHost({ label: 'starting', moduleTimeoutMs: 4_000 }));
    await host.modules.installFromFolder(fixtureModule('hangs-at-register'));
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('503 with Retry-After while register() runs, 404 once it failed', async () => {
    const auth = { authorization: `Bearer ${host.adminToken}` };
    const before = await fetch(`${host.url}/admin/modules/hangs-at-register/api/anything`, { headers: auth });
    expect(before.status).toBe(404);

    const enabling = host.modules.enable('hangs-at-register');
    await waitFor('the module to be starting', () => host.modules.isStarting('hangs-at-register'), 2_000, 5);
    const api = await fetch(`${host.url}/admin/modules/hangs-at-register/api/anything`, { headers: auth });
    const page = await fetch(`${host.url}/admin/modules/hangs-at-register/`, { headers: auth });
    const hook = await fetch(`${host.url}/hooks/hangs-at-register/anything`, { method: 'POST', body: '{}' });
    expect([api.status, page.status, hook.status]).toEqual([503, 503, 503]);
    for (const r of [api, page, hook]) expect(r.headers.get('retry-after')).toBe('1');
    expect(await api.json()).toEqual({ error: 'the module is starting; retry shortly' });
    expect(await page.text()).toMatch(/data-testid="reload"/);

    const rec = await enabling;
    expect(rec.error).toMatch(/register\(\)/);
    expect(host.modules.isStarting('hangs-at-register')).toBe(false);
    expect((await fetch(`${host.url}/admin/modules/hangs-at-register/api/anything`, { headers: auth })).status).toBe(404);
  }, 20_000);
});
