/**
 * A module's public routes (sdk/public-routes.ts), kept in a table of the host like its admin
 * routes: fastify cannot remove a route, so one catch-all, `POST /hooks/:uuid/*`, marked public,
 * looks the module and its route up at each request. Before the body is read, a request for a
 * route nobody declared answers 404 and one over the route's body limit 413; the per-address
 * rate limit answers 429. The handler gets the raw body, byte for byte.
 */
import { STARTING_RETRY_AFTER_S } from './module-dispatch.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../sdk/module-context.js';
import type { PublicHandler, PublicRouteOptions, PublicRouter } from '../../sdk/public-routes.js';

export const PUBLIC_BODY_DEFAULT = 64 * 1024;
export const PUBLIC_BODY_MAX = 1024 * 1024;
const RATE_DEFAULT = { max: 120, windowMs: 60_000 };

interface PublicRoute {
  path: string;
  handler: PublicHandler;
  bodyLimit: number;
  rateLimit: { max: number; windowMs: number };
}

export class PublicRouteTable implements PublicRouter {
  private readonly routes = new Map<string, PublicRoute>();

  constructor(readonly basePath: string) {}

  post(path: string, handler: PublicHandler, opts: PublicRouteOptions = {}): void {
    if (typeof handler !== 'function') throw new Error(`publicRoutes.post(${path}): handler must be a function`);
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path))
      throw new Error(`publicRoutes.post(${path}): path must be /segments of letters, digits, . _ ~ -`);
    const bodyLimit = opts.bodyLimit ?? PUBLIC_BODY_DEFAULT;
    if (!Number.isInteger(bodyLimit) || bodyLimit < 1 || bodyLimit > PUBLIC_BODY_MAX)
      throw new Error(`publicRoutes.post(${path}): bodyLimit must be 1 to ${PUBLIC_BODY_MAX} bytes`);
    this.routes.set(path, { path, handler, bodyLimit, rateLimit: opts.rateLimit ?? RATE_DEFAULT });
  }

  match(path: string): PublicRoute | undefined {
    return this.routes.get(path);
  }

  list(): Array<{ method: 'POST'; path: string }> {
    return [...this.routes.keys()].map((path) => ({ method: 'POST' as const, path }));
  }
}

export interface PublicDispatchDeps {
  /** The running module's public routes, or undefined when it is not running. */
  tableOf(uuid: string): PublicRouteTable | undefined;
  /** True while the module is being started or updated (its routes answer 503 with Retry-After). */
  isStarting(uuid: string): boolean;
  logger: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    publicRoute: PublicRoute | null;
  }
}

export function mountPublicRoutes(app: FastifyInstance, deps: PublicDispatchDeps): void {
  const limiters = new Map<string, ReturnType<FastifyInstance['createRateLimit']>>();
  const notFound = (reply: FastifyReply) => reply.code(404).send({ error: 'not found' });

  app.decorateRequest('publicRoute', null);
  void app.register(async (scope) => {
    // Every content type arrives as the raw bytes: a signature is over those, not over a parse.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PUBLIC_BODY_MAX }, (_req, body, done) => done(null, body));

    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const { uuid, '*': rest } = req.params as { uuid: string; '*': string };
      const table = deps.tableOf(uuid);
      if (!table && deps.isStarting(uuid))
        return reply
          .code(503)
          .header('retry-after', String(STARTING_RETRY_AFTER_S))
          .send({ error: 'the module is starting; retry shortly' });
      const route = table?.match('/' + rest);
      if (!route) return notFound(reply);
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > route.bodyLimit) return reply.code(413).send({ error: `body too large: at most ${route.bodyLimit} bytes` });
      const key = `${uuid}\0${route.path}\0${route.rateLimit.max}\0${route.rateLimit.windowMs}`;
      let limiter = limiters.get(key);
      if (!limiter) {
        limiter = app.createRateLimit({
          max: route.rateLimit.max,
          timeWindow: route.rateLimit.windowMs,
          keyGenerator: (r: FastifyRequest) => `${key}\0${r.ip}`,
        });
        limiters.set(key, limiter);
      }
      const state = await limiter(req);
      if (!state.isAllowed && state.isExceeded) {
        const wait = Math.max(1, state.ttlInSeconds);
        return reply
          .code(429)
          .header('retry-after', String(wait))
          .send({ error: `too many requests: retry in ${wait} s` });
      }
      req.publicRoute = route;
    });

    scope.route({
      method: 'POST',
      url: '/hooks/:uuid/*',
      config: { public: true },
      bodyLimit: PUBLIC_BODY_MAX,
      handler: async (req, reply) => {
        const route = req.publicRoute!;
        const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (rawBody.length > route.bodyLimit) return reply.code(413).send({ error: `body too large: at most ${route.bodyLimit} bytes` });
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        const { uuid } = req.params as { uuid: string };
        try {
          const res = await route.handler({ method: 'POST', path: route.path, headers, rawBody, ip: req.ip });
          for (const [k, v] of Object.entries(res.headers ?? {})) reply.header(k, v);
          reply.code(res.status ?? 200);
          if (res.json !== undefined) return reply.send(res.json);
          return reply.type('text/plain; charset=utf-8').send(res.text ?? '');
        } catch (err) {
          deps.logger.error(`module ${uuid}: public route POST ${route.path} failed`, { module: uuid, error: (err as Error)?.message });
          return reply.code(500).send({ error: 'the module failed to answer' });
        }
      },
    });
  });
}
