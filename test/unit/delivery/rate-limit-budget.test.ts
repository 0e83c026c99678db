/** A webhook's run of 429s: exponential backoff, then a pause (rate-limit-budget.ts); the global invalid-request guard. */
import {
  DISCORD_INVALID_REQUEST_LIMIT,
  InvalidRequestGuard,
  isInvalidRequestStatus,
} from '../../../module/delivery/invalid-request-guard.js';
import { DEFAULT_RATE_LIMIT_BUDGET, formatDuration, rateLimitDecision } from '../../../module/delivery/rate-limit-budget.js';

const T0 = Date.UTC(2026, 10, 29, 9, 0, 0);

describe('rateLimitDecision', () => {
  it('the first 429 waits what the server asked, sub-second included', () => {
    expect(rateLimitDecision(250, { count: 1, since: T0 }, T0)).toEqual({ kind: 'wait', waitMs: 250, backoffMs: 0 });
  });

  it('429s in a row back off exponentially, never below the server value', () => {
    // The most eager client: each request as soon as the lane opens.
    let now = T0;
    const waits: number[] = [];
    for (let count = 1; count < DEFAULT_RATE_LIMIT_BUDGET.maxConsecutive; count++) {
      const d = rateLimitDecision(1000, { count, since: T0 }, now);
      if (d.kind !== 'wait') throw new Error(`paused at ${count}`);
      waits.push(d.waitMs);
      now += d.waitMs;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000]);
    expect(rateLimitDecision(300_000, { count: 3, since: T0 }, T0 + 5000)).toMatchObject({ waitMs: 300_000 });
  });

  it('pauses at the tenth 429 in a row, with a reason that says why and that the queue is kept', () => {
    const d = rateLimitDecision(1000, { count: 10, since: T0 }, T0 + 511_000);
    expect(d).toEqual({
      kind: 'pause',
      reason: expect.stringMatching(/^Paused after 10 rate-limited answers \(429\) in a row over 8 min 31 s/),
    });
    expect((d as { reason: string }).reason).toMatch(/queued messages are kept/);
  });

  it('pauses once a run has lasted 15 minutes, whatever the count', () => {
    expect(rateLimitDecision(3_600_000, { count: 2, since: T0 }, T0 + 3_600_000)).toMatchObject({ kind: 'pause' });
    expect(rateLimitDecision(600_000, { count: 2, since: T0 }, T0 + 600_000)).toMatchObject({ kind: 'wait', waitMs: 600_000 });
    expect(rateLimitDecision(600_000, { count: 3, since: T0 }, T0 + 15 * 60_000)).toMatchObject({ kind: 'pause' });
  });

  it('never more than the cap, never zero', () => {
    expect(
      rateLimitDecision(1000, { count: 30, since: T0 }, T0, { ...DEFAULT_RATE_LIMIT_BUDGET, maxConsecutive: 100, maxRunMs: Infinity }),
    ).toMatchObject({
      waitMs: 3_600_000,
    });
    expect(rateLimitDecision(0, { count: 1, since: T0 }, T0)).toMatchObject({ waitMs: 1 });
  });

  it('formats durations', () => {
    expect([45_000, 60_000, 511_000, 3_600_000, 3_900_000].map(formatDuration)).toEqual([
      '45 s',
      '1 min',
      '8 min 31 s',
      '1 h',
      '1 h 5 min',
    ]);
  });
});

describe('InvalidRequestGuard', () => {
  it('counts 401, 403 and 429 only', () => {
    expect([200, 204, 400, 401, 403, 404, 429, 500, null].filter(isInvalidRequestStatus)).toEqual([401, 403, 429]);
  });

  it("Discord's numbers: pauses at 9,000 in 10 minutes, until the oldest have aged out", () => {
    const g = new InvalidRequestGuard();
    expect(g.config).toEqual(DISCORD_INVALID_REQUEST_LIMIT);
    // 8,999 answers over the first 100 s: still room.
    for (let i = 0; i < 8999; i++) g.record(T0 + Math.floor(i / 90) * 1000);
    expect(g.count(T0 + 100_000)).toBe(8999);
    expect(g.pausedUntil(T0 + 100_000)).toBe(0);
    g.record(T0 + 100_000);
    // The 9,000th: paused until the first one (at T0) leaves the window.
    expect(g.pausedUntil(T0 + 100_000)).toBe(T0 + 600_000);
    expect(g.pausedUntil(T0 + 599_999)).toBe(T0 + 600_000);
    // At T0 + 10 min the 90 answers of the first second have left: room again.
    expect(g.pausedUntil(T0 + 600_000)).toBe(0);
    expect(g.count(T0 + 600_000)).toBe(9000 - 90);
  });

  it('a sliding window, not a fixed one', () => {
    const g = new InvalidRequestGuard({ limit: 10, windowMs: 60_000, headroom: 0.9 });
    expect(g.threshold).toBe(9);
    for (let i = 0; i < 9; i++) g.record(T0 + i * 5000);
    // Held until the oldest (T0) is 60 s old.
    expect(g.pausedUntil(T0 + 40_000)).toBe(T0 + 60_000);
    expect(g.pausedUntil(T0 + 60_000)).toBe(0);
    g.record(T0 + 60_000);
    // 9 again (T0+5s .. T0+60s): held until T0+5s leaves.
    expect(g.pausedUntil(T0 + 60_000)).toBe(T0 + 65_000);
    expect(g.count(T0 + 200_000)).toBe(0);
  });
});
