/**
 * How long a server asked us to wait, trusted within bounds. Pure: header and body values in,
 * milliseconds out, with what was ignored and why (for the log).
 *
 *  - `Retry-After` (RFC 9110 §10.2.3): delta-seconds (a non-negative integer; Discord's float
 *    seconds accepted too) or an HTTP date (IMF-fixdate, and the obsolete RFC 850 and asctime
 *    forms). A bare number is never read as a date (`Date.parse("-5")` is the year -5).
 *  - Discord's body `retry_after` and `X-RateLimit-Reset-After`: float seconds. Telegram's
 *    `parameters.retry_after`: integer seconds.
 *
 * A positive value is honoured, sub-second ones included. One that is missing, zero, negative,
 * in the past or garbage is ignored: the next source is used (body, then Retry-After, then
 * X-RateLimit-Reset-After), and when none is usable the wait is RATE_LIMIT_FLOOR_MS. A wait
 * longer than RATE_LIMIT_CAP_MS is cut to it (`capped`), so a typo can't block a webhook for years.
 */

/** The wait when the server gave no usable one. */
export const RATE_LIMIT_FLOOR_MS = 1000;
/** The longest wait a server can impose on one webhook. */
export const RATE_LIMIT_CAP_MS = 3_600_000;

/** A server value read: milliseconds from now (positive), or why it was not used. */
export type WaitHint = { ms: number } | { rejected: string };

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
const NEGATIVE_SECONDS = /^-\s*\d+(?:\.\d+)?$/;
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^${DAY},\\s+\\d{1,2}\\s+${MONTH}\\s+\\d{4}\\s+${TIME}\\s+(?:GMT|UTC)$`, 'i');
/** Sunday, 06-Nov-94 08:49:37 GMT */
const RFC850_DATE = new RegExp(`^${LONG_DAY},\\s+\\d{1,2}-${MONTH}-\\d{2}\\s+${TIME}\\s+(?:GMT|UTC)$`, 'i');
/** Sun Nov  6 08:49:37 1994 (no zone: UTC by definition) */
const ASCTIME_DATE = new RegExp(`^${DAY}\\s+${MONTH}\\s+\\d{1,2}\\s+${TIME}\\s+\\d{4}$`, 'i');

const quoted = (value: string) => JSON.stringify(value.length > 64 ? value.slice(0, 64) + '…' : value);

function fromMs(ms: number, what: string): WaitHint {
  if (Number.isNaN(ms)) return { rejected: `${what}: not a number` };
  // More digits than a double holds is still "very long": capped, not ignored.
  if (ms === Infinity) return { ms };
  if (ms < 0) return { rejected: `${what}: negative` };
  if (ms === 0) return { rejected: `${what}: zero` };
  return { ms: Math.ceil(ms) };
}

/** An HTTP date as epoch ms, or null when the text is not one of the three HTTP-date forms. */
export function parseHttpDate(text: string): number | null {
  const value = text.trim();
  let at = NaN;
  if (IMF_FIXDATE.test(value) || RFC850_DATE.test(value)) at = Date.parse(value);
  // Date.parse reads a zone-less date as local time; asctime is UTC.
  else if (ASCTIME_DATE.test(value)) at = Date.parse(`${value} GMT`);
  return Number.isNaN(at) ? null : at;
}

/** `Retry-After`: delta-seconds or an HTTP date, relative to `nowMs`. */
export function parseRetryAfter(value: string, nowMs: number): WaitHint {
  const text = value.trim();
  const what = `Retry-After ${quoted(value)}`;
  if (DELTA_SECONDS.test(text)) return fromMs(Number(text) * 1000, what);
  if (NEGATIVE_SECONDS.test(text)) return { rejected: `${what}: negative` };
  const at = parseHttpDate(text);
  if (at === null) return { rejected: `${what}: neither seconds nor an HTTP date` };
  return at <= nowMs ? { rejected: `${what}: in the past` } : { ms: at - nowMs };
}

/** Float seconds given as a JSON number or a header string (`retry_after`, `X-RateLimit-Reset-After`). */
export function parseSeconds(value: unknown, name: string): WaitHint {
  if (typeof value === 'number') return fromMs(value * 1000, `${name} ${value}`);
  if (typeof value === 'string') {
    const text = value.trim();
    if (DELTA_SECONDS.test(text)) return fromMs(Number(text) * 1000, `${name} ${quoted(value)}`);
    if (NEGATIVE_SECONDS.test(text)) return { rejected: `${name} ${quoted(value)}: negative` };
    return { rejected: `${name} ${quoted(value)}: not a number of seconds` };
  }
  return { rejected: `${name}: not a number of seconds` };
}

/** Where a wait came from. */
export type WaitSource = 'body retry_after' | 'Retry-After' | 'X-RateLimit-Reset-After' | 'floor';

export interface ServerWait {
  /** Milliseconds to wait: positive, at most RATE_LIMIT_CAP_MS. */
  waitMs: number;
  source: WaitSource;
  /** The server asked for more than RATE_LIMIT_CAP_MS (`askedMs`). */
  capped: boolean;
  askedMs: number;
  /** Values that were present but not used, and why ("Retry-After \"-5\": negative"). */
  ignored: string[];
}

export interface WaitSources {
  /** Discord's body `retry_after` or Telegram's `parameters.retry_after` (seconds), when present. */
  bodyRetryAfter?: unknown;
  /** The `Retry-After` header, when present. */
  retryAfter?: string | null;
  /** The `X-RateLimit-Reset-After` header, when present. */
  resetAfter?: string | null;
}

/**
 * The first positive value of: body retry_after, Retry-After, X-RateLimit-Reset-After; else the
 * floor. Capped at RATE_LIMIT_CAP_MS.
 */
export function serverWait(sources: WaitSources, nowMs: number): ServerWait {
  const ignored: string[] = [];
  const candidates: [WaitSource, () => WaitHint | null][] = [
    ['body retry_after', () => (sources.bodyRetryAfter === undefined ? null : parseSeconds(sources.bodyRetryAfter, 'retry_after'))],
    ['Retry-After', () => (sources.retryAfter == null ? null : parseRetryAfter(sources.retryAfter, nowMs))],
    ['X-RateLimit-Reset-After', () => (sources.resetAfter == null ? null : parseSeconds(sources.resetAfter, 'X-RateLimit-Reset-After'))],
  ];
  for (const [source, read] of candidates) {
    const hint = read();
    if (hint === null) continue;
    if ('rejected' in hint) {
      ignored.push(hint.rejected);
      continue;
    }
    return capWait(hint.ms, source, ignored);
  }
  return { waitMs: RATE_LIMIT_FLOOR_MS, source: 'floor', capped: false, askedMs: RATE_LIMIT_FLOOR_MS, ignored };
}

function capWait(ms: number, source: WaitSource, ignored: string[]): ServerWait {
  return { waitMs: Math.min(ms, RATE_LIMIT_CAP_MS), source, capped: ms > RATE_LIMIT_CAP_MS, askedMs: ms, ignored };
}

/** A single server value (Retry-After on a 5xx, Reset-After on a 2xx) as a bounded wait, or null when unusable. */
export function boundedMs(hint: WaitHint | null): number | null {
  return hint !== null && 'ms' in hint ? Math.min(hint.ms, RATE_LIMIT_CAP_MS) : null;
}
