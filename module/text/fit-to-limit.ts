/**
 * The truncation rule shared by the formatters: when a body is over its platform's limits, the
 * untrusted variables are shortened first (all of them cut to one common length, the largest
 * that fits, each ending with an ellipsis), and only if that is not enough is the whole text cut.
 */
import { RAW_INPUT_CAP, truncate } from './untrusted-text.js';

/**
 * `build(cap)` renders with untrusted values cut to `cap` units; the result's size grows with
 * `cap`. Returns the build with the largest cap that fits, or null when even one unit is too much.
 */
export function shortenUntrusted<T>(build: (cap: number) => T, fits: (t: T) => boolean): T | null {
  const full = build(Infinity);
  if (fits(full)) return full;
  if (!fits(build(1))) return null;
  let lo = 1;
  let hi = RAW_INPUT_CAP;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(build(mid))) lo = mid;
    else hi = mid - 1;
  }
  return build(lo);
}

/** Cuts `text` (with an ellipsis) to the longest prefix whose `build` fits; '' if none does. */
export function cutWholeText<T>(text: string, build: (text: string) => T, fits: (t: T) => boolean): T {
  if (fits(build(text))) return build(text);
  let lo = 0;
  let hi = text.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(build(truncate(text, mid)))) lo = mid;
    else hi = mid - 1;
  }
  return build(truncate(text, lo));
}
