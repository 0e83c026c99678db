/**
 * The host's own pages under the module's load: one reference host (a child process, so its RSS
 * is its own) with 8 JSON webhooks to an unthrottled local receiver; a steady probe of the host's
 * own login page (`/admin/login`, not a module page: what every CMS page pays for the module's
 * work on the host's thread), every PROBE_EVERY_MS on the clock whether or not the last answered.
 * The receiver and the probe run in two more processes (bench/workers/traffic-worker.ts), so neither
 * shows in the host's event loop, and the probe's timings do not wait behind the receiver's
 * 1,000-2,000 requests a second on one event loop (they did until 2026-12-06: the same process
 * held both; `BENCH_HOST_LOAD_PROBE=with-receiver` puts them back together). Three phases, each probed:
 *   at rest (the module idle), while the emits arrive (EVENTS order.paid at EMITS_PER_SECOND, in
 *   ticks of 10 ms, each emit awaited as a request handler would), then while the module drains the rest of the queue
 *   (until the receiver holds every delivery).
 * The delivery rate is deliveries / (first emit -> last arrival). RSS is the host process's, read
 * from it at rest, as its peak over the burst (sampled every 50 ms), and 30 s after the burst.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { mb, ms, percentile } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';
import { startWorker, type WorkerProcess } from './support/worker-process.js';

const WEBHOOKS = 8;
const EVENTS = Number(process.env.BENCH_HOST_LOAD_EVENTS ?? 1250);
const PROBE_EVERY_MS = 20;
/** The databases to run (comma list; default both). */
const KINDS = (process.env.BENCH_HOST_LOAD_DBS ?? 'sqlite,postgres')
  .split(',')
  .filter((k): k is 'sqlite' | 'postgres' => k === 'sqlite' || k === 'postgres');
/** The emits arrive at a CMS's pace (its requests), not in one tight loop on the host's thread. */
const EMITS_PER_SECOND = Number(process.env.BENCH_HOST_LOAD_EMITS_PER_S ?? 500);
/** The engine's placements to run (comma list of thread, host; default both). */
const MODES = (process.env.BENCH_HOST_LOAD_MODES ?? 'thread,host').split(',');
/** More module settings for the host (JSON), for a measurer's side-by-side runs. */
const EXTRA_SETTINGS = JSON.parse(process.env.BENCH_MODULE_SETTINGS ?? '{}') as Record<string, unknown>;
/** `with-receiver`: the probe shares the receiver's process and event loop (the bench before 2026-12-06). */
const PROBE_WITH_RECEIVER = process.env.BENCH_HOST_LOAD_PROBE === 'with-receiver';
const REST_MS = 5_000;
const AFTER_MS = 30_000;
const DRAIN_LIMIT_MS = 300_000;
const GOAL_P50 = 1.3;
const GOAL_P95 = 2;
const GOAL_PEAK_BYTES = 250 * 1024 * 1024;

async function probe(prober: WorkerProcess, url: string, during: () => Promise<void>): Promise<number[]> {
  prober.send({ type: 'probe-start', url, everyMs: PROBE_EVERY_MS });
  await during();
  prober.send({ type: 'probe-stop' });
  return (await prober.next<{ latencies: number[] }>('probe', 60_000)).latencies;
}

const p = (xs: number[], q: number) => percentile(xs, q);
const x = (a: number, b: number) => `x${(a / b).toFixed(2)}`;

