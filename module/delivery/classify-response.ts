/**
 * What a platform's answer means for the outbox. Pure: (platform, status, headers, body text)
 * or a network error -> one verdict, plus the rate-limit state the answer carries.
 *
 *  - ok: 2xx (Slack-likes also need the text not to be an error word).
 *  - rate_limited: 429; a wait, not a failed attempt.
 *  - retry: 5xx, 408, timeouts, connection errors.
 *  - dead_webhook: the target says the webhook is gone or revoked (disable it, keep its queue).
 *  - dead_request: any other 4xx: this body will never be accepted; the platform's message is kept.
 */
import { platformOf } from '../platforms/index.js';
import { short } from '../text/short-text.js';
import type { Platform } from '../webhooks/webhook.js';
import { boundedMs, parseRetryAfter, parseSeconds, serverWait, type ServerWait, type WaitSource } from './retry-after.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface RateLimitInfo {
  /** Requests left in the current window (X-RateLimit-Remaining), when given. */
  remaining: number | null;
  /** Milliseconds until the window resets (X-RateLimit-Reset-After), when positive; at most 1 h. */
  resetAfterMs: number | null;
  /** Discord's bucket id, when given. */
  bucket: string | null;
  /** X-RateLimit-Global: the wait applies to every webhook of the platform. */
  global: boolean;
  /**
   * The server's wait when positive (at most 1 h): body retry_after (float seconds), Telegram
   * parameters.retry_after, or Retry-After. Null when missing, zero, negative, past or garbage.
   */
  retryAfterMs: number | null;
}

export type Verdict =
  | { kind: 'ok' }
  | {
      kind: 'rate_limited';
      /** Bounded (retry-after.ts): the server's positive wait, else Reset-After, else 1 s; at most 1 h. */
      waitMs: number;
      global: boolean;
      source: WaitSource;
      /** The server asked for more than the cap (`askedMs`). */
      capped: boolean;
      askedMs: number;
      /** Server values not used, and why. */
      ignored: string[];
    }
  | { kind: 'retry'; reason: string }
  | { kind: 'dead_request'; reason: string; platformCode: number | null }
  | { kind: 'dead_webhook'; reason: string; platformCode: number | null };

export interface Classified {
  verdict: Verdict;
  rateLimit: RateLimitInfo;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: string;
}

function header(headers: Headers, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted && v !== undefined) return Array.isArray(v) ? (v[0] ?? null) : v;
  }
  return null;
}

const finite = (v: unknown): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
};

function parseJson(text: string): Record<string, unknown> | null {
  // Most successes are a 204 with no body: a thrown SyntaxError per delivery cost more than the rest of this file.
  if (!/^\s*\{/.test(text)) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function retryAfterOf(json: Record<string, unknown> | null): unknown {
  const params =
    json && typeof json.parameters === 'object' && json.parameters !== null ? (json.parameters as Record<string, unknown>) : null;
  // Discord's retry_after (float seconds) is more precise than the header; Telegram nests it.
  return json?.retry_after ?? params?.retry_after;
}

/** A 429's wait, bounded: see retry-after.ts. */
export function rateLimitWait(answer: HttpAnswer, nowMs = 0): ServerWait {
  const json = parseJson(answer.body);
  return serverWait(
    {
      bodyRetryAfter: retryAfterOf(json),
      retryAfter: header(answer.headers, 'retry-after'),
      resetAfter: header(answer.headers, 'x-ratelimit-reset-after'),
    },
    nowMs,
  );
}

export function readRateLimit(answer: HttpAnswer, nowMs = 0): RateLimitInfo {
  const { headers } = answer;
  const json = answer.status === 429 ? parseJson(answer.body) : null;
  const bodyWait = retryAfterOf(json);
  const retryAfter = header(headers, 'retry-after');
  const resetAfter = header(headers, 'x-ratelimit-reset-after');
  const globalHeader = (header(headers, 'x-ratelimit-global') ?? '').toLowerCase() === 'true';
  return {
    remaining: finite(header(headers, 'x-ratelimit-remaining')),
    resetAfterMs: resetAfter === null ? null : boundedMs(parseSeconds(resetAfter, 'X-RateLimit-Reset-After')),
    bucket: header(headers, 'x-ratelimit-bucket'),
    global: globalHeader || json?.global === true,
    retryAfterMs:
      (bodyWait === undefined ? null : boundedMs(parseSeconds(bodyWait, 'retry_after'))) ??
      (retryAfter === null ? null : boundedMs(parseRetryAfter(retryAfter, nowMs))),
  };
}

export { discordErrorText } from '../platforms/discord/discord-answers.js';

export function classifyResponse(platform: Platform, answer: HttpAnswer, nowMs = 0): Classified {
  const rateLimit = readRateLimit(answer, nowMs);
  const { status } = answer;
  const text = answer.body ?? '';
  const json = parseJson(text);
  const verdict = ((): Verdict => {
    if (status === 429) {
      const wait = rateLimitWait(answer, nowMs);
      return {
        kind: 'rate_limited',
        waitMs: wait.waitMs,
        global: rateLimit.global,
        source: wait.source,
        capped: wait.capped,
        askedMs: wait.askedMs,
        ignored: wait.ignored,
      };
    }
    const own = platformOf(platform).classify?.({ status, text, json });
    if (own) return own;
    if (status >= 200 && status < 300) return { kind: 'ok' };
    if (status === 408 || status >= 500) return { kind: 'retry', reason: `HTTP ${status}${text ? ': ' + short(text, 200) : ''}` };
    if (status === 404 || status === 410)
      return { kind: 'dead_webhook', reason: `HTTP ${status}${text ? ': ' + short(text, 200) : ''}`, platformCode: null };
    if (status >= 300 && status < 400)
      return { kind: 'dead_request', reason: `HTTP ${status}: redirects are not followed`, platformCode: null };
    return { kind: 'dead_request', reason: `HTTP ${status}${text ? ': ' + short(text, 200) : ''}`, platformCode: null };
  })();
  return { verdict, rateLimit };
}

/** A request that got no answer (timeout, refused, reset, blocked address): always worth a retry. */
export function classifyNetworkError(err: { code?: string; message?: string; name?: string }): Classified {
  const code = err.code ?? err.name ?? 'ERROR';
  const message = (err.message ?? '').replace(/https?:\/\/\S+/g, '(url)');
  const blocked = /is not allowed/.test(message);
  const reason =
    code === 'ETIMEDOUT' || err.name === 'TimeoutError'
      ? 'timeout'
      : blocked
        ? `address not allowed: ${short(message, 200)}`
        : `${code}: ${short(message, 200)}`;
  return {
    // A refused address stays refused: no point retrying it for 30 hours.
    verdict: blocked ? { kind: 'dead_request', reason, platformCode: null } : { kind: 'retry', reason },
    rateLimit: { remaining: null, resetAfterMs: null, bucket: null, global: false, retryAfterMs: null },
  };
}
