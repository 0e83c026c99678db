/**
 * Admin sessions and failed sign-ins: a session lives server-side, so the cookie of a signed-out
 * session is refused even when replayed; signing in rotates the CSRF secret, so a token handed
 * out before is refused after; wrong tokens (login form or bearer) from one address are answered
 * 429 with Retry-After past the limit, while the right token keeps working from that address.
 */
import fs from 'node:fs';
import { loadConfig } from '../../host/config.js';
import type { Host } from '../../host/create-host.js';
import { SESSION_MAX_AGE_S } from '../../host/http/auth.js';
import { Browser, csrfIn, startTestHost } from '../fixtures/host-kit.js';
import { TEST_EPOCH, TestClock } from '../support/clock.js';

/** The host_session cookie as a Cookie header value, to replay it outside the Browser's jar. */
function sessionCookieOf(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('host_session='));
  if (!set) throw new Error('no host_session cookie set');
  return set.split(';')[0];
}

describe('admin sessions', () => {
  const clock = new TestClock(TEST_EPOCH);
  let host: Host;
  let varDir: string;

  beforeAll(async () => {
    ({ host, varDir } = await startTestHost({ label: 'sessions', locale: 'en', clock }));
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('ends the session server-side at logout: the old cookie, replayed, answers 302 to pages and 401 to the API', async () => {
    const b = new Browser(host.url);
    const login = await b.login(host.adminToken);
    expect(login.status).toBe(303);
    const cookie = sessionCookieOf(login);
    const page = await b.fetch('/admin/modules');
    expect(page.status).toBe(200);
    expect(await host.db('host_sessions').count({ n: '*' })).toEqual([{ n: 1 }]);

    const logout = await b.form('/admin/logout', { _csrf: csrfIn(await page.text()) });
    expect(logout.status).toBe(303);
    expect(await host.db('host_sessions').count({ n: '*' })).toEqual([{ n: 0 }]);

    // The cookie is still validly signed and young, but its session is gone.
    const replayPage = await fetch(`${host.url}/admin/modules`, { headers: { cookie }, redirect: 'manual' });
    expect(replayPage.status).toBe(302);
    expect(replayPage.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fmodules');
    const replayApi = await fetch(`${host.url}/admin/api/modules`, { headers: { cookie } });
    expect(replayApi.status).toBe(401);
  });

  it('keeps other sessions alive when one signs out', async () => {
    const a = new Browser(host.url);
    const b = new Browser(host.url);
    await a.login(host.adminToken);
    await b.login(host.adminToken);
    const pageA = await a.fetch('/admin/modules');
    await a.form('/admin/logout', { _csrf: csrfIn(await pageA.text()) });
    expect((await a.fetch('/admin/modules')).status).toBe(302);
    expect((await b.fetch('/admin/modules')).status).toBe(200);
  });

  it('ends a session after 12 hours on the host’s clock', async () => {
    const b = new Browser(host.url);
    await b.login(host.adminToken);
    clock.advance(SESSION_MAX_AGE_S * 1000 - 1);
    expect((await b.fetch('/admin/modules')).status).toBe(200);
    clock.advance(1);
    expect((await b.fetch('/admin/modules')).status).toBe(302);
  });

  it('rotates the CSRF secret at login: a token from before signing in is refused after', async () => {
    const b = new Browser(host.url);
    const loginPage = await (await b.fetch('/admin/login')).text();
    const before = csrfIn(loginPage);
    expect((await b.form('/admin/login', { token: host.adminToken, _csrf: before })).status).toBe(303);
    // The token of the login page no longer passes a form...
    const stale = await b.form('/admin/notifications/read', { _csrf: before });
    expect(stale.status).toBe(403);
    expect(((await stale.json()) as { error: string }).error).toContain('CSRF');
    // ...while the token of a page served after signing in does.
    const fresh = csrfIn(await (await b.fetch('/admin/modules')).text());
    expect(fresh).not.toBe(before);
    expect((await b.form('/admin/notifications/read', { _csrf: fresh })).status).toBe(303);
  });
});

describe('failed sign-ins', () => {
  // One host per case: the limiter counts per address, and every request here comes from 127.0.0.1.
  let host: Host;
  let varDir: string;
  const api = (token: string) => fetch(`${host.url}/admin/api/modules`, { headers: { authorization: `Bearer ${token}` } });

  beforeEach(async () => {
    ({ host, varDir } = await startTestHost({ label: 'sign-in', locale: 'en' }));
  });
  afterEach(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('answers 429 with Retry-After to wrong login tokens past 10 from one address, and still lets the right one in', async () => {
    const b = new Browser(host.url);
    const csrf = csrfIn(await (await b.fetch('/admin/login')).text());
    const answers: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 20; i++) {
      last = await b.form('/admin/login', { token: `wrong-${i}`, _csrf: csrf });
      answers.push(last.status);
    }
    expect(answers).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
    const wait = Number(last!.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect(await last!.text()).toContain('Too many failed sign-ins from this address. Try again in');
    // The right token is not limited: the admin gets in from the same address.
    expect((await b.login(host.adminToken)).status).toBe(303);
    expect((await b.fetch('/admin/modules')).status).toBe(200);
  });

  it('answers 429 with Retry-After to wrong bearer tokens past 10, while the right token keeps working', async () => {
    const answers: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 20; i++) {
      last = await api(`wrong-${i}`);
      answers.push(last.status);
    }
    expect(answers).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: string }).error).toMatch(
      /^too many failed sign-in attempts from this address: retry in \d+ s$/,
    );
    // Many good calls in a row are never counted.
    const good: number[] = [];
    for (let i = 0; i < 30; i++) good.push((await api(host.adminToken)).status);
    expect(good).toEqual(Array(30).fill(200));
    // Requests without any credentials are not sign-in failures (still 401, not 429).
    expect((await fetch(`${host.url}/admin/api/modules`)).status).toBe(401);
  });

  it('counts login-form and bearer failures together, per address', async () => {
    const b = new Browser(host.url);
    const csrf = csrfIn(await (await b.fetch('/admin/login')).text());
    for (let i = 0; i < 10; i++) expect((await b.form('/admin/login', { token: `wrong-${i}`, _csrf: csrf })).status).toBe(401);
    expect((await api('wrong-bearer')).status).toBe(429);
  });
});

