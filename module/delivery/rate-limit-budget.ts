/**
 * What a webhook's run of consecutive 429s leads to. Pure: the server's (already bounded) wait,
 * how many 429s in a row the lane has had (no 2xx in between) and since when -> wait this long,
 * or pause the webhook.
 *
 * The first 429 waits what the server asked (sub-second waits included). From the second in a
 * row on, the wait is at least floor x 2^(n-1) (2 s, 4 s, 8 s, ... 512 s at the tenth), never
 * less than the server's value and never more than the cap. After `maxConsecutive` 429s in a row,
 * or once a run has lasted `maxRunMs`, the webhook is paused with a reason the admin sees; its
 * queued deliveries stay queued for when it is enabled again.
 */
import { RATE_LIMIT_CAP_MS, RATE_LIMIT_FLOOR_MS } from './retry-after.js';

export interface RateLimitBudget {
  /** 429s in a row that pause the webhook (default 10). */
  maxConsecutive: number;
  /** How long a run of 429s may last before the webhook is paused (default 15 min). */
  maxRunMs: number;
  /** Backoff base (default RATE_LIMIT_FLOOR_MS). */
  floorMs: number;
  /** Longest wait (default RATE_LIMIT_CAP_MS). */
  capMs: number;
}

export const DEFAULT_RATE_LIMIT_BUDGET: RateLimitBudget = {
  maxConsecutive: 10,
  maxRunMs: 15 * 60_000,
  floorMs: RATE_LIMIT_FLOOR_MS,
  capMs: RATE_LIMIT_CAP_MS,
};

export interface RateLimitRun {
  /** 429s in a row, this one included (>= 1). */
  count: number;
  /** When the first 429 of the run arrived (epoch ms). */
  since: number;
}

export type RateLimitDecision =
  | { kind: 'wait'; waitMs: number; /** The run's exponential floor for this 429 (0 for the first). */ backoffMs: number }
  | { kind: 'pause'; reason: string };

/** "45 s", "8 min 31 s", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
}

export function rateLimitDecision(
  serverWaitMs: number,
  run: RateLimitRun,
  now: number,
  budget: RateLimitBudget = DEFAULT_RATE_LIMIT_BUDGET,
): RateLimitDecision {
  const lasted = Math.max(0, now - run.since);
  if (run.count >= budget.maxConsecutive || lasted >= budget.maxRunMs)
    return {
      kind: 'pause',
      reason:
        `Paused after ${run.count} rate-limited answers (429) in a row over ${formatDuration(lasted)}: ` +
        `the target keeps asking to slow down. Its queued messages are kept; enable the webhook again to send them.`,
    };
  const backoffMs = run.count >= 2 ? Math.min(budget.capMs, budget.floorMs * 2 ** (run.count - 1)) : 0;
  return { kind: 'wait', waitMs: Math.min(budget.capMs, Math.max(serverWaitMs, backoffMs, 1)), backoffMs };
}
