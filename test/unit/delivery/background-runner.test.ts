/**
 * The loop under the fan-out and the dispatcher: rounds one at a time, wakes that come during a
 * round folded into one more round, the poll on injected timers, a bounded stop after which no
 * round starts, and a round that throws logged without ending the loop. Rounds are held open by
 * the test (gates), timers fire only when the test moves the clock: nothing here waits on time.
 */
import { BackgroundRunner, type BackgroundRunnerOptions } from '../../../module/delivery/background-runner.js';
import type { Timers } from '../../../module/delivery/timers.js';
import { TestClock } from '../../support/clock.js';

/** Timers on the test's clock: they fire, in time order, when the test advances it. */
class ClockTimers implements Timers {
  private pending: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  constructor(private readonly clock: TestClock) {}
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.push({ at: this.clock.now() + ms, fn, id });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.pending = this.pending.filter((t) => t.id !== handle);
  };
  /** When each pending timer fires, relative to now. */
  dueIn(): number[] {
    return this.pending.map((t) => t.at - this.clock.now()).sort((a, b) => a - b);
  }
  advance(ms: number): void {
    const until = this.clock.now() + ms;
    for (;;) {
      const due = this.pending.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.clock.t = due.at;
      due.fn();
    }
    this.clock.t = until;
  }
}

/** A promise the test resolves or rejects. */
function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets every promise callback queued so far run (rounds end over a few ticks). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function world(over: Partial<BackgroundRunnerOptions> = {}) {
  const clock = new TestClock();
  const timers = new ClockTimers(clock);
  const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void logs.push({ level, msg, fields });
  /** Each round waits for the gate the test gives it (none: it ends at once). */
  const gates: ReturnType<typeof gate>[] = [];
  let started = 0;
  let running = 0;
  let mostAtOnce = 0;
  const runner = new BackgroundRunner({
    round: async () => {
      started++;
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      try {
        await gates.shift()?.promise;
      } finally {
        running--;
      }
    },
    pollMs: 1000,
    shutdownGraceMs: 5000,
    now: clock.now,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    failed: 'test: round failed',
    timers,
    ...over,
  });
  const hold = () => {
    const g = gate();
    gates.push(g);
    return g;
  };
  return { clock, timers, logs, runner, hold, started: () => started, mostAtOnce: () => mostAtOnce };
}

