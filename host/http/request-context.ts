/** Per-request helpers shared by the host's pages and the module dispatcher. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthKind } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthKind | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (the login page, the host's stylesheet-free assets). */
    public?: boolean;
  }
}

export const FLASH_COOKIE = 'host_flash';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** A token for the `_csrf` field of forms (session requests only; a bearer script needs none). */
export function csrfTokenFor(req: FastifyRequest, reply: FastifyReply): string {
  return req.auth === 'session' ? reply.generateCsrf() : '';
}

/** A message shown once on the next page (signed cookie, one minute). */
export function setFlash(reply: FastifyReply, flash: Flash): void {
  reply.setCookie(FLASH_COOKIE, JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, 1500) }), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/admin',
    maxAge: 60,
  });
}

export function takeFlash(req: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = req.cookies[FLASH_COOKIE];
  if (!raw) return null;
  reply.clearCookie(FLASH_COOKIE, { path: '/admin' });
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const f = JSON.parse(unsigned.value) as Flash;
    return (f.kind === 'ok' || f.kind === 'error') && typeof f.text === 'string' ? f : null;
  } catch {
    return null;
  }
}

export function wantsJson(req: FastifyRequest): boolean {
  const accept = String(req.headers.accept ?? '');
  const type = String(req.headers['content-type'] ?? '');
  return (
    req.url.includes('/api/') ||
    (accept.includes('application/json') && !accept.includes('text/html')) ||
    (type.startsWith('application/json') && !accept.includes('text/html'))
  );
}

/** Query values as the SDK types them: strings, or arrays of strings for repeated keys. */
export function queryOf(req: FastifyRequest): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    out[k] = Array.isArray(v) ? v.map(String) : v === undefined ? undefined : String(v);
  }
  return out;
}
