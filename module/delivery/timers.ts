/**
 * The timers the background loops schedule with. Injected so tests can hold them (fake or manual
 * timers); by default Node's, unref'd so a pending poll never keeps the host process alive.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Resolves with `work`'s outcome, or `false` after `ms` of real time, whichever comes first.
 * Shutdown bounds use Node's timers, never injected ones: a test holding its timers must still
 * be able to stop.
 */
export async function withinRealTime(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: unknown = null;
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = realTimers.setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    realTimers.clearTimeout(timer);
  }
}
