/**
 * A host process for the benchmarks that need several (scale-out) or a clean RSS (memory):
 * `fork(dist/bench/workers/host-worker.js)` with DATABASE_URL set. It starts the reference host
 * with the module enabled, samples its own RSS, and obeys the parent over IPC:
 *   parent -> {type:'emit', count, prefix, perSecond?}  emits `count` order.paid events (at `perSecond`
 *             when given), answers {type:'emitted'}
 *   parent -> {type:'webhook', url, platform}  creates a webhook (order.paid), answers {type:'webhook', id}
 *   parent -> {type:'rss'}                  answers {type:'rss', rss, peakRss, atPeak} (peak since the last 'rss', with
 *                                          process.memoryUsage() then), then starts a new peak
 *   parent -> {type:'stop'}                 closes the host, answers {type:'stopped', peakRss, hwm}, exits
 * and says {type:'ready'} once the module runs.
 */
import fs from 'node:fs';
import { sampleEvent } from '../../sdk/sample-events.js';
import { startBenchHost } from '../support/bench-host.js';

type Command =
  | { type: 'emit'; count: number; prefix: string; perSecond?: number }
  | { type: 'webhook'; url: string; platform: 'json' | 'discord' }
  | { type: 'rss' }
  | { type: 'stop' };

/** Peak resident set of this process so far, from the kernel (VmHWM), in bytes. */
function highWaterMark(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !process.send) throw new Error('host-worker: run me with fork() and DATABASE_URL');
  let peakRss = process.memoryUsage().rss;
  // What the host's own isolate held when the RSS peaked (the engine thread's heap and native memory are the rest).
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) [peakRss, atPeak] = [m.rss, m];
  }, 50);
  const bh = await startBenchHost({
    databaseUrl,
    varDir: process.env.BENCH_VAR_DIR,
    // Module settings as JSON (BENCH_MODULE_SETTINGS), e.g. {"delivery.concurrency": 8}.
    moduleSettings: process.env.BENCH_MODULE_SETTINGS
      ? (JSON.parse(process.env.BENCH_MODULE_SETTINGS) as Record<string, unknown>)
      : undefined,
  });
  const send = (msg: unknown) => process.send!(msg);
  process.on('message', (cmd: Command) => {
    void (async () => {
      if (cmd.type === 'emit') {
        const t0 = performance.now();
        for (let i = 0; i < cmd.count; i++) {
          // At `perSecond`, the next emit waits for its time (10 ms ticks); without it, back to back.
          const due = cmd.perSecond ? t0 + (i * 1000) / cmd.perSecond : 0;
          if (due - performance.now() >= 10) await new Promise((r) => setTimeout(r, due - performance.now()));
          const p = sampleEvent('order.paid', { seq: i + 1, now: Date.now() });
          await bh.host.bus.emitAsync('order.paid', { ...p, eventId: `${cmd.prefix}_${i}` });
        }
        send({ type: 'emitted' });
      } else if (cmd.type === 'webhook') {
        send({ type: 'webhook', id: await bh.createWebhook({ url: cmd.url, platform: cmd.platform }) });
      } else if (cmd.type === 'rss') {
        const rss = process.memoryUsage().rss;
        send({ type: 'rss', rss, peakRss: Math.max(peakRss, rss), atPeak });
        peakRss = rss;
        atPeak = process.memoryUsage();
      } else if (cmd.type === 'stop') {
        clearInterval(sampler);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        const hwm = highWaterMark();
        await bh.close();
        send({ type: 'stopped', peakRss, hwm });
        process.disconnect();
      }
    })().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
  send({ type: 'ready', url: bh.host.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
