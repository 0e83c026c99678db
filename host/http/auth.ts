/**
 * Who may reach /admin: a person with the session cookie the login form sets (signed,
 * httpOnly, 12 hours), or a script sending `Authorization: Bearer <ADMIN_TOKEN>`.
 * Tokens are compared in constant time.
 */
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'host_session';
export const SESSION_MAX_AGE_S = 12 * 3600;

export type AuthKind = 'session' | 'bearer';

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

export function authenticate(req: FastifyRequest, adminToken: string, now: number): AuthKind | null {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header)) {
    return sameToken(header.replace(/^Bearer\s+/i, '').trim(), adminToken) ? 'bearer' : null;
  }
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  const m = /^v1\.(\d+)$/.exec(unsigned.value);
  if (!m) return null;
  const issued = Number(m[1]);
  return now - issued >= 0 && now - issued < SESSION_MAX_AGE_S * 1000 ? 'session' : null;
}

export function startSession(reply: FastifyReply, now: number, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, `v1.${now}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/admin',
    maxAge: SESSION_MAX_AGE_S,
    secure,
  });
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
}
