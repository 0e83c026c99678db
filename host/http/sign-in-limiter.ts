/**
 * Failed sign-ins per client address: a wrong token on the login form and a wrong bearer token
 * count together, with @fastify/rate-limit's limiter (in this process's memory, on the real
 * clock: the window is the attacker's time, not the host's business clock). Only failures
 * count, so a script sending the right token is never slowed however often it calls. Past `max`
 * failures in `windowMs`, every further failure from that address answers 429 with Retry-After
 * until the window ends.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface SignInLimits {
  /** Failed attempts allowed per address within the window. */
  max: number;
  windowMs: number;
}

export const defaultSignInLimits: SignInLimits = { max: 10, windowMs: 15 * 60_000 };

export interface SignInLimiter {
  /**
   * Counts one failed attempt from the request's address. Returns the seconds to wait when the
   * address is now over the limit (the caller answers 429), or null.
   */
  failed(req: FastifyRequest): Promise<number | null>;
}

/** Registers the plugin (no route is limited by it on its own) and returns the failure counter. */
export async function registerSignInLimiter(app: FastifyInstance, limits: SignInLimits): Promise<SignInLimiter> {
  await app.register(fastifyRateLimit, { global: false });
  const check = app.createRateLimit({ max: limits.max, timeWindow: limits.windowMs });
  return {
    async failed(req) {
      const state = await check(req);
      return !state.isAllowed && state.isExceeded ? Math.max(1, state.ttlInSeconds) : null;
    },
  };
}

/** The 429 a script gets: JSON naming the reason and the wait, with Retry-After. */
export function tooManyFailures(reply: FastifyReply, waitS: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(waitS))
    .send({ error: `too many failed sign-in attempts from this address: retry in ${waitS} s` });
}