describe('BackgroundRunner', () => {
  it('runs a round at start, then one per poll interval on the injected timers', async () => {
    const w = world();
    w.runner.start();
    // Started within the call (the dispatcher's passes issue their first statement at once).
    expect(w.started()).toBe(1);
    await settle();
    expect(w.timers.dueIn()).toEqual([1000]);
    w.timers.advance(999);
    await settle();
    expect(w.started()).toBe(1);
    w.timers.advance(1);
    await settle();
    expect(w.started()).toBe(2);
    w.timers.advance(1000);
    await settle();
    expect(w.started()).toBe(3);
    // One timer at a time, never a pile of them.
    expect(w.timers.dueIn()).toEqual([1000]);
  });

  it('does nothing before start: wakes are not heard', async () => {
    const w = world();
    w.runner.wake();
    w.runner.wakeSoon(5);
    await settle();
    expect(w.started()).toBe(0);
    expect(w.timers.dueIn()).toEqual([]);
  });

  it('folds every wake that comes during a round into one more round, never two rounds at once', async () => {
    const w = world();
    const first = w.hold();
    w.runner.start();
    await settle();
    expect(w.started()).toBe(1);
    for (let i = 0; i < 10; i++) w.runner.wake();
    w.runner.wakeSoon(5);
    await settle();
    expect(w.started()).toBe(1);
    const second = w.hold();
    first.open();
    await settle();
    expect(w.started()).toBe(2);
    // Nothing woke it during the second round: after it, the poll, not another round.
    second.open();
    await settle();
    expect(w.started()).toBe(2);
    expect(w.timers.dueIn()).toEqual([1000]);
    expect(w.mostAtOnce()).toBe(1);
  });

  it('wakeSoon sets a timer unless one comes sooner, and a sooner one replaces a later one', async () => {
    const w = world();
    w.runner.start();
    await settle();
    expect(w.timers.dueIn()).toEqual([1000]);
    w.runner.wakeSoon(5);
    expect(w.timers.dueIn()).toEqual([5]);
    w.runner.wakeSoon(50);
    expect(w.timers.dueIn()).toEqual([5]);
    w.timers.advance(5);
    await settle();
    expect(w.started()).toBe(2);
    expect(w.timers.dueIn()).toEqual([1000]);
  });

  it('waits as long as the round asks when it returns a delay, and reads pollMs each time when it is a function', async () => {
    let poll = 300;
    const delays: (number | undefined)[] = [40, undefined, undefined];
    let rounds = 0;
    const w = world({
      round: async () => {
        rounds++;
        return delays.shift();
      },
      pollMs: () => poll,
    });
    w.runner.start();
    await settle();
    expect(w.timers.dueIn()).toEqual([40]);
    w.timers.advance(40);
    await settle();
    expect(rounds).toBe(2);
    expect(w.timers.dueIn()).toEqual([300]);
    poll = 70;
    w.timers.advance(300);
    await settle();
    expect(rounds).toBe(3);
    expect(w.timers.dueIn()).toEqual([70]);
  });

  it('logs a round that throws and goes on: the next round comes at the poll', async () => {
    const w = world();
    const first = w.hold();
    w.runner.start();
    await settle();
    first.fail(new Error('SQLITE_BUSY: database is locked'));
    await settle();
    expect(w.logs).toEqual([{ level: 'error', msg: 'test: round failed', fields: { error: 'SQLITE_BUSY: database is locked' } }]);
    expect(w.runner.rounds).toBe(1);
    expect(w.timers.dueIn()).toEqual([1000]);
    w.timers.advance(1000);
    await settle();
    expect(w.started()).toBe(2);
    expect(w.runner.rounds).toBe(2);
  });

  it('stop waits for the round in progress and the owner work in flight, then no round starts again', async () => {
    const lane = gate();
    let laneDone = false;
    void lane.promise.then(() => (laneDone = true));
    let told = 0;
    const w = world({ inFlight: () => [lane.promise], onStop: () => void told++ });
    const round = w.hold();
    w.runner.start();
    await settle();
    let stopped: boolean | null = null;
    const stopping = w.runner.stop().then((finished) => (stopped = finished));
    expect(told).toBe(1);
    expect(w.runner.stopping).toBe(true);
    expect(w.timers.dueIn()).toEqual([]);
    await settle();
    expect(stopped).toBeNull();
    round.open();
    await settle();
    // The round is over; the owner's lane still runs.
    expect(stopped).toBeNull();
    expect(w.timers.dueIn()).toEqual([]);
    lane.open();
    await stopping;
    expect(laneDone).toBe(true);
    expect(stopped).toBe(true);
    w.runner.wake();
    w.runner.wakeSoon(5);
    w.timers.advance(10_000);
    await settle();
    expect(w.started()).toBe(1);
    expect(w.timers.dueIn()).toEqual([]);
  });

  it('stop between rounds takes back the pending poll timer (nothing left to fire) and resolves at once', async () => {
    const w = world();
    w.runner.start();
    await settle();
    expect(w.timers.dueIn()).toEqual([1000]);
    await expect(w.runner.stop()).resolves.toBe(true);
    expect(w.timers.dueIn()).toEqual([]);
  });

  it('stop gives up waiting after its bound when the round never ends', async () => {
    const w = world();
    w.hold();
    w.runner.start();
    await settle();
    // A few real milliseconds: the bound is Node's timer, whatever timers were injected.
    await expect(w.runner.stop(5)).resolves.toBe(false);
    expect(w.started()).toBe(1);
  });

  it('runs the owner exclusive work after the round in progress, and the next round after it', async () => {
    const w = world();
    const round = w.hold();
    w.runner.start();
    await settle();
    const order: string[] = [];
    const drained = w.runner.exclusive(async () => {
      order.push(`drain after ${w.started()} round(s)`);
      return 'drained';
    });
    w.runner.wake();
    await settle();
    expect(order).toEqual([]);
    round.open();
    await expect(drained).resolves.toBe('drained');
    await settle();
    expect(order).toEqual(['drain after 1 round(s)']);
    expect(w.started()).toBe(2);
    expect(w.mostAtOnce()).toBe(1);
  });
});
