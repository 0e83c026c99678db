/**
 * The engine's thread stepping aside for the host's: it pauses only when the host's thread waited
 * for a core more than its share of a sample, the pause ends on time, a pause is never decided on
 * a sample that overlapped the last one (so at most about half the time is paused, whatever keeps
 * the host waiting), and where the wait cannot be read nothing is ever held. The wait and the
 * clock are the test's; on Linux the real reader is checked against this process's own thread.
 */
import os from 'node:os';
import { HostYield, mainThreadWaitReader } from '../../../module/delivery/host-yield.js';
import type { Timers } from '../../../module/delivery/timers.js';

/** A clock, a run-queue wait and timers the test moves by hand. */
function world(opts: { waitShareOfTime?: number } = {}) {
  let now = 0;
  let waitNs = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const fake: Timers = {
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const pauses: number[] = [];
  const y = new HostYield(() => waitNs, { now: () => now, timers: fake, onPause: (ms) => pauses.push(ms) });
  return {
    y,
    pauses,
    /** Moves the clock by `ms`, the host having waited `share` of it for a core; fires due timers. */
    pass(ms: number, share = opts.waitShareOfTime ?? 0) {
      for (let step = 0; step < ms; step++) {
        now += 1;
        waitNs += share * 1e6;
        for (const t of timers.filter((x) => x.at <= now)) {
          timers.splice(timers.indexOf(t), 1);
          t.fn();
        }
      }
    },
  };
}

describe('HostYield', () => {
  it('holds no work while the host waits for a core less than 5 % of the time', () => {
    const w = world();
    expect(w.y.start()).toBe(true);
    w.pass(1000, 0.04);
    expect(w.pauses).toEqual([]);
    expect(w.y.turn()).toBeNull();
    w.y.stop();
  });

  it('holds new work for 20 ms once the host waited more, then lets it go', async () => {
    const w = world();
    w.y.start();
    w.pass(20, 0);
    // The sample at 40 ms sees 10 ms of waiting in 20 ms.
    w.pass(20, 0.5);
    expect(w.pauses).toEqual([20]);
    const pause = w.y.turn();
    expect(pause).not.toBeNull();
    // Every caller during one pause waits on the same promise.
    expect(w.y.turn()).toBe(pause);
    let released = false;
    void pause!.then(() => (released = true));
    w.pass(19, 0);
    await Promise.resolve();
    expect(released).toBe(false);
    w.pass(1, 0);
    await pause;
    expect(released).toBe(true);
    expect(w.y.turn()).toBeNull();
    w.y.stop();
  });

  it('pauses at most about half the time when something else keeps the host waiting all the time', () => {
    const w = world({ waitShareOfTime: 1 });
    w.y.start();
    w.pass(10_000);
    const paused = w.pauses.reduce((a, b) => a + b, 0);
    expect(w.pauses.length).toBeGreaterThan(100);
    expect(paused / 10_000).toBeLessThanOrEqual(0.5);
    w.y.stop();
  });

  it('never holds anything where the host thread wait cannot be read', () => {
    const y = new HostYield(() => null);
    expect(y.start()).toBe(false);
    expect(y.turn()).toBeNull();
  });

  it('stops sampling on stop(): no pause afterwards', () => {
    const w = world({ waitShareOfTime: 1 });
    w.y.start();
    w.y.stop();
    w.pass(1000);
    expect(w.pauses).toEqual([]);
    expect(w.y.turn()).toBeNull();
  });

  (os.platform() === 'linux' ? it : it.skip)("reads this process's main thread's run-queue wait on Linux", () => {
    const read = mainThreadWaitReader();
    const first = read();
    expect(typeof first).toBe('number');
    // Busy for a while: the counter never goes back.
    const until = Date.now() + 30;
    while (Date.now() < until);
    expect(read()!).toBeGreaterThanOrEqual(first!);
  });
});
