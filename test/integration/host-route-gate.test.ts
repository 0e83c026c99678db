/**
 * Deny by default, tried the way an attacker spells a path: every route the host's router can
 * match, and every route a running module declares, is requested without credentials through
 * many spellings of its path (percent-encoded letters, upper-case escapes, `%2F`, `//`, `/./`,
 * `/x/../`, a trailing `/` or `.`, `;` parameters, mixed case) and with a wrong bearer token.
 * Each must answer 401 or 403, or send a browser to the login page; never the route's answer,
 * never a 404 that tells an anonymous caller which routes exist. Requests go out with
 * `http.request` so the path reaches the host exactly as written (fetch would normalise it).
 * The public routes are listed here by name: a new route is decided on here, or it is denied.
 */
import fs from 'node:fs';
import http from 'node:http';
import fc from 'fast-check';
import type { Host } from '../../host/create-host.js';
import { fixtureModule, repoRoot, startTestHost } from '../fixtures/host-kit.js';

/**
 * The only routes anyone may reach: the login page and its form, the host's script, the `/`
 * redirect, the customer's helpdesk pages (each ticket behind its link's key), and the modules'
 * public routes (a table of their own, each checking its caller's signature).
 */
const PUBLIC_ROUTES = [
  'POST /hooks/:uuid/*',
  'GET /support',
  'HEAD /support',
  'POST /support/tickets',
  'GET /support/tickets/:id',
  'HEAD /support/tickets/:id',
  'POST /support/tickets/:id/reply',
  'GET /',
  'HEAD /',
  'GET /admin/login',
  'HEAD /admin/login',
  'POST /admin/login',
  'GET /admin/host-assets/:file',
  'HEAD /admin/host-assets/:file',
];

interface Target {
  method: string;
  path: string;
}

interface Answer {
  status: number;
  location: string;
  body: string;
}

function send(base: URL, method: string, rawPath: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        agent: false,
        method,
        path: rawPath,
        headers: { 'content-length': '0', ...headers },
        timeout: 20_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d.length + body.length < 400 ? d : ''));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ''), body: body.slice(0, 200) }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${rawPath}: no answer within 20 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Refused: no credentials, or sent to sign in; or a path no router can decode (answered before any route). */
const denied = (a: Answer) =>
  a.status === 401 ||
  a.status === 403 ||
  ((a.status === 302 || a.status === 303) && a.location.startsWith('/admin/login')) ||
  (a.status === 400 && a.body.includes('malformed %-escape'));

/** One concrete path per route pattern: parameters get a value that exists where it matters. */
function concrete(url: string): string {
  return url
    .replace(/:uuid/g, 'webhooks')
    .replace(/:action/g, 'enable')
    .replace(/:event/g, 'order.paid')
    .replace(/:file/g, 'simulate.js')
    .replace(/:(\w+)/g, '1')
    .replace(/\*$/, 'api/webhooks');
}

const hex = (ch: string, upper: boolean) => {
  const h = ch.charCodeAt(0).toString(16);
  return '%' + (upper ? h.toUpperCase() : h.toLowerCase());
};

/** Every spelling of `p` the test tries; each keeps the same meaning to a decoding router. */
export function spellings(p: string): string[] {
  const segs = p.split('/').slice(1);
  const join = (parts: string[]) => '/' + parts.join('/');
  const out = new Set<string>([p]);
  segs.forEach((seg, i) => {
    const letters = [...seg].map((c, j) => [c, j] as const).filter(([c]) => /[a-z]/i.test(c));
    for (const [c, j] of letters.slice(0, 2)) {
      for (const upper of [false, true]) {
        const s = [...segs];
        s[i] = seg.slice(0, j) + hex(c, upper) + seg.slice(j + 1);
        out.add(join(s));
      }
    }
    if (letters.length) {
      const s = [...segs];
      s[i] = seg.toUpperCase();
      out.add(join(s));
      s[i] = [...seg].map((c, j) => (j % 2 ? c.toUpperCase() : c)).join('');
      out.add(join(s));
    }
    const semi = [...segs];
    semi[i] = seg + ';jsessionid=1';
    out.add(join(semi));
    if (i > 0) {
      out.add(join(segs.slice(0, i)) + '%2F' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '%2f' + segs.slice(i).join('/'));
      out.add(join(segs.slice(0, i)) + '//' + segs.slice(i).join('/'));
    }
    out.add(join([...segs.slice(0, i), '.', ...segs.slice(i)]));
    out.add(join([...segs.slice(0, i), 'x', '..', ...segs.slice(i)]));
    out.add(join([...segs.slice(0, i), '%2e', ...segs.slice(i)]));
  });
  out.add('/' + p);
  out.add(p + '/');
  out.add(p + '.');
  out.add(p + '?x=1');
  return [...out];
}

