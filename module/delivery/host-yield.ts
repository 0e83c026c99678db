/**
 * The engine's thread steps aside while the host's thread waits for a core. A lower priority
 * (thread-priority.ts) is not enough on a small machine: the database server, the send thread and
 * V8's helper threads work for the engine at the host's priority, and on two cores the host's
 * pages waited for one (PostgreSQL host-load: p50 x1.5-2.5 under load). So the engine holds its
 * new work (a lane's next request, the fan-out's next batch) for a pause whenever, over the last
 * sample, the host's thread spent more than a share of it runnable but not running, as Linux's
 * schedstat counts it. Never more than about half the time: when another program keeps the host
 * waiting, the deliveries slow down, they never stop.
 */
import fs from 'node:fs';
import { realTimers, type Timers } from './timers.js';

export interface HostYieldOptions {
  /** The host thread's run-queue wait so far in ns, or null when the system cannot say. */
  readWaitNs: () => number | null;
  /** A monotonic clock in ms (performance.now). */
  now?: () => number;
  timers?: Timers;
  /** How often the wait is read (default 20 ms). */
  sampleMs?: number;
  /** How long new work is held once the host waited (default 20 ms). */
  pauseMs?: number;
  /** The share of a sample the host may wait for a core before the engine steps aside (default 0.05). */
  waitShare?: number;
  /** Told of each pause (the engine's counters). */
  onPause?: (ms: number) => void;
}

/** What the dispatcher and the fan-out ask before each unit of new work. */
export interface HostTurn {
  /** Null when the engine may go on; else resolves when its pause ends. */
  turn(): Promise<void> | null;
}

/**
 * Reads the run-queue wait of the process's main thread, where the host runs the module (Linux:
 * `/proc/self/task/<pid>/schedstat`, its second field); null elsewhere.
 */
export function mainThreadWaitReader(): () => number | null {
  const file = `/proc/self/task/${process.pid}/schedstat`;
  return () => {
    try {
      const wait = Number(fs.readFileSync(file, 'utf8').split(' ')[1]);
      return Number.isFinite(wait) ? wait : null;
    } catch {
      return null;
    }
  };
}

export class HostYield implements HostTurn {
  private readonly o: Required<Omit<HostYieldOptions, 'readWaitNs'>>;
  private pausedUntil = 0;
  private pause: Promise<void> | null = null;
  private last: { at: number; waitNs: number } | null = null;
  private timer: unknown = null;
  private running = false;

  constructor(
    private readonly read: HostYieldOptions['readWaitNs'],
    options: Omit<HostYieldOptions, 'readWaitNs'> = {},
  ) {
    this.o = {
      now: options.now ?? (() => performance.now()),
      timers: options.timers ?? realTimers,
      sampleMs: options.sampleMs ?? 20,
      pauseMs: options.pauseMs ?? 20,
      waitShare: options.waitShare ?? 0.05,
      onPause: options.onPause ?? (() => undefined),
    };
  }

  /** Starts sampling; false (and nothing runs) when the host thread's wait cannot be read here. */
  start(): boolean {
    if (this.running) return true;
    if (this.read() === null) return false;
    this.running = true;
    this.schedule();
    return true;
  }

  stop(): void {
    this.running = false;
    this.o.timers.clearTimeout(this.timer);
    this.pausedUntil = 0;
  }

  turn(): Promise<void> | null {
    const left = this.pausedUntil - this.o.now();
    if (left <= 0) return null;
    this.pause ??= new Promise<void>((resolve) => {
      this.o.timers.setTimeout(() => {
        this.pause = null;
        resolve();
      }, left);
    });
    return this.pause;
  }

  /** One sample; exposed for tests that drive the clock. */
  sample(): void {
    const at = this.o.now();
    if (at < this.pausedUntil) return;
    const waitNs = this.read();
    if (waitNs === null) return;
    const last = this.last;
    this.last = { at, waitNs };
    // A sample begun before or during a pause says nothing of the time the engine worked: the
    // next one, a whole sample of work, decides (so at most about half the time is paused).
    if (!last || last.at < this.pausedUntil) return;
    const spanMs = at - last.at;
    if (spanMs > 0 && (waitNs - last.waitNs) / 1e6 > this.o.waitShare * spanMs) {
      this.pausedUntil = at + this.o.pauseMs;
      this.o.onPause(this.o.pauseMs);
    }
  }

  private schedule(): void {
    this.timer = this.o.timers.setTimeout(() => {
      if (!this.running) return;
      this.sample();
      this.schedule();
    }, this.o.sampleMs);
  }
}
