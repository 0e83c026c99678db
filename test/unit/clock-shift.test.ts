/**
 * Proves a shifted-clock run really is shifted. CI runs the unit and integration projects under
 * `faketime` at dates far from today (e.g. `faketime -f '+400d'`) and passes bounds it computed
 * from the REAL date, outside faketime (file times and every clock inside the run are shifted too,
 * so the run itself cannot know the real date):
 *
 *   EXPECT_NOW_AFTER=YYYY-MM-DD   now must be at or after 00:00 UTC of that day
 *   EXPECT_NOW_BEFORE=YYYY-MM-DD  now must be before 00:00 UTC of that day
 *
 * e.g. for '+400d': EXPECT_NOW_AFTER=$(date -u -d '+398 days' +%F) EXPECT_NOW_BEFORE=$(date -u -d '+402 days' +%F).
 * Checked: Date.now(), new Date(), and a child Node process (host children in the multi-process
 * tests must see the same date). Without either variable the test is reported as skipped.
 */
import { execFileSync } from 'node:child_process';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function bound(name: string): number | null {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return null;
  const t = Date.parse(raw + 'T00:00:00Z');
  if (!DAY.test(raw) || Number.isNaN(t)) throw new Error(`${name} must be a date YYYY-MM-DD, got "${raw}"`);
  return t;
}

const wanted = process.env.EXPECT_NOW_AFTER || process.env.EXPECT_NOW_BEFORE;
const maybe = wanted ? it : it.skip;

describe('the clock this run sees', () => {
  maybe('lies within EXPECT_NOW_AFTER / EXPECT_NOW_BEFORE (the shift CI asked for)', () => {
    const after = bound('EXPECT_NOW_AFTER');
    const before = bound('EXPECT_NOW_BEFORE');
    const iso = (t: number) => new Date(t).toISOString();
    const child = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(Date.now()))'], { encoding: 'utf8' }));
    const seen = { 'Date.now()': Date.now(), 'new Date()': new Date().getTime(), 'a child process': child };
    const wrong: string[] = [];
    for (const [what, t] of Object.entries(seen)) {
      if (after !== null && !(t >= after)) wrong.push(`${what} is ${iso(t)}, not at or after ${iso(after)}`);
      if (before !== null && !(t < before)) wrong.push(`${what} is ${iso(t)}, not before ${iso(before)}`);
    }
    expect(wrong).toEqual([]);
  });
});
