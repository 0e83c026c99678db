/** Signing in with the admin token (public, rate-limited on failures) and signing out. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { endSession, sameToken, startSession } from './auth.js';
import { hostWords, html, type PageDeps } from './host-page-kit.js';

/** Where to go after signing in: only a path inside /admin. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/admin') && !next.startsWith('//') && !next.includes('\\') ? next : '/admin/modules';
}

function loginPage(deps: PageDeps, req: FastifyRequest, reply: FastifyReply, error: string | null, status = 200) {
  const data = { csrfToken: reply.generateCsrf(), error, next: safeNext((req.query as { next?: string }).next) };
  return html(reply, deps.views.fragment('login.njk', data, deps.locale), status);
}

/** `GET /admin/login`. */
export async function showLogin(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  return loginPage(deps, req, reply, null);
}

/** `POST /admin/login {token, next}`: a wrong token counts as a failed sign-in (429 with Retry-After past the limit). */
export async function postLogin(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const t = hostWords(deps);
  const body = (req.body ?? {}) as { token?: unknown; next?: unknown };
  if (typeof body.token !== 'string' || !sameToken(body.token.trim(), deps.adminToken)) {
    const waitS = await deps.signIn.failed(req);
    if (waitS === null) return loginPage(deps, req, reply, t('login.wrong_token'), 401);
    reply.header('retry-after', String(waitS));
    return loginPage(deps, req, reply, t('login.too_many_failures', { minutes: Math.ceil(waitS / 60) }), 429);
  }
  await startSession(reply, deps.sessions);
  return reply.redirect(safeNext(body.next), 303);
}

/** `POST /admin/logout`. */
export async function postLogout(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  await endSession(req, reply, deps.sessions);
  return reply.redirect('/admin/login', 303);
}
