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
import type { Platform } from '../webhooks/webhook.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface RateLimitInfo {
  /** Requests left in the current window (X-RateLimit-Remaining), when given. */
  remaining: number | null;
  /** Milliseconds until the window resets (X-RateLimit-Reset-After), when given. */
  resetAfterMs: number | null;
  /** Discord's bucket id, when given. */
  bucket: string | null;
  /** X-RateLimit-Global: the wait applies to every webhook of the platform. */
  global: boolean;
  /** A 429's wait: body retry_after (float seconds), Telegram parameters.retry_after, or Retry-After. */
  retryAfterMs: number | null;
}

export type Verdict =
  | { kind: 'ok' }
  | { kind: 'rate_limited'; waitMs: number; global: boolean }
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

/** A 429 without any wait hint: wait this long. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;
const slackLike = new Set<Platform>(['slack', 'mattermost', 'rocketchat']);

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
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterHeader(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const secs = finite(value);
  if (secs !== null) return Math.ceil(secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export function readRateLimit(answer: HttpAnswer, nowMs = 0): RateLimitInfo {
  const { headers } = answer;
  const json = answer.status === 429 ? parseJson(answer.body) : null;
  const params =
    json && typeof json.parameters === 'object' && json.parameters !== null ? (json.parameters as Record<string, unknown>) : null;
  // Body first: Discord's retry_after is a float in seconds and more precise than the header.
  const bodySecs = finite(json?.retry_after) ?? finite(params?.retry_after);
  const resetAfter = finite(header(headers, 'x-ratelimit-reset-after'));
  const remaining = finite(header(headers, 'x-ratelimit-remaining'));
  const globalHeader = (header(headers, 'x-ratelimit-global') ?? '').toLowerCase() === 'true';
  return {
    remaining,
    resetAfterMs: resetAfter === null ? null : Math.ceil(resetAfter * 1000),
    bucket: header(headers, 'x-ratelimit-bucket'),
    global: globalHeader || json?.global === true,
    retryAfterMs: bodySecs !== null ? Math.ceil(bodySecs * 1000) : retryAfterHeader(header(headers, 'retry-after'), nowMs),
  };
}

/** Discord's `{code, message, errors}` -> "Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length." */
export function discordErrorText(json: Record<string, unknown>): string {
  const base = typeof json.message === 'string' ? json.message : 'error';
  const code = typeof json.code === 'number' ? ` (${json.code})` : '';
  const fields: string[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (typeof node !== 'object' || node === null) return;
    const errs = (node as { _errors?: unknown })._errors;
    if (Array.isArray(errs)) {
      for (const e of errs) {
        const msg =
          typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
            ? (e as { message: string }).message
            : String(e);
        fields.push(`${path.join('.') || '(body)'}: ${msg}`);
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== '_errors') walk(v, [...path, k]);
  };
  walk(json.errors, []);
  return fields.length ? `${base}${code}: ${fields.slice(0, 5).join('; ')}` : `${base}${code}`;
}

function short(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}

export function classifyResponse(platform: Platform, answer: HttpAnswer, nowMs = 0): Classified {
  const rateLimit = readRateLimit(answer, nowMs);
  const { status } = answer;
  const text = answer.body ?? '';
  const json = parseJson(text);
  const verdict = ((): Verdict => {
    if (status === 429)
      return {
        kind: 'rate_limited',
        waitMs: rateLimit.retryAfterMs ?? rateLimit.resetAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS,
        global: rateLimit.global,
      };
    if (platform === 'discord') {
      const code = typeof json?.code === 'number' ? json.code : null;
      if (status >= 200 && status < 300) return { kind: 'ok' };
      if (status === 404 || code === 10015)
        return { kind: 'dead_webhook', reason: json ? discordErrorText(json) : 'Unknown Webhook (404)', platformCode: code ?? 10015 };
      if (status === 401 || code === 50027)
        return { kind: 'dead_webhook', reason: json ? discordErrorText(json) : 'Invalid Webhook Token (401)', platformCode: code ?? 50027 };
      if (status >= 400 && status < 500 && status !== 408)
        return { kind: 'dead_request', reason: json ? discordErrorText(json) : `HTTP ${status}: ${short(text)}`, platformCode: code };
    }
    if (slackLike.has(platform)) {
      const word = text.trim();
      if (status >= 200 && status < 300) {
        // Slack answers 200 "ok"; Mattermost/Rocket.Chat may answer JSON. An error word in a 2xx is still an error.
        if (/^(no_service|channel_is_archived|action_prohibited|invalid_token|no_team|team_disabled)$/.test(word))
          return { kind: 'dead_webhook', reason: word, platformCode: null };
        if (/^(invalid_payload|no_text|too_many_attachments|invalid_blocks)$/.test(word))
          return { kind: 'dead_request', reason: word, platformCode: null };
        return { kind: 'ok' };
      }
      if (
        /no_service|channel_is_archived|channel_not_found|action_prohibited|invalid_token|no_team|team_disabled|posting_to_general_channel_denied/.test(
          word,
        ) ||
        status === 404 ||
        status === 410
      )
        return { kind: 'dead_webhook', reason: short(word) || `HTTP ${status}`, platformCode: null };
      if (status === 403) return { kind: 'dead_webhook', reason: short(word) || 'HTTP 403', platformCode: null };
      if (status >= 400 && status < 500 && status !== 408)
        return { kind: 'dead_request', reason: short(word) || `HTTP ${status}`, platformCode: null };
    }
    if (platform === 'telegram') {
      const description = typeof json?.description === 'string' ? json.description : short(text);
      const ok = json ? json.ok !== false : true;
      if (status >= 200 && status < 300 && ok) return { kind: 'ok' };
      if (
        /chat not found|bot was blocked|bot was kicked|user is deactivated|not enough rights|have no rights|chat_write_forbidden/i.test(
          description,
        ) ||
        status === 401 ||
        status === 403 ||
        status === 404
      )
        return {
          kind: 'dead_webhook',
          reason: description || `HTTP ${status}`,
          platformCode: typeof json?.error_code === 'number' ? json.error_code : null,
        };
      if (status >= 400 && status < 500 && status !== 408)
        return {
          kind: 'dead_request',
          reason: description || `HTTP ${status}`,
          platformCode: typeof json?.error_code === 'number' ? json.error_code : null,
        };
    }
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
