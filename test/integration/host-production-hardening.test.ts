/**
 * The production profile as an operator runs it on the internet: the encoded admin paths of the
 * security report answer 401; installing code (an upload, a folder or .tgz on the host) is off
 * unless the operator turns it on, and each install names the admin; every cookie is `Secure`
 * (HOST_INSECURE_COOKIES opts out), HSTS goes out on https (through a trusted proxy only); a
 * module that never settles cannot hold the module lock.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Host } from '../../host/create-host.js';
import * as tar from 'tar';
import { fixtureModule, startTestHost } from '../fixtures/host-kit.js';

function raw(url: string, method: string, rawPath: string, headers: Record<string, string> = {}, body?: Buffer) {
  const base = new URL(url);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: rawPath,
        agent: false,
        headers: { 'content-length': String(body?.length ?? 0), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The probe fixture as `npm pack` lays it out (everything under package/). */
async function packFixture(dir: string): Promise<string> {
  const file = path.join(dir, 'probe.tgz');
  await tar.c(
    { gzip: true, file, cwd: fixtureModule('probe'), prefix: 'package/', portable: true },
    fs.readdirSync(fixtureModule('probe')),
  );
  return file;
}

const cookiesOf = (h: http.IncomingHttpHeaders) => h['set-cookie'] ?? [];

