/**
 * Clocks for test worlds. A test world (one database, or one host, with everything that writes
 * times into it) runs on ONE clock: either every writer uses the same injected clock, or every
 * writer uses the real one. Never both: rows stamped by the real clock next to rows stamped by a
 * fixed test clock make retention, date filters and the 14-day chart depend on today's date.
 */
import type { Clock } from '../../sdk/module-context.js';

/** Where a TestClock starts unless told otherwise: a fixed instant, so a run never depends on today's date. */
export const TEST_EPOCH = Date.UTC(2026, 10, 29, 9, 0, 0);

export const DAY_MS = 86_400_000;

/** A clock that moves only when the test says so. */
export class TestClock implements Clock {
  constructor(public t = TEST_EPOCH) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * The real clock, for worlds that need real time to pass (real timers, sinks counting real
 * seconds). In such a world every writer, the test's own inserts included, uses this one.
 */
export const realClock: Clock = { now: () => Date.now() };

/** Epoch ms of 00:00 UTC of the day holding `ms`. */
export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** `YYYY-MM-DD` (UTC) of `ms`, as the delivery log's date filters take it. */
export const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
