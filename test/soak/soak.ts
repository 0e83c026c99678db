/**
 * `npm run soak`: a busy week compressed, on SQLite (one host process) and on PostgreSQL (two
 * host processes), with faults and operations on schedule (soak-schedule.ts), checked at the end
 * from the receivers' records and the database (soak-invariants.ts). Prints one line per run:
 *   soak: N events, M deliveries, lost 0, duplicates D (bound B), limit breaches 0, storms 0, max loop delay X ms, RSS A -> B MB
 * and writes a JSON report under var/soak/. A failed invariant prints the event ids and exits 1.
 *
 *   npm run soak                      # about 10 minutes: two weeks of 5 minutes
 *   npm run soak -- --short           # about 2 minutes of weeks (CI)
 *   npm run soak -- --minutes 20      # 10 minutes per database
 *   npm run soak -- --db sqlite       # one database only
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseKind } from '../../host/db/connect-database.js';
import { repoRoot } from '../support/host-child.js';
import { runWeek, type WeekResult } from './soak-week.js';

interface Args {
  minutes: number;
  kinds: DatabaseKind[];
  short: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { minutes: 10, kinds: ['sqlite', 'postgres'], short: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--short') {
      a.short = true;
      a.minutes = 2;
    } else if (argv[i] === '--minutes') {
      a.minutes = Number(argv[++i]);
      if (!(a.minutes > 0)) throw new Error(`soak: --minutes wants a positive number, got ${argv[i]}`);
    } else if (argv[i] === '--db') {
      a.kinds = String(argv[++i])
        .split(',')
        .map((k) => k.trim() as DatabaseKind);
      for (const k of a.kinds) if (k !== 'sqlite' && k !== 'postgres') throw new Error(`soak: --db takes sqlite and/or postgres, got ${k}`);
    } else throw new Error(`soak: unknown argument ${argv[i]} (known: --short, --minutes N, --db sqlite,postgres)`);
  }
  return a;
}

const pct = (r: WeekResult) => {
  const v = r.verdict;
  return (
    `soak: ${v.events} events, ${v.deliveries} deliveries, lost ${v.lost.length}, duplicates ${v.duplicates} (bound ${r.duplicateBound}), ` +
    `limit breaches ${v.limitBreaches}, storms ${v.storms.length}, max loop delay ${Math.round(r.loop.maxDelayMs)} ms, ` +
    `RSS ${r.loop.rssFirstMb} -> ${r.loop.rssLastMb} MB`
  );
};

/** Each broken invariant, with the event ids that show it. */
function failures(r: WeekResult): string[] {
  const v = r.verdict;
  const ids = (xs: { eventId: string; webhook: number }[]) =>
    xs
      .slice(0, 50)
      .map((x) => `${x.eventId}@webhook${x.webhook}`)
      .join(', ') + (xs.length > 50 ? `, … (${xs.length} in all)` : '');
  const out: string[] = [];
  if (v.lost.length) out.push(`lost (neither received nor dead with a reason): ${ids(v.lost)}`);
  if (v.receivedNotDelivered.length) out.push(`received but the row is not delivered: ${ids(v.receivedNotDelivered)}`);
  if (v.unexpected.length) out.push(`sent to a webhook that does not match the event: ${ids(v.unexpected)}`);
  if (v.duplicates > r.duplicateBound)
    out.push(`duplicates ${v.duplicates} over the bound ${r.duplicateBound}: ${v.duplicateEvents.slice(0, 50).join(', ')}`);
  if (v.limitBreaches) out.push(`${v.limitBreaches} requests over a receiver's rate limit`);
  if (v.atClockJump.breaches > v.atClockJump.webhooks.length)
    out.push(
      `${v.atClockJump.breaches} early requests at the clock jump, over the bound of one per webhook (${v.atClockJump.webhooks.length})`,
    );
  if (v.storms.length)
    out.push(`retry storms: ${v.storms.map((s) => `webhook ${s.webhook}: ${s.failures} failed requests in a minute`).join('; ')}`);
  if (v.orderBreaks.length)
    out.push(
      `out of order: ${v.orderBreaks
        .slice(0, 20)
        .map((b) => `${b.eventId} after ${b.after} @webhook${b.webhook}`)
        .join(', ')}`,
    );
  if (!r.drained) out.push('the queue did not drain');
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const weekMs = (args.minutes * 60_000) / args.kinds.length;
  const scale = weekMs / 60_000;
  const outDir = path.join(repoRoot, 'var', 'soak');
  fs.mkdirSync(outDir, { recursive: true });
  let failed = false;
  const lines: string[] = [];
  for (const kind of args.kinds) {
    const processes = kind === 'postgres' ? 2 : 1;
    console.log(`\n== soak on ${kind}, ${processes} host process(es), a week in ${(weekMs / 60_000).toFixed(1)} min`);
    const result = await runWeek({
      kind,
      processes,
      weekMs,
      dayRate: 6,
      saleEvents: Math.round(200 * scale),
      drainMs: 240_000,
      log: (l) => console.log(l),
    });
    const line = pct(result);
    const broken = failures(result);
    const file = path.join(outDir, `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
          kind,
          processes,
          weekMs,
          line,
          failures: broken,
          ...result,
        },
        null,
        1,
      ),
    );
    for (const f of broken) console.log(`FAILED [${kind}] ${f}`);
    if (result.verdict.atClockJump.breaches)
      console.log(
        `note: at the clock jump ${result.verdict.atClockJump.breaches} request(s) came early to ${result.verdict.atClockJump.webhooks.length} webhook(s) (at most one each): waits dated by the wall clock end when it steps ahead`,
      );
    console.log(`report: ${path.relative(repoRoot, file)}`);
    console.log(`[${kind}, ${processes} process${processes > 1 ? 'es' : ''}] ${line}`);
    lines.push(line);
    failed ||= broken.length > 0;
  }
  console.log('');
  for (const l of lines) console.log(l);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
