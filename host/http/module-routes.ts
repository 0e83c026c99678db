/**
 * A module's routes, kept in a table of the host rather than registered in fastify, because
 * fastify cannot remove a route: the host's catch-all under /admin/modules/<uuid>/ looks the
 * module up at each request, so a disabled module's routes answer 404 at once.
 */
import type { AdminHandler, AdminRouter } from '../../sdk/module-context.js';

export type RouteKind = 'page' | 'api';

interface Route {
  kind: RouteKind;
  method: string;
  segments: string[];
  handler: AdminHandler;
}

function split(p: string): string[] {
  return p.split('/').filter(Boolean);
}

export class ModuleRouteTable implements AdminRouter {
  private readonly routes: Route[] = [];

  constructor(readonly basePath: string) {}

  page(method: 'GET' | 'POST', path: string, handler: AdminHandler): void {
    this.add('page', method, path, handler);
  }

  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, handler: AdminHandler): void {
    this.add('api', method, path, handler);
  }

  private add(kind: RouteKind, method: string, path: string, handler: AdminHandler): void {
    if (typeof handler !== 'function') throw new Error(`admin.${kind}(${method} ${path}): handler must be a function`);
    if (!path.startsWith('/')) throw new Error(`admin.${kind}(${method} ${path}): path must start with "/"`);
    const segments = split(path);
    if (kind === 'page' && (segments[0] === 'api' || segments[0] === 'assets')) {
      throw new Error(`admin.page(${method} ${path}): /api and /assets are reserved (use admin.api, or views/assets/)`);
    }
    this.routes.push({ kind, method: method.toUpperCase(), segments, handler });
  }

  /** Finds the first route for a request path (relative to the page or API prefix) and its params. */
  match(kind: RouteKind, method: string, path: string): { handler: AdminHandler; params: Record<string, string> } | null {
    const actual = split(path);
    for (const r of this.routes) {
      if (r.kind !== kind || r.method !== method.toUpperCase() || r.segments.length !== actual.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < actual.length && ok; i++) {
        const want = r.segments[i];
        if (want.startsWith(':')) {
          try {
            params[want.slice(1)] = decodeURIComponent(actual[i]);
          } catch {
            ok = false;
          }
        } else ok = want === actual[i];
      }
      if (ok) return { handler: r.handler, params };
    }
    return null;
  }

  /** The declared routes, for tests that walk every route. */
  list(): Array<{ kind: RouteKind; method: string; path: string }> {
    return this.routes.map((r) => ({ kind: r.kind, method: r.method, path: '/' + r.segments.join('/') }));
  }

  size(): number {
    return this.routes.length;
  }
}
