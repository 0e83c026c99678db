/** Retry-After and Discord's waits, trusted within bounds (retry-after.ts), and as classifyResponse uses them. */
import { classifyResponse, readRateLimit } from '../../../module/delivery/classify-response.js';
import {
  parseHttpDate,
  parseRetryAfter,
  parseSeconds,
  RATE_LIMIT_CAP_MS,
  RATE_LIMIT_FLOOR_MS,
  serverWait,
} from '../../../module/delivery/retry-after.js';

const NOW = Date.UTC(2026, 10, 29, 9, 0, 0);
const at = (ms: number) => new Date(ms).toUTCString();

describe('parseRetryAfter: delta-seconds', () => {
  it.each([
    ['0.25', 250],
    ['1', 1000],
    ['120', 120_000],
    [' 7 ', 7000],
    ['0.0001', 1],
  ])('%j waits %i ms', (value, ms) => expect(parseRetryAfter(value, NOW)).toEqual({ ms }));

  it.each([
    ['0', /zero/],
    ['0.0', /zero/],
    ['-5', /negative/],
    ['-0.5', /negative/],
    ['- 5', /negative/],
    ['abc', /neither seconds nor an HTTP date/],
    ['', /neither/],
    ['1e3', /neither/],
    ['0x10', /neither/],
    ['+5', /neither/],
    ['5 s', /neither/],
    ['Infinity', /neither/],
    ['NaN', /neither/],
    // Date.parse reads this as a date (May 2001): never here.
    ['abc 5', /neither/],
  ])('%j is not used', (value, why) => {
    expect(parseRetryAfter(value, NOW)).toEqual({ rejected: expect.stringMatching(why) });
  });

  it('a bare year is seconds, not a date', () => expect(parseRetryAfter('2026', NOW)).toEqual({ ms: 2_026_000 }));

  it('a huge value is kept as asked (the cap is applied by serverWait)', () => {
    expect(parseRetryAfter('999999999', NOW)).toEqual({ ms: 999_999_999_000 });
    expect(parseRetryAfter('9'.repeat(400), NOW)).toEqual({ ms: Infinity });
  });
});

