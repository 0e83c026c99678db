/**
 * Keeps this host's IP under Discord's (and Cloudflare's) invalid-request limit: an IP that gets
 * 10,000 answers 401, 403 or 429 in 10 minutes is banned for a while. Every such answer from a
 * Discord webhook is counted in a sliding window; once the count reaches `headroom` of the limit
 * (90 %: 9,000), sending to Discord pauses until enough of the window's answers have aged out.
 * Slack, Teams, Telegram and JSON targets are not behind Discord's Cloudflare: their answers are
 * not counted and they keep sending.
 *
 * Per process: each host process counts only its own requests. Several processes sending from
 * one IP share the limit, so there each one's headroom should be divided accordingly.
 */

export interface InvalidRequestLimit {
  /** Invalid answers allowed per window (Discord: 10,000). */
  limit: number;
  /** The window (Discord: 10 minutes). */
  windowMs: number;
  /** Fraction of the limit at which sending pauses (default 0.9). */
  headroom: number;
}

export const DISCORD_INVALID_REQUEST_LIMIT: InvalidRequestLimit = { limit: 10_000, windowMs: 600_000, headroom: 0.9 };

/** Statuses Discord counts as invalid requests. */
export const isInvalidRequestStatus = (status: number | null): boolean => status === 401 || status === 403 || status === 429;

export class InvalidRequestGuard {
  /** Arrival times, oldest first, from `head` on (a queue without shifting the array). */
  private times: number[] = [];
  private head = 0;
  readonly threshold: number;

  constructor(readonly config: InvalidRequestLimit = DISCORD_INVALID_REQUEST_LIMIT) {
    this.threshold = Math.max(1, Math.floor(config.limit * config.headroom));
  }

  record(at: number): void {
    this.times.push(at);
  }

  /** Invalid answers within the window ending at `now`. */
  count(now: number): number {
    this.expire(now);
    return this.times.length - this.head;
  }

  /** 0 when sending may go on; otherwise the time from which the window has room again. */
  pausedUntil(now: number): number {
    const n = this.count(now);
    if (n < this.threshold) return 0;
    // Room again once the count is threshold - 1: when the (n - threshold + 1)-th oldest leaves.
    return this.times[this.head + (n - this.threshold)] + this.config.windowMs;
  }

  private expire(now: number): void {
    const from = now - this.config.windowMs;
    while (this.head < this.times.length && this.times[this.head] <= from) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
