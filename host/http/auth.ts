/**
 * Who may reach /admin: a person with the session cookie the login form sets (signed, httpOnly,
 * naming a server-side session of 12 hours on the host's clock that signing out deletes), or a
 * script sending `Authorization: Bearer <ADMIN_TOKEN>`. Tokens are compared in constant time.
 */
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore } from './session-store.js';

export const SESSION_COOKIE = 'host_session';
export const SESSION_MAX_AGE_S = 12 * 3600;
/** Where @fastify/csrf-protection keeps the CSRF secret (a signed cookie). */
export const CSRF_COOKIE = 'host_csrf';

export type AuthKind = 'session' | 'bearer';

/** What a request proved: who it is, or that it sent a wrong bearer token (a failed sign-in). */
export type AuthResult = { kind: AuthKind } | { kind: 'wrong-token' } | { kind: 'none' };

function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

export function sameToken(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/** Cookie-signing secret: rotating the admin token or the APP_KEY ends every session. */
export function cookieSecret(appKey: string, adminToken: string): string {
  return crypto.createHash('sha256').update(`host-session\0${appKey}\0${adminToken}`).digest('base64url');
}

/** The session id in the request's cookie, if the cookie is there and its signature holds. */
export function sessionIdOf(req: FastifyRequest): string | null {
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  const m = unsigned.valid && unsigned.value ? /^s1\.([A-Za-z0-9_-]{43})$/.exec(unsigned.value) : null;
  return m ? m[1] : null;
}

export async function authenticate(req: FastifyRequest, adminToken: string, sessions: SessionStore): Promise<AuthResult> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^Bearer(\s|$)/i.test(header)) {
    return sameToken(header.replace(/^Bearer\s*/i, '').trim(), adminToken) ? { kind: 'bearer' } : { kind: 'wrong-token' };
  }
  const id = sessionIdOf(req);
  return id && (await sessions.isLive(id)) ? { kind: 'session' } : { kind: 'none' };
}

/**
 * Signs in: a new session, and a new CSRF secret (the one the login page used is dropped, so a
 * token handed out before signing in, or planted by someone else, is worthless after it).
 */
/** The cookie is `Secure` by the server's cookie defaults (always in production). */
export async function startSession(reply: FastifyReply, sessions: SessionStore): Promise<void> {
  const id = await sessions.create();
  reply.setCookie(SESSION_COOKIE, `s1.${id}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/admin',
    maxAge: SESSION_MAX_AGE_S,
  });
  reply.clearCookie(CSRF_COOKIE, { path: '/admin' });
}

/** Signs out: the session is deleted server-side, so its cookie is dead even if kept. */
export async function endSession(req: FastifyRequest, reply: FastifyReply, sessions: SessionStore): Promise<void> {
  const id = sessionIdOf(req);
  if (id) await sessions.revoke(id);
  reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
  reply.clearCookie(CSRF_COOKIE, { path: '/admin' });
}
