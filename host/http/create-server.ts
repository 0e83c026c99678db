/**
 * The host's HTTP server (fastify): cookies, forms, CSRF, the admin gate, the host's pages and
 * the module mount point. Every route but those marked `public` in their options (the login
 * page, the host's script, the `/` redirect) needs the session cookie or the bearer token; a cookie-authenticated request that changes something needs a CSRF token
 * (`_csrf` field or `x-csrf-token` header), a bearer request does not (no ambient credential).
 * close() cuts open connections: a client holding an unread body must not keep the host alive.
 */
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger as Pino } from 'pino';
import type { Locale, Translator } from '../../sdk/module-context.js';
import type { NotificationStore } from '../context/notifications-store.js';
import type { ModuleRegistry } from '../modules/module-registry.js';
import type { MarketplaceService } from '../marketplace/marketplace-service.js';
import { authenticate, CSRF_COOKIE } from './auth.js';
import { mountHostPages } from './host-pages.js';
import { moduleTranslator } from './module-translator.js';
import type { HostViews, LayoutData } from './host-views.js';
import { mountModuleDispatch } from './module-dispatch.js';
import { mountPublicRoutes } from './public-routes.js';
import type { HelpdeskService } from '../helpdesk/helpdesk-service.js';
import { wantsJson } from './request-context.js';
import type { SessionStore } from './session-store.js';
import { registerSignInLimiter, tooManyFailures, type SignInLimits } from './sign-in-limiter.js';
import type { Simulator } from './simulator.js';
import { sdkLogger } from '../context/logger.js';
import { installAudit } from './install-audit.js';

export interface ServerDeps {
  registry: ModuleRegistry;
  marketplace: MarketplaceService;
  varDir: string;
  /** Bytes an uploaded .tgz may have. */
  uploadLimit: number;
  views: HostViews;
  translator: Translator;
  notifications: NotificationStore;
  simulator: Simulator;
  helpdesk: HelpdeskService;
  adminToken: string;
  cookieSecret: string;
  sessions: SessionStore;
  signInLimits: SignInLimits;
  locale: Locale;
  timeZone: string;
  profile: string;
  adminPermissions: string[];
  pino: Pino;
  now: () => number;
  /** Uploading module archives is allowed (HOST_ALLOW_MODULE_UPLOAD; development by default). */
  allowModuleUpload: boolean;
  /** Installing from the host's disk is allowed (HOST_ALLOW_FOLDER_INSTALL; development by default). */
  allowFolderInstall: boolean;
  /** Every cookie `Secure` (production); otherwise `Secure` when the request came over https. */
  secureCookies: boolean;
  /** Whose X-Forwarded-* headers to believe (HOST_TRUST_PROXY): proxy addresses; null: nobody's. */
  trustProxy: string | null;
}

const csp =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** One row of the host's route table: what the router can match and whether it is open to anyone. */
export interface RouteInfo {
  method: string;
  url: string;
  public: boolean;
}

