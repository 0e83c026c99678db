/**
 * Polls `check` until it returns true, failing with `describe()` after `limitMs`. The limit is a
 * bound on a hang, never a speed claim: tests that use it assert what arrived, not how fast.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  describe: () => string | Promise<string>,
  limitMs = 60_000,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${limitMs / 1000} s: ${await describe()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