describe('parseRetryAfter: HTTP dates', () => {
  it('IMF-fixdate in the future: the time until then', () => {
    expect(parseRetryAfter(at(NOW + 30_000), NOW)).toEqual({ ms: 30_000 });
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:01:00 GMT', NOW)).toEqual({ ms: 60_000 });
  });

  it('the obsolete RFC 850 and asctime forms (asctime is UTC whatever the local zone)', () => {
    expect(parseRetryAfter('Sunday, 29-Nov-26 09:00:10 GMT', NOW)).toEqual({ ms: 10_000 });
    expect(parseRetryAfter('Sun Nov 29 09:00:20 2026', NOW)).toEqual({ ms: 20_000 });
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('a date now or in the past is not used', () => {
    expect(parseRetryAfter(at(NOW - 60_000), NOW)).toEqual({ rejected: expect.stringMatching(/in the past/) });
    expect(parseRetryAfter(at(NOW), NOW)).toEqual({ rejected: expect.stringMatching(/in the past/) });
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toEqual({ rejected: expect.stringMatching(/in the past/) });
  });

  it('only the three HTTP-date forms are dates', () => {
    for (const value of ['-5', '5', '2026', 'abc 5', 'Nov 5', '2026-11-29T09:01:00Z', 'Sun, 29 Nov 2026 09:01:00 +0100', 'tomorrow'])
      expect(parseHttpDate(value)).toBeNull();
  });
});

describe('parseSeconds (body retry_after, X-RateLimit-Reset-After)', () => {
  it('float seconds as a JSON number or a header', () => {
    expect(parseSeconds(0.65, 'retry_after')).toEqual({ ms: 650 });
    expect(parseSeconds('1.234', 'X-RateLimit-Reset-After')).toEqual({ ms: 1234 });
  });
  it.each([0, -1, '0', '-2', 'soon', null, true, {}, NaN])('%j is not used', (value) => {
    expect(parseSeconds(value, 'retry_after')).toHaveProperty('rejected');
  });
});

describe('serverWait: the first positive value, else the floor, at most the cap', () => {
  it('the body retry_after first, sub-second included', () => {
    expect(serverWait({ bodyRetryAfter: 0.3, retryAfter: '1', resetAfter: '2' }, NOW)).toEqual({
      waitMs: 300,
      source: 'body retry_after',
      capped: false,
      askedMs: 300,
      ignored: [],
    });
  });

  it('a bad Retry-After falls back to X-RateLimit-Reset-After', () => {
    expect(serverWait({ retryAfter: '-5', resetAfter: '1.5' }, NOW)).toMatchObject({
      waitMs: 1500,
      source: 'X-RateLimit-Reset-After',
      ignored: ['Retry-After "-5": negative'],
    });
    expect(serverWait({ bodyRetryAfter: 0, retryAfter: '0', resetAfter: '0.8' }, NOW)).toMatchObject({
      waitMs: 800,
      source: 'X-RateLimit-Reset-After',
      ignored: ['retry_after 0: zero', 'Retry-After "0": zero'],
    });
  });

  it.each([
    ['missing', {}],
    ['zero', { retryAfter: '0' }],
    ['negative', { retryAfter: '-5' }],
    ['garbage', { retryAfter: 'abc' }],
    ['in the past', { retryAfter: at(NOW - 3_600_000) }],
    ['body retry_after 0', { bodyRetryAfter: 0 }],
    ['Reset-After 0 too', { retryAfter: '0', resetAfter: '0.000' }],
    ['Reset-After garbage too', { retryAfter: 'abc', resetAfter: 'later' }],
  ])('%s: the 1 s floor', (_name, sources) => {
    expect(serverWait(sources, NOW)).toMatchObject({ waitMs: RATE_LIMIT_FLOOR_MS, source: 'floor', capped: false });
  });

  it('a huge value is capped at 1 hour and says so', () => {
    expect(serverWait({ retryAfter: '999999999' }, NOW)).toEqual({
      waitMs: RATE_LIMIT_CAP_MS,
      source: 'Retry-After',
      capped: true,
      askedMs: 999_999_999_000,
      ignored: [],
    });
    expect(serverWait({ bodyRetryAfter: 1e12 }, NOW)).toMatchObject({ waitMs: RATE_LIMIT_CAP_MS, capped: true });
    expect(serverWait({ retryAfter: at(NOW + 40 * 86_400_000) }, NOW)).toMatchObject({ waitMs: 3_600_000, capped: true });
    expect(RATE_LIMIT_CAP_MS).toBe(3_600_000);
  });
});

describe('classifyResponse on a 429 with a bad wait', () => {
  const answer = (headers: Record<string, string>, body = '') => ({ status: 429, headers, body });
  it.each([
    ['Retry-After: 0', answer({ 'retry-after': '0' })],
    ['Retry-After: -5', answer({ 'retry-after': '-5' })],
    ['Retry-After: abc', answer({ 'retry-after': 'abc' })],
    ['a past HTTP date', answer({ 'retry-after': at(NOW - 1000) })],
    ['body retry_after 0', answer({ 'content-type': 'application/json' }, JSON.stringify({ retry_after: 0, global: false }))],
  ])('%s waits the 1 s floor', (_name, a) => {
    expect(classifyResponse('discord', a, NOW).verdict).toMatchObject({ kind: 'rate_limited', waitMs: 1000, source: 'floor' });
    expect(readRateLimit(a, NOW).retryAfterMs).toBeNull();
  });

  it('Retry-After: 999999999 waits 1 hour, capped', () => {
    expect(classifyResponse('discord', answer({ 'retry-after': '999999999' }), NOW).verdict).toMatchObject({
      waitMs: RATE_LIMIT_CAP_MS,
      capped: true,
    });
  });

  it('Discord: a bad body retry_after falls back to X-RateLimit-Reset-After', () => {
    const a = answer({ 'x-ratelimit-reset-after': '0.450' }, JSON.stringify({ retry_after: -1 }));
    expect(classifyResponse('discord', a, NOW).verdict).toMatchObject({ waitMs: 450, source: 'X-RateLimit-Reset-After' });
  });

  it('a 503 with a bad or huge Retry-After gives the retry schedule nothing, or at most 1 hour', () => {
    expect(readRateLimit({ status: 503, headers: { 'retry-after': '-5' }, body: '' }, NOW).retryAfterMs).toBeNull();
    expect(readRateLimit({ status: 503, headers: { 'retry-after': '999999999' }, body: '' }, NOW).retryAfterMs).toBe(3_600_000);
    expect(readRateLimit({ status: 200, headers: { 'x-ratelimit-reset-after': '99999999' }, body: '' }, NOW).resetAfterMs).toBe(3_600_000);
  });
});