export async function createServer(deps: ServerDeps): Promise<{ app: FastifyInstance; routes: RouteInfo[] }> {
  const app = Fastify({
    loggerInstance: deps.pino.child({ part: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Addresses, never `true` or a hop count: a client reaching the host directly must not be
    // able to claim https or another address with headers of its own.
    trustProxy: deps.trustProxy ?? false,
    forceCloseConnections: true,
    // A path fastify cannot decode (`/webhooks/%ZZ`) is answered before any route or hook runs:
    // a 400 in the host's `{error}` shape instead of fastify's own body, the path not echoed.
    frameworkErrors: (err: { code?: string }, _req: FastifyRequest, reply: FastifyReply) =>
      void reply
        .code(400)
        .header('content-security-policy', csp)
        .header('x-content-type-options', 'nosniff')
        .send({ error: err.code === 'FST_ERR_BAD_URL' ? 'bad request: the address is not valid (a malformed %-escape)' : 'bad request' }),
  }) as unknown as FastifyInstance;
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method: String(method), url: r.url, public: r.config?.public === true });
  });
  // Pages, scripts, styles and JSON answers go out compressed (brotli or gzip, as the browser
  // accepts) when over 1 KB: the webhook list is ~250 KB of HTML and ~8 KB gzipped.
  await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  // Defaults of every cookie the host and its plugins set (session, CSRF, flash).
  await app.register(fastifyCookie, { secret: deps.cookieSecret, parseOptions: { secure: deps.secureCookies ? true : 'auto' } });
  await app.register(fastifyFormbody, { bodyLimit: 1024 * 1024 });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/admin', sameSite: 'strict', httpOnly: true, signed: true },
  });

  // JSON bodies: an empty body is "no payload" (the simulator then fires a sample), not an error.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    return defaultJson(req, body as string, done);
  });

  const signIn = await registerSignInLimiter(app, deps.signInLimits);

  app.decorateRequest('auth', null);
  app.addHook('onSend', async (req, reply) => {
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    reply
      .header('content-security-policy', csp)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff');
  });

  // Deny by default, decided on the route the router matched (never on the raw URL, which an
  // attacker spells as he likes: `/%61dmin/…` is `/admin/…` to the router). Only a route whose
  // options say `public: true` is open; every other one, and any path no route matches (so an
  // anonymous caller cannot tell which exist), needs the session cookie or the bearer token.
  // It runs before the body is read: an anonymous upload is refused without being received.
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.config?.public === true) return;
    const result = await authenticate(req, deps.adminToken, deps.sessions);
    if (result.kind === 'session' || result.kind === 'bearer') {
      req.auth = result.kind;
      return;
    }
    // A wrong bearer token is a failed sign-in; no credentials at all (or an ended session) is not.
    const waitS = result.kind === 'wrong-token' ? await signIn.failed(req) : null;
    if (waitS !== null) return tooManyFailures(reply, waitS);
    if (req.method === 'GET' && !wantsJson(req) && result.kind === 'none')
      return reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}`);
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'unauthorized: sign in or send Authorization: Bearer <admin token>' });
  });

  // CSRF, once the body is parsed (the token may be a form field). Callback style:
  // csrfProtection answers a bad token itself and never calls back. A bearer request carries no
  // ambient credential and needs none; the login form checks it too (login CSRF).
  app.addHook('preHandler', (req, reply, done) => {
    const login = req.method === 'POST' && req.routeOptions.url === '/admin/login';
    const sessionWrite = req.auth === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    return login || sessionWrite ? app.csrfProtection(req, reply, done) : done();
  });

  const log = sdkLogger(deps.pino);
  app.setErrorHandler((err: { statusCode?: number; code?: string; message?: string }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) log.error(`http: ${req.method} ${req.routeOptions.url ?? '?'} failed`, { error: err.message });
    const message =
      status >= 500
        ? 'internal error'
        : err.code?.startsWith('FST_CSRF')
          ? 'forbidden: missing or invalid CSRF token (reload the page and try again)'
          : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'unsupported content type: send application/json'
            : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
              ? 'body too large'
              : String(err.message ?? 'bad request').slice(0, 300);
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `not found: ${req.method} ${req.url.split('?')[0].slice(0, 200)}` }),
  );

  const t = (key: string) => deps.translator.t(key, {}, deps.locale);
  const layout = async (req: FastifyRequest, _reply: FastifyReply, csrfToken: string): Promise<LayoutData> => {
    const unread = await deps.notifications.unreadCount();
    const moduleNav = deps.registry
      .runningModulesList()
      .filter((m) => m.manifest.settings)
      .map((m) => ({
        href: `/admin/modules/${encodeURIComponent(m.manifest.uuid)}/`,
        label: moduleTranslator(m.dir, deps.locale).t(m.manifest.settings!.label),
      }));
    return {
      locale: deps.locale,
      csrfToken,
      path: req.url.split('?')[0],
      nav: [
        { href: '/admin/modules', label: t('nav.modules') },
        { href: '/admin/tickets', label: t('nav.tickets') },
        { href: '/admin/staff', label: t('nav.staff') },
        { href: '/admin/simulate', label: t('nav.simulate') },
        { href: '/admin/notifications', label: t('nav.notifications'), badge: unread },
      ],
      moduleNav,
      profile: deps.profile,
    };
  };

  mountHostPages(app, { ...deps, signIn, layout, audit: installAudit(deps.notifications, log, deps.translator, deps.locale) });
  mountPublicRoutes(app, {
    tableOf: (uuid) => deps.registry.running(uuid)?.publicRoutes,
    isStarting: (uuid) => deps.registry.isStarting(uuid),
    logger: log,
  });
  mountModuleDispatch(app, {
    registry: deps.registry,
    views: deps.views,
    locale: deps.locale,
    logger: log,
    adminPermissions: deps.adminPermissions,
    layout,
  });
  return { app, routes };
}
