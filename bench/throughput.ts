/**
 * Throughput: deliveries per second from `emitAsync` to an unthrottled local sink, through the
 * whole module (validate, persist, fan out, render, claim, send, record), side by side in one
 * run with pg-boss 10.4.2 doing the same job on PostgreSQL and with a plain got loop (no
 * database): rounds alternate which system goes first; medians are printed.
 *
 * - The module: 8 webhooks (8 lanes, `delivery.concurrency` 8) on the generic JSON platform (one
 *   request per delivery, no coalescing), so deliveries and requests are the same count; as it
 *   runs by default (its engine on its own thread), and beside it, on a database of its own, with
 *   `delivery.engineThread: false` (the engine on the host's thread: `module-host`).
 * - pg-boss: one queue and one worker per webhook (batchSize 20, one POST at a time with got),
 *   one job per event and webhook, inserted 8 at a time (one insert per event); each insert wakes
 *   the workers with `notifyWorker` (pg-boss 10 polls every 0.5 s at best: a tuning in its favour).
 * - graphile-worker 0.17.3 (bench/support/graphile-worker-peer.ts), one job per delivery, in two
 *   modes: ordered (a queueName per webhook, its batched fetch off) and unordered (localQueue on,
 *   completion batched: its ceiling, no order kept).
 * - plain: 8 got loops POSTing the same kind of body, nothing persisted.
 * Every sink counts (path, eventId) pairs, so a round ends when each delivery arrived, and a
 * delivery that arrived twice is counted. The module's SQL is counted from knex's query events of
 * the host's connection, on `module-host`: there it makes them all (the engine's thread has a
 * connection of its own, which the host's events do not see).
 */
import http from 'node:http';
import got from 'got';
import PgBoss from 'pg-boss';
import type { Knex } from 'knex';
import { sampleEvent } from '../sdk/sample-events.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { startBenchHost } from './support/bench-host.js';
import { startRoundSinks, type RoundSink } from './support/round-sinks.js';
import { plainGotLoop } from './support/plain-got-loop.js';
import { median, ratio } from './support/stats.js';
import { migrateGraphileWorker, startGraphileWorker } from './support/graphile-worker-peer.js';
import { throwAwayDatabase } from './support/throwaway-database.js';

/** Webhooks = lanes = requests in flight (one lane sends one request at a time). */
export const THROUGHPUT_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const EVENTS_PER_ROUND = 100;
const ROUNDS = 5;
/** Rounds per system before the measured ones: the module's rate climbs over its first few (JIT, pools, sockets, threads). */
const WARMUP_ROUNDS = 3;
const DRAIN_LIMIT_MS = 120_000;
const GOAL_VS_PGBOSS = 1.5;
/** The module, keeping its per-webhook order, at least as fast as graphile-worker without any. */
const GOAL_VS_GRAPHILE_UNORDERED = 1.0;
const GOAL_VS_PLAIN: Record<'sqlite' | 'postgres', number> = { sqlite: 0.8, postgres: 0.7 };
const GOAL_STATEMENTS = 1.0;

/** The body the generic JSON platform sends, with the event id where the sink reads it. */
const jsonBody = (eventId: string) => ({
  type: 'order.paid',
  timestamp: new Date().toISOString(),
  data: { message: 'x'.repeat(80), payload: { ...sampleEvent('order.paid'), eventId } },
});

/** Counts the module's SQL: every statement, and commits (COMMIT, or a write outside a transaction). */
function countSql(db: Knex) {
  const c = { statements: 0, commits: 0 };
  db.on('query', (q: { sql?: string; __knexTxId?: string }) => {
    const sql = (q.sql ?? '').trim().toUpperCase();
    if (sql.startsWith('BEGIN') || sql.startsWith('SAVEPOINT') || sql.startsWith('RELEASE')) return;
    if (sql.startsWith('COMMIT')) {
      c.commits++;
      return;
    }
    c.statements++;
    // A data-modifying WITH (the PostgreSQL claims and fan-out writes) is a write too.
    const writes = /^(INSERT|UPDATE|DELETE)/.test(sql) || (sql.startsWith('WITH') && /\b(INSERT|UPDATE|DELETE)\b/.test(sql));
    if (!q.__knexTxId && writes) c.commits++;
  });
  return c;
}

