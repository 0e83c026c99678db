/**
 * Throughput: deliveries per second from `emitAsync` to an unthrottled local sink, through the
 * whole module (validate, render, outbox rows, claim, send, mark delivered), on SQLite and on
 * PostgreSQL, against a plain got loop at the same concurrency with no persistence: the
 * physical limit of this machine's HTTP stack. Rounds alternate module and plain loop.
 *
 * Webhooks use the generic JSON platform (one request per delivery, no coalescing), so
 * deliveries and requests are the same count on both sides; the sink checks every
 * (webhook, event) pair arrives, and counts any that arrive twice.
 */
import { sampleEvent } from '../sdk/sample-events.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { startBenchHost } from './support/bench-host.js';
import { startCountingSink } from './support/counting-sink.js';
import { plainGotLoop } from './support/plain-got-loop.js';
import { median, ratio } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';

/** Webhooks = lanes = requests in flight (one lane sends one request at a time). */
export const THROUGHPUT_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const EVENTS_PER_ROUND = 100;
const ROUNDS = 3;
const DRAIN_LIMIT_MS = 120_000;

export const throughput: Benchmark = {
  id: 'throughput',
  title: `Throughput: module to an unthrottled sink vs a plain got loop (concurrency ${THROUGHPUT_CONCURRENCY})`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const sink = await startCountingSink();
    // The plain loop gets a sink of its own, so its identical bodies never count as duplicates.
    const plainSink = await startCountingSink();
    const sampleBody = {
      type: 'order.paid',
      timestamp: new Date().toISOString(),
      data: { message: 'x'.repeat(80), payload: sampleEvent('order.paid') },
    };
    try {
      for (const kind of ['sqlite', 'postgres'] as const) {
        const database = await throwAwayDatabase(kind);
        // The dispatcher sends to as many lanes at once as the plain loop has requests in flight.
        const bh = await startBenchHost({ databaseUrl: database.url, moduleSettings: { 'delivery.concurrency': THROUGHPUT_CONCURRENCY } });
        try {
          for (let i = 1; i <= THROUGHPUT_CONCURRENCY; i++)
            await bh.createWebhook({ name: `sink ${i}`, url: `${sink.url}/${kind}/${i}`, platform: 'json' });
          let seq = Math.floor(Date.now() / 1000) * 1000;
          const moduleRates: number[] = [];
          const plainRates: number[] = [];
          const perRound = EVENTS_PER_ROUND * THROUGHPUT_CONCURRENCY;
          const moduleRound = async (): Promise<number> => {
            const goal = sink.distinct() + perRound;
            const t0 = performance.now();
            for (let e = 0; e < EVENTS_PER_ROUND; e++) {
              const p = sampleEvent('order.paid', { seq: ++seq, now: Date.now() });
              await bh.host.bus.emitAsync('order.paid', { ...p, eventId: `tp_${kind}_${seq}` });
            }
            await sink.waitForDistinct(goal, DRAIN_LIMIT_MS);
            return perRound / ((performance.now() - t0) / 1000);
          };
          const plainRound = async (): Promise<number> =>
            (await plainGotLoop(`${plainSink.url}/plain`, perRound, THROUGHPUT_CONCURRENCY, sampleBody)).perSecond;
          // Warm-up: JIT, connection pools, keep-alive sockets on both sides.
          await moduleRound();
          await plainRound();
          for (let r = 0; r < ROUNDS; r++) {
            if (r % 2) {
              plainRates.push(await plainRound());
              moduleRates.push(await moduleRound());
            } else {
              moduleRates.push(await moduleRound());
              plainRates.push(await plainRound());
            }
            log(`${kind} round ${r + 1}: module ${moduleRates[r].toFixed(0)}/s, plain ${plainRates[r].toFixed(0)}/s`);
          }
          const m = median(moduleRates);
          const p = median(plainRates);
          result.figures.push({
            name: `${kind} module`,
            value: `${m.toFixed(0)} deliveries/s (median of ${ROUNDS} rounds of ${perRound})`,
          });
          result.figures.push({ name: `${kind} plain got loop`, value: `${p.toFixed(0)} requests/s` });
          result.goals.push({
            goal: `${kind}: >= 60% of the plain got loop`,
            measured: `${m.toFixed(0)} vs ${p.toFixed(0)}/s = ${ratio(m, p)}`,
            met: m / p >= 0.6,
          });
        } finally {
          await bh.close();
          await database.drop();
        }
      }
      result.figures.push({ name: 'module deliveries that arrived twice', value: String(sink.duplicates()) });
      result.notes!.push('Module rate = deliveries / time from the first emitAsync to the last delivery arriving (enqueue included).');
    } finally {
      await sink.close();
      await plainSink.close();
    }
    return result;
  },
};
