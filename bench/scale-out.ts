/**
 * Scale-out: one against two host processes (child processes) on one database.
 * Each round starts the processes, waits until their module runs, then each process emits its
 * share of the order.paid events (as hosts behind a load balancer would) and all of them
 * dispatch from the shared outbox. Measures deliveries/s from the first emit to the last arrival,
 * every (webhook, event) pair that arrives more than once, and the most requests one webhook had
 * in flight at once (a webhook's lane is held by one process at a time: its rate limit holds
 * across processes). I/O-bound (targets answering after 100 ms) on PostgreSQL and on MariaDB, and
 * CPU-bound (an unthrottled sink) on PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { startBenchHost } from './support/bench-host.js';
import { startCountingSink } from './support/counting-sink.js';
import { median, ratio } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';
import { startWorker, type WorkerProcess } from './support/worker-process.js';

const PLAN = [1, 2, 2, 1, 1, 2];
const DRAIN_LIMIT_MS = 90_000;

/** One scale-out setting: where, how many webhooks, how slow the targets, how many events a round. */
interface Setting {
  kind: 'postgres' | 'mysql';
  webhooks: number;
  latencyMs: number;
  eventsPerRound: number;
}

/** CPU-bound: an unthrottled sink; both hosts, the database, the sink and the runner share 2 cores. */
const CPU_BOUND: Setting = { kind: 'postgres', webhooks: 8, latencyMs: 0, eventsPerRound: 240 };
/** I/O-bound: targets answering after 100 ms, more webhooks than one process has lanes (4 each, the default). */
const IO_BOUND: Setting[] = [
  { kind: 'postgres', webhooks: 16, latencyMs: 100, eventsPerRound: 40 },
  { kind: 'mysql', webhooks: 16, latencyMs: 100, eventsPerRound: 40 },
];

interface Measured {
  one: number;
  two: number;
  rates: Record<1 | 2, number[]>;
  duplicates: number;
  maxInFlightPerWebhook: number;
}

async function measure(setting: Setting, log: (line: string) => void): Promise<Measured> {
  const sink = await startCountingSink({ latencyMs: setting.latencyMs });
  const database = await throwAwayDatabase(setting.kind);
  const varRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bench-scale-'));
  const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const label = `${setting.kind}, ${setting.latencyMs ? `targets answering after ${setting.latencyMs} ms` : 'unthrottled'}`;
  try {
    // Tables, module state and webhooks, once, from this process.
    const setup = await startBenchHost({ databaseUrl: database.url });
    for (let i = 1; i <= setting.webhooks; i++)
      await setup.createWebhook({ name: `scale ${i}`, url: `${sink.url}/${i}`, platform: 'json' });
    await setup.close();

    for (const [r, processes] of PLAN.entries()) {
      const workers: WorkerProcess[] = [];
      try {
        for (let w = 0; w < processes; w++) {
          const varDir = path.join(varRoot, `r${r}w${w}`);
          fs.mkdirSync(varDir, { recursive: true });
          workers.push(startWorker({ DATABASE_URL: database.url, BENCH_VAR_DIR: varDir }));
        }
        await Promise.all(workers.map((w) => w.next('ready')));
        const deliveries = setting.eventsPerRound * setting.webhooks;
        const goal = sink.distinct() + deliveries;
        const t0 = performance.now();
        workers.forEach((w, i) =>
          w.send({ type: 'emit', count: setting.eventsPerRound / processes, prefix: `scale_${setting.kind}_r${r}_w${i}` }),
        );
        await sink.waitForDistinct(goal, DRAIN_LIMIT_MS);
        const rate = deliveries / ((performance.now() - t0) / 1000);
        rates[processes as 1 | 2].push(rate);
        log(`${label}: round ${r + 1}: ${processes} process(es), ${rate.toFixed(0)} deliveries/s, duplicates so far ${sink.duplicates()}`);
        await Promise.all(workers.map((w) => w.next('emitted')));
        workers.forEach((w) => w.send({ type: 'stop' }));
        await Promise.all(workers.map((w) => w.next('stopped')));
      } finally {
        workers.forEach((w) => w.kill());
      }
    }
    return {
      one: median(rates[1]),
      two: median(rates[2]),
      rates,
      duplicates: sink.duplicates(),
      maxInFlightPerWebhook: sink.maxInFlightPerPath(),
    };
  } finally {
    await sink.close();
    await database.drop();
    fs.rmSync(varRoot, { recursive: true, force: true });
  }
}

export const scaleOut: Benchmark = {
  id: 'scale-out',
  title: 'Scale-out: 1 vs 2 host processes on one database (I/O-bound on PostgreSQL and MariaDB, CPU-bound on PostgreSQL)',
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const rounds = (m: Measured, n: 1 | 2) => m.rates[n].map((x) => x.toFixed(0)).join(', ');
    for (const setting of IO_BOUND) {
      const m = await measure(setting, log);
      const name = `I/O-bound ${setting.kind === 'mysql' ? 'MariaDB' : 'PostgreSQL'}`;
      result.figures.push({
        name,
        value: `1 process ${m.one.toFixed(0)}/s (${rounds(m, 1)}), 2 processes ${m.two.toFixed(0)}/s (${rounds(m, 2)}): ${ratio(m.two, m.one)}; duplicates ${m.duplicates}; most requests at once to one webhook ${m.maxInFlightPerWebhook}`,
      });
      result.goals.push({ goal: `${name}: 2 processes >= 1.8x one process`, measured: ratio(m.two, m.one), met: m.two / m.one >= 1.8 });
      result.goals.push({ goal: `${name}: zero duplicates`, measured: String(m.duplicates), met: m.duplicates === 0 });
      result.goals.push({
        goal: `${name}: one request at a time per webhook across both processes (its rate limit is one lane's)`,
        measured: `at most ${m.maxInFlightPerWebhook} at once`,
        met: m.maxInFlightPerWebhook === 1,
      });
    }
    const cpu = await measure(CPU_BOUND, log);
    result.figures.push({
      name: 'CPU-bound PostgreSQL',
      value: `1 process ${cpu.one.toFixed(0)}/s (${rounds(cpu, 1)}), 2 processes ${cpu.two.toFixed(0)}/s (${rounds(cpu, 2)}): ${ratio(cpu.two, cpu.one)}; duplicates ${cpu.duplicates}`,
    });
    result.goals.push({ goal: 'CPU-bound PostgreSQL: zero duplicates', measured: String(cpu.duplicates), met: cpu.duplicates === 0 });
    result.notes!.push(
      `I/O-bound: ${IO_BOUND[0].webhooks} JSON webhooks, each process with the default 4 lanes, ${IO_BOUND[0].eventsPerRound} events per round; CPU-bound: ${CPU_BOUND.webhooks} webhooks, unthrottled sink, ${CPU_BOUND.eventsPerRound} events per round.`,
    );
    result.notes!.push(
      `CPU-bound: this machine has ${os.availableParallelism?.() ?? os.cpus().length} cores shared by both hosts, the database, the sink and this runner: a second process adds contention, not capacity.`,
    );
    return result;
  },
};