describe('sign-in limits are the host’s to choose', () => {
  it('follows signInLimits', async () => {
    const { host, varDir } = await startTestHost({ label: 'sign-in-limits', signInLimits: { max: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await fetch(`${host.url}/admin/api/modules`, { headers: { authorization: 'Bearer nope' } })).status);
      expect(statuses).toEqual([401, 401, 429, 429]);
    } finally {
      await host.close();
      fs.rmSync(varDir, { recursive: true, force: true });
    }
  });
});

describe('limits from the environment', () => {
  const env = { APP_KEY: 'k', HOST_VAR_DIR: '/nonexistent-not-written' };

  it('reads SIGNIN_* and MODULE_ARCHIVE_*, with documented defaults', () => {
    expect(loadConfig(env)).toMatchObject({
      signInLimits: { max: 10, windowMs: 15 * 60_000 },
      moduleArchiveLimits: { maxBytes: 50 * 1024 * 1024, maxEntries: 5000 },
    });
    const set = { ...env, SIGNIN_MAX_FAILURES: '3', SIGNIN_WINDOW_MIN: '2', MODULE_ARCHIVE_MAX_MB: '5', MODULE_ARCHIVE_MAX_FILES: '100' };
    expect(loadConfig(set)).toMatchObject({
      signInLimits: { max: 3, windowMs: 120_000 },
      moduleArchiveLimits: { maxBytes: 5 * 1024 * 1024, maxEntries: 100 },
    });
  });

  it('names a bad value', () => {
    expect(() => loadConfig({ ...env, SIGNIN_MAX_FAILURES: '0' })).toThrow(
      'SIGNIN_MAX_FAILURES: must be a whole number of at least 1 (got "0")',
    );
    expect(() => loadConfig({ ...env, MODULE_ARCHIVE_MAX_MB: '1.5' })).toThrow('MODULE_ARCHIVE_MAX_MB: must be a whole number');
  });
});
