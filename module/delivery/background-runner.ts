/**
 * The loop the fan-out and the dispatcher run in the background: one round at a time, started
 * by wake() (at once), by wakeIn() (a little later) or by the poll timer, never two at once.
 *
 * - Wake coalescing: wakes that come while a round runs make one more round right after it, not
 *   one each (the round reads everything there is to read).
 * - One timer: after a round, the next one is set `pollMs` later (or sooner when the owner asks:
 *   a lane that opens again, a busy lease); a timer already set to come sooner is kept.
 * - A round that throws is logged and the loop goes on: the next one comes at the poll.
 * - stop(): no more rounds; waits for the round in progress (and the owner's other work) within
 *   the grace period, in real time (a test holding its timers must still be able to stop).
 * - Timers are injected (tests hold them); the default is Node's, unref'd (timers.ts).
 * The round itself (leases, what is read and written) is the owner's.
 */
import type { Logger } from '../../sdk/module-context.js';
import { realTimers, withinRealTime, type Timers } from './timers.js';

export interface BackgroundRunnerOptions {
  /**
   * One round of the owner's work. May return how long to wait before the next one (ms) when
   * that is not the poll interval.
   */
  round(): Promise<number | void>;
  /** Time between rounds when nothing wakes the loop; a function when the owner knows sooner. */
  pollMs: number | (() => number);
  /** How long stop() and settled() wait, at most, by default. */
  shutdownGraceMs: number;
  /** The owner's clock (the timer kept is the one due soonest). */
  now(): number;
  logger: Logger;
  /** What the log says when a round throws. */
  failed: string;
  timers?: Timers;
  /** Work of the owner outside the round that stop() and settled() wait for too (lanes in flight). */
  inFlight?(): Iterable<Promise<unknown>>;
  /** Told as soon as stop() is called, before it waits (to wake what waits for new work). */
  onStop?(): void;
}

export class BackgroundRunner {
  private readonly timers: Timers;
  /** The last round or exclusive work (drain) queued; null when none is in progress. */
  private tail: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: unknown = null;
  private timerAt = Infinity;
  private started = false;
  private stopped = false;
  private finished = 0;

  constructor(private readonly o: BackgroundRunnerOptions) {
    this.timers = o.timers ?? realTimers;
  }

  /** Set as soon as stop() is called: the owner's work ends at its next check. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Started and not stopped: wakes are heard. */
  get live(): boolean {
    return this.started && !this.stopped;
  }

  /** Rounds ended so far, thrown ones included (tests, diagnostics). */
  get rounds(): number {
    return this.finished;
  }

  /** Starts the loop with a round at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.wake();
  }

  /** A round now, or right after the one running (however many wakes come meanwhile: one). */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    let wait: number | void = undefined;
    this.running = this.exclusive(() => this.o.round())
      .then((ms) => void (wait = ms))
      .catch((err: Error) => this.o.logger.error(this.o.failed, { error: err.message }))
      .finally(() => {
        this.running = null;
        this.finished++;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        } else this.wakeIn(typeof wait === 'number' ? wait : this.pollMs());
      });
  }

  /**
   * A round in `ms` unless a timer is set to come sooner; while a round runs, one right after it
   * instead (what the caller wants done may have come too late for the running round to see).
   */
  wakeSoon(ms: number): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.wakeIn(ms);
  }

  /** One timer: a round in `ms`, unless one is already set to come sooner. */
  private wakeIn(ms: number): void {
    if (!this.started || this.stopped) return;
    const at = this.o.now() + ms;
    if (this.timer !== null) {
      if (this.timerAt <= at) return;
      this.timers.clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.wake();
    }, ms);
  }

  private pollMs(): number {
    return typeof this.o.pollMs === 'number' ? this.o.pollMs : this.o.pollMs();
  }

  /**
   * Runs `fn` after the round in progress, and the next round after `fn` (the owner's drain).
   * With nothing in progress `fn` starts at once, in this call: a round woken by the end of a
   * lane issues its first statement before the caller's next one, as it always did.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail ? this.tail.then(fn) : startNow(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tail = tail;
    void tail.then(() => {
      if (this.tail === tail) this.tail = null;
    });
    return run;
  }

  /**
   * No more rounds; resolves once the round in progress and the owner's work in flight have
   * ended (true), or after the grace period (false).
   */
  async stop(graceMs = this.o.shutdownGraceMs): Promise<boolean> {
    if (this.stopped) return true;
    this.stopped = true;
    this.o.onStop?.();
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    return this.settled(graceMs);
  }

  /** Resolves once the round and the owner's work in flight have ended (true), or after `limitMs` (false). */
  settled(limitMs = this.o.shutdownGraceMs): Promise<boolean> {
    return withinRealTime(Promise.allSettled([this.tail, ...(this.o.inFlight?.() ?? [])]), limitMs);
  }
}

/** `fn()`, a synchronous throw included as a rejection. */
function startNow<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err as Error);
  }
}