describe('production profile', () => {
  let host: Host;
  let varDir: string;
  let archive: string;
  const bearer = () => ({ authorization: `Bearer ${host.adminToken}` });

  beforeAll(async () => {
    ({ host, varDir } = await startTestHost({ label: 'prod' }));
    archive = await packFixture(varDir);
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('answers 401 to the encoded admin paths of the security report', async () => {
    for (const p of [
      '/%61dmin/modules/webhooks/api/webhooks',
      '/adm%69n/modules/webhooks/api/webhooks',
      '/%61dmin/api/modules',
      '/ADMIN/api/modules',
    ]) {
      const res = await raw(host.url, 'GET', p, { accept: 'application/json' });
      expect([p, res.status]).toEqual([p, 401]);
    }
    const upload = await raw(
      host.url,
      'POST',
      '/%61dmin/api/modules/upload',
      { 'content-type': 'application/gzip' },
      fs.readFileSync(archive),
    );
    expect(upload.status).toBe(401);
    expect(await host.modules.list()).toEqual([]);
  });

  it('refuses uploads and installs from the host (403, saying how to allow them), keeps the marketplace', async () => {
    const upload = await raw(
      host.url,
      'POST',
      '/admin/api/modules/upload?name=probe.tgz',
      { ...bearer(), 'content-type': 'application/gzip' },
      fs.readFileSync(archive),
    );
    expect(upload.status).toBe(403);
    expect(JSON.parse(upload.body).error).toMatch(/HOST_ALLOW_MODULE_UPLOAD=1/);
    for (const source of [fixtureModule('probe'), archive]) {
      const res = await fetch(`${host.url}/admin/api/modules`, {
        method: 'POST',
        headers: { ...bearer(), 'content-type': 'application/json' },
        body: JSON.stringify({ source }),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/HOST_ALLOW_FOLDER_INSTALL=1/);
    }
    expect(await host.modules.list()).toEqual([]);
    const page = await (await fetch(`${host.url}/admin/modules`, { headers: bearer() })).text();
    expect(page).toContain('data-testid="upload-off"');
    expect(page).toContain('data-testid="folder-install-off"');
    expect(page).not.toContain('action="/admin/module-upload"');
    // The marketplace route is still there (it answers that no registry is configured here).
    expect((await fetch(`${host.url}/admin/api/marketplace`, { headers: bearer() })).status).not.toBe(403);
  });

  it('sets only Secure cookies, and sends no HSTS over plain http', async () => {
    const res = await raw(host.url, 'GET', '/admin/login');
    expect(res.status).toBe(200);
    const cookies = cookiesOf(res.headers);
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    // A forwarded https is not believed without HOST_TRUST_PROXY.
    const spoofed = await raw(host.url, 'GET', '/admin/login', { 'x-forwarded-proto': 'https' });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('production profile, operator choices', () => {
  const hosts: Array<{ host: Host; varDir: string }> = [];
  afterAll(async () => {
    for (const h of hosts) {
      await h.host.close();
      fs.rmSync(h.varDir, { recursive: true, force: true });
    }
  });
  const start = async (opts: Parameters<typeof startTestHost>[0]) => {
    const h = await startTestHost(opts);
    hosts.push(h);
    return h.host;
  };

  it('HOST_ALLOW_MODULE_UPLOAD and HOST_ALLOW_FOLDER_INSTALL: installs work, each names the admin in the log and notifications', async () => {
    const { host, logs, varDir } = await startTestHost({ label: 'prod-allow', allowModuleUpload: true, allowFolderInstall: true });
    hosts.push({ host, varDir });
    const archive = await packFixture(varDir);
    const up = await raw(
      host.url,
      'POST',
      '/admin/api/modules/upload?name=probe.tgz',
      { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/gzip' },
      fs.readFileSync(archive),
    );
    expect(up.status).toBe(201);
    expect(logs.having(/^audit: module Probe 0\.2\.0 installed \(upload\) by admin \(bearer token\) from 127\.0\.0\.1$/)).toHaveLength(1);
    await host.modules.uninstall('probe');
    const folder = await fetch(`${host.url}/admin/api/modules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: fixtureModule('probe') }),
    });
    expect(folder.status).toBe(201);
    expect(logs.having(/^audit: module Probe 0\.2\.0 installed \(host folder\) by admin \(bearer token\)/)).toHaveLength(1);
    const notes = await (
      await fetch(`${host.url}/admin/notifications`, { headers: { authorization: `Bearer ${host.adminToken}` } })
    ).text();
    expect(notes).toContain('Probe');
    expect(notes).toMatch(/par admin \(bearer token\) depuis 127\.0\.0\.1/);
  });

  it('HOST_INSECURE_COOKIES: cookies without Secure, and a warning at start', async () => {
    const { host, logs, varDir } = await startTestHost({ label: 'prod-insecure', insecureCookies: true });
    hosts.push({ host, varDir });
    expect(logs.having(/HOST_INSECURE_COOKIES is set/)).toHaveLength(1);
    const res = await raw(host.url, 'GET', '/admin/login');
    const cookies = cookiesOf(res.headers);
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).not.toMatch(/;\s*Secure/i);
  });

  it('HOST_TRUST_PROXY: a TLS proxy in front gets HSTS, and Secure cookies', async () => {
    const host = await start({ label: 'prod-proxy', trustProxy: 'loopback' });
    const res = await raw(host.url, 'GET', '/admin/login', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    for (const c of cookiesOf(res.headers)) expect(c).toMatch(/;\s*Secure/i);
  });

  it('a module whose register() never settles: enable answers within the limit with the reason, the lock is released', async () => {
    const host = await start({ label: 'prod-hang', moduleTimeoutMs: 1500 });
    await host.modules.installFromFolder(fixtureModule('hangs-at-register'));
    await host.modules.installFromFolder(fixtureModule('probe'));
    const res = await fetch(`${host.url}/admin/api/modules/hangs-at-register/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.adminToken}` },
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { state: string; error: string };
    expect(body).toMatchObject({ state: 'disabled', error: 'register() did not finish within 1.5 s' });
    // The listener it added before hanging is gone, and later operations are not stuck behind it.
    (globalThis as { __hangsAtRegisterHeard?: number }).__hangsAtRegisterHeard = 0;
    host.bus.emit('order.paid', {});
    expect((globalThis as { __hangsAtRegisterHeard?: number }).__hangsAtRegisterHeard).toBe(0);
    expect((await host.modules.enable('probe')).state).toBe('enabled');
    expect((await host.modules.disable('probe')).state).toBe('disabled');
    await host.modules.uninstall('hangs-at-register');
    expect((await host.modules.list()).map((m) => m.uuid)).toEqual(['probe']);
  });
});