/** pg-boss doing the module's job: a queue and a worker per webhook, a job per event and webhook. */
async function startPgBoss(connectionString: string, sinkUrl: string) {
  const boss = new PgBoss({ connectionString, max: THROUGHPUT_CONCURRENCY + 2 });
  boss.on('error', (err: Error) => console.error('pg-boss:', err.message));
  await boss.start();
  const agent = new http.Agent({ keepAlive: true, maxSockets: THROUGHPUT_CONCURRENCY });
  const workers: string[] = [];
  for (let i = 1; i <= THROUGHPUT_CONCURRENCY; i++) {
    const queue = `webhook-${i}`;
    await boss.createQueue(queue);
    workers.push(
      await boss.work<{ body: unknown }>(queue, { batchSize: 20, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const job of jobs)
          await got.post(`${sinkUrl}/pgboss/${i}`, {
            json: job.data.body,
            retry: { limit: 0 },
            agent: { http: agent },
            timeout: { request: 10_000 },
          });
      }),
    );
  }
  return {
    async round(prefix: string, events: number, sink: RoundSink, goal: number): Promise<number> {
      const t0 = performance.now();
      for (let e = 0; e < events; e++) {
        const body = jsonBody(`${prefix}_${e}`);
        await boss.insert(Array.from({ length: THROUGHPUT_CONCURRENCY }, (_, w) => ({ name: `webhook-${w + 1}`, data: { body } })));
        for (const id of workers) boss.notifyWorker(id);
      }
      await sink.waitForDistinct(goal, DRAIN_LIMIT_MS);
      return (events * THROUGHPUT_CONCURRENCY) / ((performance.now() - t0) / 1000);
    },
    async stop() {
      await boss.stop({ graceful: false, wait: true, timeout: 5000 });
      agent.destroy();
    },
  };
}

const label: Record<string, string> = {
  module: 'module',
  moduleHost: 'module-host',
  boss: 'pg-boss',
  gw: 'graphile-worker',
  gwu: 'graphile-worker-unordered',
  plain: 'plain',
};

