/**
 * Mounts modules in the admin area. One catch-all route under /admin/modules/<uuid>/ looks the
 * module up at each request (a disabled one answers 404, one being started or updated 503 with
 * Retry-After), checks the admin holds the module's
 * permissions, then serves `views/assets/` read-only or calls the page or API handler the
 * module registered on its AdminRouter.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminRequest, AdminResponse, Locale, Logger } from '../../sdk/module-context.js';
import type { ModuleRegistry, RunningModule } from '../modules/module-registry.js';
import type { HostViews, LayoutData } from './host-views.js';
import { csrfTokenFor, queryOf } from './request-context.js';

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Resolves `rel` inside `root`, or null if it leaves it, is hidden, or is not a plain file. */
export function safeFile(root: string, rel: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split('/').some((s) => s.startsWith('.'))) return null;
  const file = path.resolve(root, decoded);
  if (!file.startsWith(path.resolve(root) + path.sep)) return null;
  try {
    const real = fs.realpathSync(file);
    if (!real.startsWith(fs.realpathSync(root) + path.sep) || !fs.statSync(real).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

export function sendFile(reply: FastifyReply, file: string): FastifyReply {
  const type = contentTypes[path.extname(file).toLowerCase()];
  if (!type) return reply.code(404).send({ error: 'not found' });
  return reply
    .header('content-type', type)
    .header('cache-control', 'private, max-age=300')
    .header('x-content-type-options', 'nosniff')
    .send(fs.createReadStream(file));
}

/** Seconds a client is told to wait while a module starts (a start takes about a second). */
export const STARTING_RETRY_AFTER_S = 1;

export interface DispatchDeps {
  registry: ModuleRegistry;
  views: HostViews;
  locale: Locale;
  logger: Logger;
  adminPermissions: string[];
  layout(req: FastifyRequest, reply: FastifyReply, csrfToken: string): Promise<LayoutData>;
}

function holds(granted: string[], needed: string[]): boolean {
  return granted.includes('*') || needed.every((p) => granted.includes(p));
}

export function mountModuleDispatch(app: FastifyInstance, deps: DispatchDeps): void {
  const notFound = (reply: FastifyReply, api: boolean) =>
    api
      ? reply.code(404).send({ error: 'not found' })
      : reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(deps.views.fragment('not-found.njk', {}, deps.locale));

  // A module being started or updated answers soon: say so, so a script retries instead of giving up.
  const unavailable = (reply: FastifyReply, api: boolean) => {
    reply.code(503).header('retry-after', String(STARTING_RETRY_AFTER_S));
    return api
      ? reply.send({ error: 'the module is starting; retry shortly' })
      : reply.type('text/html; charset=utf-8').send(deps.views.fragment('starting.njk', {}, deps.locale));
  };

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const { uuid } = req.params as { uuid: string };
    const rest = ((req.params as Record<string, string>)['*'] ?? '').split('?')[0];
    const segments = rest.split('/');
    const isApi = segments[0] === 'api';
    const run: RunningModule | undefined = deps.registry.running(uuid);
    if (!run) return deps.registry.isStarting(uuid) ? unavailable(reply, isApi) : notFound(reply, isApi);
    if (!holds(deps.adminPermissions, run.manifest.permissions)) {
      const error = `forbidden: this module needs the permissions ${run.manifest.permissions.join(', ')}`;
      return isApi ? reply.code(403).send({ error }) : reply.code(403).type('text/plain; charset=utf-8').send(error);
    }
    if (segments[0] === 'assets') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(reply, false);
      const file = safeFile(path.join(run.dir, 'views', 'assets'), segments.slice(1).join('/'));
      return file ? sendFile(reply, file) : notFound(reply, false);
    }
    const sub = '/' + (isApi ? segments.slice(1) : segments).join('/');
    const found = run.routes.match(isApi ? 'api' : 'page', req.method, sub);
    if (!found) return notFound(reply, isApi);

    const csrfToken = csrfTokenFor(req, reply);
    const adminReq: AdminRequest = {
      method: req.method,
      params: found.params,
      query: queryOf(req),
      body: req.body ?? {},
      user: { name: 'admin', permissions: [...deps.adminPermissions] },
      locale: deps.locale,
      csrfToken,
      isApi,
    };
    if (!isApi) deps.views.attach(adminReq, await deps.layout(req, reply, csrfToken));
    let res: AdminResponse;
    try {
      res = await found.handler(adminReq);
    } catch (err) {
      deps.logger.error(`module ${uuid}: ${req.method} ${isApi ? 'api' : 'page'} ${sub} failed`, {
        module: uuid,
        error: (err as Error)?.message,
      });
      return isApi
        ? reply.code(500).send({ error: 'the module failed to answer; see the host log' })
        : reply.code(500).type('text/plain; charset=utf-8').send('The module failed to answer; see the host log.');
    }
    if (!res || typeof res !== 'object') return reply.code(500).send({ error: 'the module answered nothing' });
    if ('redirect' in res) {
      // Only within this host: a module cannot bounce the admin to another site.
      const to = String(res.redirect);
      const safe = to.startsWith('/') && !to.startsWith('//') ? to : run.routes.basePath;
      return reply.code(res.status ?? (req.method === 'GET' ? 302 : 303)).redirect(safe);
    }
    if ('html' in res)
      return reply
        .code(res.status ?? 200)
        .type('text/html; charset=utf-8')
        .send(res.html);
    if ('text' in res)
      return (
        reply
          .code(res.status ?? 200)
          // Only plain text: a module cannot make the admin's browser run what it answers.
          .type(res.contentType && /^text\/plain(;|$)/i.test(res.contentType) ? res.contentType : 'text/plain; charset=utf-8')
          .send(String(res.text))
      );
    return reply.code(res.status ?? 200).send(res.json);
  };

  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
  app.route({
    method: [...methods],
    url: '/admin/modules/:uuid',
    handler: (req, reply) => reply.redirect(`/admin/modules/${encodeURIComponent((req.params as { uuid: string }).uuid)}/`),
  });
  app.route({ method: [...methods], url: '/admin/modules/:uuid/*', handler: handle });
}
