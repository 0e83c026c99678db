/**
 * Scale-out: one against two host processes (child processes) on one PostgreSQL database.
 * Each round starts the processes, waits until their module runs, then each process emits its
 * share of the order.paid events (as hosts behind a load balancer would) and all of them
 * dispatch from the shared outbox. Measures deliveries/s from the first emit to the last arrival
 * at an unthrottled sink, and every (webhook, event) pair that arrives more than once.
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

const WEBHOOKS = 8;
const EVENTS_PER_ROUND = 240;
const PLAN = [1, 2, 2, 1, 1, 2];
const DRAIN_LIMIT_MS = 60_000;

export const scaleOut: Benchmark = {
  id: 'scale-out',
  title: `Scale-out: 1 vs 2 host processes on one PostgreSQL (${WEBHOOKS} webhooks, ${EVENTS_PER_ROUND} events per round)`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const sink = await startCountingSink();
    const database = await throwAwayDatabase('postgres');
    const varRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bench-scale-'));
    const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
    try {
      // Tables, module state and webhooks, once, from this process.
      const setup = await startBenchHost({ databaseUrl: database.url });
      for (let i = 1; i <= WEBHOOKS; i++) await setup.createWebhook({ name: `scale ${i}`, url: `${sink.url}/${i}`, platform: 'json' });
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
          const goal = sink.distinct() + EVENTS_PER_ROUND * WEBHOOKS;
          const t0 = performance.now();
          workers.forEach((w, i) => w.send({ type: 'emit', count: EVENTS_PER_ROUND / processes, prefix: `scale_r${r}_w${i}` }));
          await sink.waitForDistinct(goal, DRAIN_LIMIT_MS);
          const rate = (EVENTS_PER_ROUND * WEBHOOKS) / ((performance.now() - t0) / 1000);
          rates[processes as 1 | 2].push(rate);
          log(`round ${r + 1}: ${processes} process(es), ${rate.toFixed(0)} deliveries/s, duplicates so far ${sink.duplicates()}`);
          await Promise.all(workers.map((w) => w.next('emitted')));
          workers.forEach((w) => w.send({ type: 'stop' }));
          await Promise.all(workers.map((w) => w.next('stopped')));
        } finally {
          workers.forEach((w) => w.kill());
        }
      }
    } finally {
      await sink.close();
      await database.drop();
      fs.rmSync(varRoot, { recursive: true, force: true });
    }
    const one = median(rates[1]);
    const two = median(rates[2]);
    result.figures.push({
      name: '1 process',
      value: `${one.toFixed(0)} deliveries/s (rounds: ${rates[1].map((x) => x.toFixed(0)).join(', ')})`,
    });
    result.figures.push({
      name: '2 processes',
      value: `${two.toFixed(0)} deliveries/s (rounds: ${rates[2].map((x) => x.toFixed(0)).join(', ')})`,
    });
    result.figures.push({ name: 'duplicates (all rounds)', value: String(sink.duplicates()) });
    result.goals.push({ goal: '2 processes >= 1.6x one process', measured: ratio(two, one), met: two / one >= 1.6 });
    result.goals.push({ goal: 'zero duplicates', measured: String(sink.duplicates()), met: sink.duplicates() === 0 });
    result.notes!.push(
      `this machine has ${os.availableParallelism?.() ?? os.cpus().length} cores shared by both hosts, PostgreSQL, the sink and this runner.`,
    );
    return result;
  },
};
