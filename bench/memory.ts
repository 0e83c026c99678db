/**
 * Memory: peak RSS of a host process (a child, so nothing else is counted) whose outbox holds
 * 10 000 and then 100 000 pending deliveries for one Discord webhook, while its dispatcher works
 * on the backlog for a few seconds against a target answering after 500 ms.
 * The backlog is written straight into wh_deliveries before the host starts (emitting 100 000
 * events through the bus would take minutes); the rows carry a rendered Discord body like the
 * ones the module writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../host/db/connect-database.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { startBenchHost } from './support/bench-host.js';
import { startSlowTarget } from './support/slow-target.js';
import { mb } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';
import { startWorker } from './support/worker-process.js';

const SIZES = [10_000, 100_000];
const HOLD_MS = 6_000;
const LIMIT_BYTES = 200 * 1024 * 1024;

async function fillBacklog(databaseUrl: string, webhookId: number, from: number, to: number): Promise<void> {
  const db = connectDatabase(databaseUrl);
  try {
    const now = Date.now();
    const rows = [];
    for (let i = from; i < to; i++) {
      rows.push({
        webhook_id: webhookId,
        event_name: 'order.paid',
        event_id: `mem_${i}`,
        idempotency_key: `${webhookId}:mem_${i}`,
        status: 'pending',
        body: JSON.stringify({
          content: `:pushpin: Nouvelle commande n° ${i}\n:moneybag: **Prix :** 25,00 €\n:bust_in_silhouette: **Client :** Camille Martin`,
          allowed_mentions: { parse: [] },
        }),
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      });
    }
    // The module writes the webhook's lane row in the same transaction as its deliveries.
    await db('wh_lanes').insert({ webhook_id: webhookId, blocked_until: 0, updated_at: now }).onConflict('webhook_id').ignore();
    // SQLite caps a compound SELECT at 500 terms, which is how knex inserts many rows there.
    await db.batchInsert('wh_deliveries', rows, 400);
  } finally {
    await db.destroy();
  }
}

async function pending(databaseUrl: string): Promise<number> {
  const db = connectDatabase(databaseUrl);
  try {
    const row = await db('wh_deliveries')
      .whereIn('status', ['pending', 'failed', 'sending'])
      .count<{ n: number | string }[]>({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  } finally {
    await db.destroy();
  }
}

export const memory: Benchmark = {
  id: 'memory',
  title: `Memory: peak RSS of a host process with ${SIZES.map((s) => s.toLocaleString('en')).join(' and ')} pending deliveries`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const target = await startSlowTarget(500);
    const peaks: number[] = [];
    try {
      for (const kind of ['sqlite', 'postgres'] as const) {
        const database = await throwAwayDatabase(kind);
        const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bench-mem-'));
        try {
          const setup = await startBenchHost({ databaseUrl: database.url, varDir });
          const webhookId = await setup.createWebhook({ name: 'memory', url: `${target.url}/memory`, platform: 'discord' });
          await setup.close();
          let filled = 0;
          for (const size of SIZES) {
            await fillBacklog(database.url, webhookId, filled, size);
            filled = size;
            const before = await pending(database.url);
            const requestsBefore = target.received();
            const worker = startWorker({ DATABASE_URL: database.url, BENCH_VAR_DIR: varDir });
            try {
              await worker.next('ready');
              await new Promise((r) => setTimeout(r, HOLD_MS));
              worker.send({ type: 'stop' });
              const stopped = await worker.next<{ peakRss: number; hwm: number }>('stopped');
              const peak = Math.max(stopped.peakRss, stopped.hwm);
              peaks.push(peak);
              const after = await pending(database.url);
              result.figures.push({
                name: `${kind}, ${size.toLocaleString('en')} queued`,
                value: `peak RSS ${mb(peak)} (${before} pending at start, ${after} after ${HOLD_MS / 1000} s)`,
              });
              log(`${kind} ${size}: peak ${mb(peak)}`);
              // A host whose dispatcher never touched the backlog proves nothing about it.
              const worked = target.received() > requestsBefore || after < before;
              result.goals.push({
                goal: `${kind}: peak RSS < 200 MB with ${size.toLocaleString('en')} pending`,
                measured: worked ? mb(peak) : `${mb(peak)}, but the dispatcher sent nothing from the backlog`,
                met: worked ? peak < LIMIT_BYTES : null,
              });
            } finally {
              worker.kill();
            }
          }
          const [small, big] = peaks.slice(-2);
          const measuredBoth = result.goals.slice(-2).every((g) => g.met !== null);
          result.goals.push({
            goal: `${kind}: flat in the backlog size (100k peak within 20% of 10k peak)`,
            measured: `${mb(big)} vs ${mb(small)}`,
            met: measuredBoth ? big <= small * 1.2 : null,
          });
        } finally {
          await database.drop();
          fs.rmSync(varDir, { recursive: true, force: true });
        }
      }
    } finally {
      await target.close();
    }
    result.notes!.push(
      'Peak RSS = the larger of the kernel high-water mark (VmHWM) and RSS sampled every 50 ms, of the host child process from start to stop.',
    );
    return result;
  },
};