export const throughput: Benchmark = {
  id: 'throughput',
  title: `Throughput: module vs pg-boss 10.4.2 vs graphile-worker 0.17.3 (ordered, unordered) vs a plain got loop (concurrency ${THROUGHPUT_CONCURRENCY})`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const targets = await startRoundSinks(6);
    const [sink, hostSink, plainSink, bossSink, gwSink, gwuSink] = targets.sinks;
    const perRound = EVENTS_PER_ROUND * THROUGHPUT_CONCURRENCY;
    const lines: string[] = [];
    try {
      for (const kind of ['postgres', 'sqlite'] as const) {
        const database = await throwAwayDatabase(kind);
        // The module as it runs by default; BENCH_MODULE_SETTINGS (JSON) adds settings for a measurer's side-by-side runs.
        const bh = await startBenchHost({
          databaseUrl: database.url,
          moduleSettings: {
            'delivery.concurrency': THROUGHPUT_CONCURRENCY,
            ...(JSON.parse(process.env.BENCH_MODULE_SETTINGS ?? '{}') as object),
          },
        });
        // The engine on the host's thread, on a database of its own (two hosts on one would share the lanes).
        const hostDatabase = await throwAwayDatabase(kind);
        const bhHost = await startBenchHost({
          databaseUrl: hostDatabase.url,
          moduleSettings: { 'delivery.concurrency': THROUGHPUT_CONCURRENCY, 'delivery.engineThread': false },
        });
        const boss = kind === 'postgres' ? await startPgBoss(database.url, bossSink.url) : null;
        const peer = (ordered: boolean) =>
          startGraphileWorker(database.url, (ordered ? gwSink : gwuSink).url, {
            ordered,
            webhooks: THROUGHPUT_CONCURRENCY,
            body: jsonBody,
          });
        if (kind === 'postgres') await migrateGraphileWorker(database.url);
        const gw = kind === 'postgres' ? await peer(true) : null;
        const gwu = kind === 'postgres' ? await peer(false) : null;
        try {
          for (let i = 1; i <= THROUGHPUT_CONCURRENCY; i++) {
            await bh.createWebhook({ name: `sink ${i}`, url: `${sink.url}/${kind}/${i}`, platform: 'json' });
            await bhHost.createWebhook({ name: `sink ${i}`, url: `${hostSink.url}/${kind}/${i}`, platform: 'json' });
          }
          const sql = countSql(bhHost.host.db);
          let seq = 0;
          const rates = {
            module: [] as number[],
            moduleHost: [] as number[],
            boss: [] as number[],
            gw: [] as number[],
            gwu: [] as number[],
            plain: [] as number[],
          };
          const sqlPerRound: { statements: number; commits: number }[] = [];
          const roundOf = async (on: typeof bh, to: RoundSink): Promise<number> => {
            const goal = (await to.distinct()) + perRound;
            const before = { ...sql };
            const t0 = performance.now();
            for (let e = 0; e < EVENTS_PER_ROUND; e++) {
              const p = sampleEvent('order.paid', { seq: ++seq, now: Date.now() });
              await on.host.bus.emitAsync('order.paid', { ...p, eventId: `tp_${kind}_${seq}` });
            }
            await to.waitForDistinct(goal, DRAIN_LIMIT_MS);
            const rate = perRound / ((performance.now() - t0) / 1000);
            // What the module wrote and read for these deliveries (the poll's idle reads included).
            if (on === bhHost) sqlPerRound.push({ statements: sql.statements - before.statements, commits: sql.commits - before.commits });
            return rate;
          };
          const moduleRound = () => roundOf(bh, sink);
          const moduleHostRound = () => roundOf(bhHost, hostSink);
          let bossRounds = 0;
          const bossRound = async (): Promise<number> =>
            boss!.round(`pgb_${++bossRounds}`, EVENTS_PER_ROUND, bossSink, (await bossSink.distinct()) + perRound);
          let gwRounds = 0;
          const gwRound = async (): Promise<number> =>
            gw!.round(`gw_${++gwRounds}`, EVENTS_PER_ROUND, gwSink, (await gwSink.distinct()) + perRound, DRAIN_LIMIT_MS);
          const gwuRound = async (): Promise<number> =>
            gwu!.round(`gwu_${++gwRounds}`, EVENTS_PER_ROUND, gwuSink, (await gwuSink.distinct()) + perRound, DRAIN_LIMIT_MS);
          const plainRound = async (): Promise<number> =>
            (await plainGotLoop(`${plainSink.url}/plain`, perRound, THROUGHPUT_CONCURRENCY, jsonBody('plain'))).perSecond;
          const systems: [keyof typeof rates, () => Promise<number>][] = [
            ['module', moduleRound],
            ['moduleHost', moduleHostRound],
            ...(boss ? [['boss', bossRound] as [keyof typeof rates, () => Promise<number>]] : []),
            ...(gw && gwu
              ? [
                  ['gw', gwRound] as [keyof typeof rates, () => Promise<number>],
                  ['gwu', gwuRound] as [keyof typeof rates, () => Promise<number>],
                ]
              : []),
            ['plain', plainRound],
          ];
          // Warm-up: JIT, connection pools, keep-alive sockets and threads on every side.
          for (let w = 0; w < WARMUP_ROUNDS; w++) for (const [, run] of systems) await run();
          sqlPerRound.length = 0;
          for (let r = 0; r < ROUNDS; r++) {
            // Each round starts with another system: none always runs on a machine warmed by the others.
            const order = [...systems.slice(r % systems.length), ...systems.slice(0, r % systems.length)];
            for (const [name, run] of order) rates[name].push(await run());
            log(
              `${kind} round ${r + 1} (${order.map(([n]) => n).join(', ')}): ` +
                order.map(([n]) => `${label[n]} ${rates[n][r].toFixed(0)}/s`).join(', '),
            );
          }
          const m = median(rates.module);
          const mh = median(rates.moduleHost);
          const p = median(rates.plain);
          const statements = sqlPerRound.reduce((a, s) => a + s.statements, 0) / (ROUNDS * perRound);
          const commits = sqlPerRound.reduce((a, s) => a + s.commits, 0) / (ROUNDS * perRound);
          if (boss) {
            const b = median(rates.boss);
            const g = median(rates.gw);
            const gu = median(rates.gwu);
            lines.push(
              `throughput postgres: module ${m.toFixed(0)}/s, pg-boss ${b.toFixed(0)}/s, graphile-worker ${g.toFixed(0)}/s, graphile-worker-unordered ${gu.toFixed(0)}/s, plain ${p.toFixed(0)}/s ` +
                `(module/pg-boss ${(m / b).toFixed(2)}, module/graphile-worker ${(m / g).toFixed(2)}, module/graphile-worker-unordered ${(m / gu).toFixed(2)}, module/plain ${(m / p).toFixed(2)})`,
            );
            lines.push(
              `throughput postgres, the engine on the host's thread: module-host ${mh.toFixed(0)}/s (module/module-host ${(m / mh).toFixed(2)}, module-host/pg-boss ${(mh / b).toFixed(2)}, module-host/graphile-worker-unordered ${(mh / gu).toFixed(2)}, module-host/plain ${(mh / p).toFixed(2)})`,
            );
            result.goals.push({
              goal: `postgres: module >= ${GOAL_VS_GRAPHILE_UNORDERED}x graphile-worker unordered`,
              measured: ratio(m, gu),
              met: m / gu >= GOAL_VS_GRAPHILE_UNORDERED,
            });
            result.goals.push({
              goal: `postgres: module >= ${GOAL_VS_PGBOSS}x pg-boss`,
              measured: ratio(m, b),
              met: m / b >= GOAL_VS_PGBOSS,
            });
          } else
            lines.push(
              `throughput ${kind}: module ${m.toFixed(0)}/s, module-host ${mh.toFixed(0)}/s, plain ${p.toFixed(0)}/s (module/plain ${(m / p).toFixed(2)}, module/module-host ${(m / mh).toFixed(2)}, module-host/plain ${(mh / p).toFixed(2)})`,
            );
          lines.push(
            `sql ${kind}: ${statements.toFixed(2)} statements and ${commits.toFixed(2)} commits per delivery (module-host, ${ROUNDS} rounds)`,
          );
          result.goals.push({
            goal: `${kind}: module >= ${GOAL_VS_PLAIN[kind]}x the plain got loop`,
            measured: ratio(m, p),
            met: m / p >= GOAL_VS_PLAIN[kind],
          });
          result.goals.push({
            goal: `${kind}: SQL statements per delivery <= ${GOAL_STATEMENTS}`,
            measured: `${statements.toFixed(2)} statements, ${commits.toFixed(2)} commits`,
            met: statements <= GOAL_STATEMENTS,
          });
        } finally {
          await boss?.stop();
          await gw?.stop();
          await gwu?.stop();
          await bh.close();
          await bhHost.close();
          await database.drop();
          await hostDatabase.drop();
        }
      }
      for (const line of lines) log(line);
      const [sinkStats, hostStats, , bossStats, gwStats, gwuStats] = await targets.stats();
      result.figures.push({
        name: 'module deliveries that arrived twice (module, module-host)',
        value: `${sinkStats.duplicates}, ${hostStats.duplicates}`,
      });
      result.figures.push({ name: 'pg-boss deliveries that arrived twice', value: String(bossStats.duplicates) });
      result.figures.push({
        name: 'graphile-worker (ordered, unordered) deliveries that arrived twice',
        value: `${gwStats.duplicates}, ${gwuStats.duplicates}`,
      });
      // Ordered means one request at a time per webhook: the most seen at once to one path says whether it held.
      result.figures.push({
        name: 'most requests at once to one webhook (module, graphile-worker ordered, graphile-worker unordered)',
        value: `${sinkStats.maxInFlightPerPath}, ${gwStats.maxInFlightPerPath}, ${gwuStats.maxInFlightPerPath}`,
      });
      result.notes!.push(
        `each system ${ROUNDS} rounds of ${perRound} deliveries (${EVENTS_PER_ROUND} events x ${THROUGHPUT_CONCURRENCY} webhooks), rate = deliveries / time from the first emit (or insert) to the last arrival; the targets ran in ${targets.where}`,
      );
    } finally {
      await targets.close();
    }
    return result;
  },
};
