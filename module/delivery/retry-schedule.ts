/**
 * When to try a delivery again. Pure: the caller passes the attempt number and a random source.
 * The default schedule (Svix's): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each
 * with +-20% jitter so a burst of failures does not come back as a burst.
 */
export const DEFAULT_SCHEDULE_MS: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const DEFAULT_JITTER = 0.2;

export interface NextAttemptArgs {
  /** How many attempts were made so far (1 after the first failure). */
  attempt: number;
  schedule?: readonly number[];
  /** Returns a number in [0, 1). */
  random?: () => number;
  jitter?: number;
  /** A server-given wait (Retry-After); the delay is never shorter. */
  retryAfterMs?: number | null;
}

/**
 * Milliseconds to wait before attempt number `attempt + 1`, or null when the schedule is used up
 * (the delivery is then dead). The first failure uses schedule[1]: schedule[0] is the first try.
 */
export function nextAttemptDelay({
  attempt,
  schedule = DEFAULT_SCHEDULE_MS,
  random = Math.random,
  jitter = DEFAULT_JITTER,
  retryAfterMs = null,
}: NextAttemptArgs): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`nextAttemptDelay: attempt must be an integer >= 1, got ${attempt}`);
  if (attempt >= schedule.length) return null;
  const base = schedule[attempt];
  const factor = 1 + jitter * (2 * random() - 1);
  const delay = Math.round(base * factor);
  return Math.max(delay, retryAfterMs ?? 0, 0);
}

/** Parses "0, 5s, 5m, 30m, 2h" (the settings form) into milliseconds; throws naming the bad item. */
export function parseSchedule(text: string): number[] {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item, i) => {
      const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(item);
      if (!m) throw new Error(`retry schedule: item ${i + 1} ("${item}") is not a duration such as 30s, 5m or 2h`);
      return Math.round(Number(m[1]) * units[m[2] ?? 'ms']);
    });
}
