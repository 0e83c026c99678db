/**
 * Lowers the calling thread's scheduling priority (its nice value), so that when the host's
 * thread and the delivery engine's thread want the same core, the host's pages go first: the
 * engine then uses what the host leaves. Through @napi-rs/nice, the library piscina already uses
 * for the render threads (`niceIncrement`): on Linux nice() changes the calling thread alone.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The thread's nice value after raising it by `increment`, or null when that cannot be done here. */
export function lowerThisThreadPriority(increment: number): number | null {
  if (increment <= 0) return null;
  try {
    const { nice } = require('@napi-rs/nice') as { nice(increment: number): number };
    return nice(increment);
  } catch {
    return null;
  }
}