describe('the route gate (production profile)', () => {
  let host: Host;
  let varDir: string;
  let base: URL;
  let targets: Target[];

  beforeAll(async () => {
    ({ host, varDir } = await startTestHost({ label: 'gate', signInLimits: { max: 1_000_000 } }));
    base = new URL(host.url);
    await host.modules.installFromFolder(repoRoot);
    await host.modules.installFromFolder(fixtureModule('probe'));
    expect((await host.modules.enable('webhooks')).error).toBeNull();
    expect((await host.modules.enable('probe')).error).toBeNull();
    const hostRoutes = host.routes.filter((r) => !r.public).map((r) => ({ method: r.method, path: concrete(r.url) }));
    const moduleRoutes = host.modules.runningModulesList().flatMap((m) =>
      m.routes.list().map((r) => ({
        method: r.method,
        path: concrete(`/admin/modules/${m.manifest.uuid}${r.kind === 'api' ? '/api' : ''}${r.path === '/' ? '/' : r.path}`),
      })),
    );
    targets = [...hostRoutes, ...moduleRoutes];
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('opens only the routes this test names as public', () => {
    const open = host.routes
      .filter((r) => r.public)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(open).toEqual([...PUBLIC_ROUTES].sort());
    // The walk below covers the module routes too (webhooks' API and pages, the probe's).
    expect(targets.filter((t) => t.path.startsWith('/admin/modules/webhooks/api/')).length).toBeGreaterThan(15);
  });

  it('reaches a route with the right credentials (the walk below is not denied by accident)', async () => {
    const ok = await send(base, 'GET', '/admin/modules/webhooks/api/webhooks', { authorization: `Bearer ${host.adminToken}` });
    expect(ok.status).toBe(200);
    // The metrics route (a scraper's bearer token) is one of the routes walked below.
    expect(targets).toContainEqual({ method: 'GET', path: '/admin/modules/webhooks/api/metrics' });
    const metrics = await fetch(new URL('/admin/modules/webhooks/api/metrics', base), {
      headers: { authorization: `Bearer ${host.adminToken}` },
    });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toMatch(/^# HELP webhooks_/);
  });

  it('denies every non-public route through every spelling of its path, without credentials', async () => {
    const leaks: string[] = [];
    let tried = 0;
    for (const t of targets) {
      for (const p of spellings(t.path)) {
        tried++;
        const a = await send(base, t.method, p);
        if (!denied(a)) leaks.push(`${t.method} ${p} -> ${a.status} ${a.location} ${a.body.slice(0, 80)}`);
      }
    }
    expect(tried).toBeGreaterThan(1000);
    expect(leaks).toEqual([]);
  });

  it('denies every non-public route to a wrong bearer token', async () => {
    const leaks: string[] = [];
    for (const t of targets) {
      const a = await send(base, t.method, t.path, { authorization: 'Bearer not-the-admin-token-at-all' });
      if (a.status !== 401) leaks.push(`${t.method} ${t.path} -> ${a.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it('denies random spellings of random routes (property)', async () => {
    const mangle = fc.constantFrom<(p: string) => string>(
      (p) => p.replace(/(?<!%[0-9a-f]?)[a-z]/i, (c) => hex(c, true)),
      (p) => p.replace(/(?<!%[0-9a-f]?)[a-z](?=[^/]*$)/i, (c) => hex(c, false)),
      (p) => p.replace('/', '//'),
      (p) => p.replace(/(?<=.)\/(?=[^/]+$)/, '/./'),
      (p) => p.replace(/(?<=.)\/(?=[^/]+$)/, '/zz/../'),
      (p) => p.replace(/(?<=.)\/(?=[^/]+$)/, '%2F'),
      (p) => p + '/',
      (p) => p + ';a=b',
      (p) => p.replace(/(?<=\/)[a-z]+/, (w) => w.toUpperCase()),
      (p) => p.replace(/\/([^/%]+)\//, (_m, s: string) => `/${s.replace(/[a-z]/gi, (c) => hex(c, false))}/`),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mangle, { minLength: 1, maxLength: 4 }), async (i, fs) => {
        const t = targets[i % targets.length];
        const p = fs.reduce((acc, f) => f(acc), t.path);
        const a = await send(base, t.method, p).catch((err: Error) => {
          throw new Error(`${t.method} ${p}: ${err.message}`);
        });
        if (!denied(a)) throw new Error(`${t.method} ${p} -> ${a.status} ${a.location} ${a.body.slice(0, 80)}`);
      }),
      { numRuns: 400 },
    );
  });
});
