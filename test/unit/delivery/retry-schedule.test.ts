import { DEFAULT_SCHEDULE_MS, nextAttemptDelay, parseSchedule } from '../../../module/delivery/retry-schedule.js';

describe('nextAttemptDelay', () => {
  it('follows the default schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) without jitter at random 0.5', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => nextAttemptDelay({ attempt, random: () => 0.5 }));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(DEFAULT_SCHEDULE_MS[0]).toBe(0);
  });

  it('gives up after the last step', () => {
    expect(nextAttemptDelay({ attempt: 8 })).toBeNull();
    expect(nextAttemptDelay({ attempt: 3, schedule: [0, 10, 20] })).toBeNull();
  });

  it('keeps jitter within +-20%', () => {
    expect(nextAttemptDelay({ attempt: 2, random: () => 0 })).toBe(240_000);
    expect(nextAttemptDelay({ attempt: 2, random: () => 0.999999 })).toBe(360_000);
    for (let i = 0; i < 200; i++) {
      const d = nextAttemptDelay({ attempt: 4 })!;
      expect(d).toBeGreaterThanOrEqual(7_200_000 * 0.8);
      expect(d).toBeLessThanOrEqual(7_200_000 * 1.2);
    }
  });

  it('never retries sooner than the server asked', () => {
    expect(nextAttemptDelay({ attempt: 1, random: () => 0.5, retryAfterMs: 60_000 })).toBe(60_000);
    expect(nextAttemptDelay({ attempt: 1, random: () => 0.5, retryAfterMs: 1_000 })).toBe(5_000);
  });

  it('refuses an attempt number below 1', () => {
    expect(() => nextAttemptDelay({ attempt: 0 })).toThrow(/attempt must be an integer >= 1, got 0/);
  });
});

describe('parseSchedule', () => {
  it('reads durations with units', () => {
    expect(parseSchedule('0, 5s, 5m, 30m, 2h, 250ms')).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 250]);
  });
  it('names the bad item', () => {
    expect(() => parseSchedule('5s, soon')).toThrow('retry schedule: item 2 ("soon") is not a duration such as 30s, 5m or 2h');
  });
});