export const hostLoad: Benchmark = {
  id: 'host-load',
  title: `The host's own page under the module's load (${(EVENTS * WEBHOOKS).toLocaleString('en')} deliveries, ${WEBHOOKS} JSON webhooks, probe every ${PROBE_EVERY_MS} ms)`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const lines: string[] = [];
    const modes = [
      { thread: true, name: '' },
      { thread: false, name: ' (engine on the host thread)' },
    ].filter((m) => MODES.includes(m.thread ? 'thread' : 'host'));
    for (const kind of KINDS)
      for (const mode of modes) {
        const label = `${kind}${mode.name}`;
        const database = await throwAwayDatabase(kind);
        const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bench-load-'));
        const traffic = startWorker({}, 'traffic-worker');
        const prober = PROBE_WITH_RECEIVER ? traffic : startWorker({}, 'traffic-worker');
        let host: WorkerProcess | null = null;
        try {
          const { sinkUrl } = await traffic.next<{ sinkUrl: string }>('ready');
          if (prober !== traffic) await prober.next('ready');
          host = startWorker({
            DATABASE_URL: database.url,
            BENCH_VAR_DIR: varDir,
            BENCH_MODULE_SETTINGS: JSON.stringify({
              'delivery.concurrency': WEBHOOKS,
              'delivery.engineThread': mode.thread,
              ...(process.env.BENCH_ENGINE_NICE ? { 'delivery.engineNice': Number(process.env.BENCH_ENGINE_NICE) } : {}),
              ...EXTRA_SETTINGS,
            }),
          });
          const { url } = await host.next<{ url: string }>('ready');
          for (let i = 1; i <= WEBHOOKS; i++) {
            host.send({ type: 'webhook', url: `${sinkUrl}/${kind}/${i}`, platform: 'json' });
            await host.next('webhook');
          }
          const page = `${url}/admin/login`;
          // Warm the page and the module once (JIT, sockets), then let the host settle.
          await probe(prober, page, () => new Promise((r) => setTimeout(r, 1000)));
          host.send({ type: 'emit', count: 20, prefix: `warm_${kind}` });
          await host.next('emitted');
          traffic.send({ type: 'wait-distinct', n: 20 * WEBHOOKS, limitMs: DRAIN_LIMIT_MS });
          await traffic.next('distinct', DRAIN_LIMIT_MS);
          await new Promise((r) => setTimeout(r, 2000));

          host.send({ type: 'rss' });
          const rest = await host.next<{ rss: number }>('rss');
          const atRest = await probe(prober, page, () => new Promise((r) => setTimeout(r, REST_MS)));

          const t0 = performance.now();
          let emitSeconds = 0;
          const whileEmitting = await probe(prober, page, async () => {
            host!.send({ type: 'emit', count: EVENTS, prefix: `load_${kind}`, perSecond: EMITS_PER_SECOND });
            await host!.next('emitted', DRAIN_LIMIT_MS);
            emitSeconds = (performance.now() - t0) / 1000;
          });
          const whileDraining = await probe(prober, page, async () => {
            traffic.send({ type: 'wait-distinct', n: (20 + EVENTS) * WEBHOOKS, limitMs: DRAIN_LIMIT_MS });
            await traffic.next('distinct', DRAIN_LIMIT_MS);
          });
          const deliverySeconds = (performance.now() - t0) / 1000;
          host.send({ type: 'rss' });
          const burst = await host.next<{ rss: number; peakRss: number; atPeak: NodeJS.MemoryUsage }>('rss');
          await new Promise((r) => setTimeout(r, AFTER_MS));
          host.send({ type: 'rss' });
          const after = await host.next<{ rss: number }>('rss');

          const rate = (EVENTS * WEBHOOKS) / deliverySeconds;
          const during = [...whileEmitting, ...whileDraining];
          const [r50, r95] = [p(atRest, 50), p(atRest, 95)];
          const say = (samples: number[], what: string) =>
            `p50 ${ms(p(samples, 50))}, p95 ${ms(p(samples, 95))} ${what} (p50 ${x(p(samples, 50), r50)}, p95 ${x(p(samples, 95), r95)})`;
          lines.push(
            `host under delivery load ${label}: page p50 ${ms(r50)}, p95 ${ms(r95)} at rest; ${say(during, `while delivering ${rate.toFixed(0)}/s`)}`,
            `host under delivery load ${label}, while the emits arrive: page p50 ${ms(r50)}, p95 ${ms(r95)} at rest; ${say(whileEmitting, `while ${(EVENTS / emitSeconds).toFixed(0)} emits/s arrive`)}`,
            `host under delivery load ${label}, after the emits, while the queue drains: ${say(whileDraining, 'while draining')}`,
            `host rss ${label}: ${mb(rest.rss)} at rest, ${mb(burst.peakRss)} peak during the burst, ${mb(after.rss)} ${AFTER_MS / 1000} s after (${x(after.rss, rest.rss)} of rest); at the peak the host's own heap ${mb(burst.atPeak.heapTotal)}, its external memory ${mb(burst.atPeak.external)}, the rest (engine thread's heap, native) ${mb(burst.peakRss - burst.atPeak.heapTotal - burst.atPeak.external)}`,
          );
          log(
            `${label}: ${atRest.length} + ${whileEmitting.length} + ${whileDraining.length} probes; p99 ${ms(p(atRest, 99))} at rest, ${ms(p(during, 99))} under load`,
          );
          result.goals.push(
            {
              goal: `${label}: page p50 under load <= ${GOAL_P50}x at rest`,
              measured: x(p(during, 50), r50),
              met: p(during, 50) / r50 <= GOAL_P50,
            },
            {
              goal: `${label}: page p95 under load <= ${GOAL_P95}x at rest`,
              measured: x(p(during, 95), r95),
              met: p(during, 95) / r95 <= GOAL_P95,
            },
            { goal: `${label}: host RSS peak <= 250 MB`, measured: mb(burst.peakRss), met: burst.peakRss <= GOAL_PEAK_BYTES },
            {
              goal: `${label}: RSS ${AFTER_MS / 1000} s after within 20 % of rest`,
              measured: x(after.rss, rest.rss),
              met: after.rss <= rest.rss * 1.2,
            },
          );
        } finally {
          if (host) {
            host.send({ type: 'stop' });
            await host.next('stopped').catch(() => undefined);
            host.kill();
          }
          traffic.send({ type: 'stop' });
          await traffic.next('stopped').catch(() => undefined);
          traffic.kill();
          if (prober !== traffic) {
            prober.send({ type: 'stop' });
            await prober.next('stopped').catch(() => undefined);
            prober.kill();
          }
          fs.rmSync(varDir, { recursive: true, force: true });
          await database.drop();
        }
      }
    for (const line of lines) log(line);
    result.notes!.push(
      `the page is the host's /admin/login (GET, no session), probed from ${PROBE_WITH_RECEIVER ? "the receiver's process" : 'a process of its own'}; the module's rate counts ${(EVENTS * WEBHOOKS).toLocaleString('en')} deliveries from the first emit to the last arrival; RSS is the host process's (the engine's thread included when it runs one)`,
    );
    return result;
  },
};
