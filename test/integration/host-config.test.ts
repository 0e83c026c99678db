/**
 * The host's configuration from the environment, and its own strings: every key the host's
 * templates and code use exists in French and English.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../host/config.js';
import { repoRoot, tempVarDir } from '../fixtures/host-kit.js';

describe('host configuration', () => {
  let varDir: string;
  beforeEach(() => {
    varDir = tempVarDir('config');
  });
  afterEach(() => fs.rmSync(varDir, { recursive: true, force: true }));

  it('has defaults, a generated admin token and an APP_KEY kept in var/app.key', () => {
    const c = loadConfig({}, { varDir, defaultProfile: 'development' });
    expect(c).toMatchObject({
      port: 8080,
      bindAddress: '127.0.0.1',
      databaseUrl: `sqlite:${path.join(varDir, 'host.db')}`,
      adminTokenGenerated: true,
      locale: 'fr',
      timeZone: 'Europe/Paris',
      profile: 'development',
      logLevel: 'info',
      allowPrivateNetworks: false,
    });
    expect(c.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fs.readFileSync(path.join(varDir, 'app.key'), 'utf8').trim()).toBe(c.appKey);
    const again = loadConfig({}, { varDir });
    expect(again.appKey).toBe(c.appKey);
    expect(again.adminToken).not.toBe(c.adminToken);
    expect(again.profile).toBe('production');
  });

  it('reads every variable', () => {
    const c = loadConfig(
      {
        PORT: '0',
        DATABASE_URL: 'mariadb://root@127.0.0.1:3306/host',
        ADMIN_TOKEN: 'a-long-enough-token',
        APP_KEY: 'key-from-env',
        HOST_LOCALE: 'en',
        HOST_TIMEZONE: 'America/Montreal',
        HOST_PROFILE: 'production',
        LOG_LEVEL: 'debug',
        ALLOW_PRIVATE_NETWORKS: '1',
        HOST_ALLOW_MODULE_UPLOAD: '1',
        HOST_ALLOW_FOLDER_INSTALL: 'true',
        HOST_INSECURE_COOKIES: '1',
        HOST_TRUST_PROXY: '10.0.0.2, 10.0.0.3',
        HOST_MODULE_TIMEOUT_S: '45',
      },
      { varDir },
    );
    expect(c).toMatchObject({
      port: 0,
      databaseUrl: 'mariadb://root@127.0.0.1:3306/host',
      adminToken: 'a-long-enough-token',
      adminTokenGenerated: false,
      appKey: 'key-from-env',
      locale: 'en',
      timeZone: 'America/Montreal',
      profile: 'production',
      logLevel: 'debug',
      allowPrivateNetworks: true,
      allowModuleUpload: true,
      allowFolderInstall: true,
      insecureCookies: true,
      trustProxy: '10.0.0.2, 10.0.0.3',
      moduleTimeoutMs: 45_000,
    });
    expect(fs.existsSync(path.join(varDir, 'app.key'))).toBe(false);
  });

  it('keeps installing code off in production unless the operator turns it on; cookies Secure; no proxy believed', () => {
    const prod = loadConfig({ APP_KEY: 'k', HOST_PROFILE: 'production' }, { varDir });
    expect(prod).toMatchObject({
      allowModuleUpload: false,
      allowFolderInstall: false,
      insecureCookies: false,
      trustProxy: null,
      moduleTimeoutMs: 30_000,
    });
    const dev = loadConfig({ APP_KEY: 'k' }, { varDir, defaultProfile: 'development' });
    expect(dev).toMatchObject({ allowModuleUpload: true, allowFolderInstall: true });
    expect(loadConfig({ APP_KEY: 'k', HOST_TRUST_PROXY: '1' }, { varDir }).trustProxy).toBe('loopback');
    expect(loadConfig({ APP_KEY: 'k', HOST_ALLOW_MODULE_UPLOAD: '0' }, { varDir, defaultProfile: 'development' }).allowModuleUpload).toBe(
      false,
    );
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: must be a number from 0 to 65535 (got "eighty")'],
    [{ PORT: '70000' }, 'PORT: must be a number from 0 to 65535 (got "70000")'],
    [{ DATABASE_URL: 'oracle://x' }, 'DATABASE_URL: must start with sqlite:, postgres://, mysql:// or mariadb://'],
    [{ HOST_LOCALE: 'de' }, 'HOST_LOCALE: must be one of fr, en (got "de")'],
    [{ HOST_PROFILE: 'staging' }, 'HOST_PROFILE: must be one of development, production (got "staging")'],
    [{ HOST_TIMEZONE: 'Mars/Olympus' }, 'HOST_TIMEZONE: unknown IANA time zone "Mars/Olympus"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN: must be at least 12 characters'],
    [{ HOST_ALLOW_MODULE_UPLOAD: 'yes' }, 'HOST_ALLOW_MODULE_UPLOAD: must be 1 or 0 (got "yes")'],
    [{ HOST_TRUST_PROXY: 'proxy.example.com; rm' }, 'HOST_TRUST_PROXY: must be 1 (a proxy on this machine) or a comma list'],
    [{ HOST_MODULE_TIMEOUT_S: '0' }, 'HOST_MODULE_TIMEOUT_S: must be a whole number of at least 1 (got "0")'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig({ APP_KEY: 'k', ...env }, { varDir })).toThrow(message);
  });
});

describe('host strings', () => {
  const read = (l: string) =>
    JSON.parse(fs.readFileSync(path.join(repoRoot, 'host', 'lang', `${l}.json`), 'utf8')) as Record<string, string>;
  const fr = read('fr');
  const en = read('en');

  it('has the same keys in French and English, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [k, v] of [...Object.entries(fr), ...Object.entries(en)]) expect([k, v.trim().length > 0]).toEqual([k, true]);
  });

  it('has every key the host’s templates and code ask for', () => {
    const files = [
      ...fs
        .readdirSync(path.join(repoRoot, 'host', 'views'))
        .filter((f) => f.endsWith('.njk'))
        .map((f) => path.join(repoRoot, 'host', 'views', f)),
      ...fs
        .readdirSync(path.join(repoRoot, 'host', 'http'))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(repoRoot, 'host', 'http', f)),
      path.join(repoRoot, 'host', 'create-host.ts'),
    ];
    const used = new Set<string>();
    for (const f of files) for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([a-z_]+\.[a-z_.]+)'(?! \+)/g)) used.add(m[1]);
    // Keys built from a prefix in the templates.
    for (const e of ['order_paid', 'ticket_submit', 'ticket_reply', 'ticket_close']) used.add(`simulate.event_${e}`);
    for (const s of ['folder', 'archive']) used.add(`modules.source_${s}`);
    for (const l of ['info', 'warning', 'error']) used.add(`notifications.level_${l}`);
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((k) => !(k in fr))).toEqual([]);
  });
});
