/**
 * Host overhead: how long the host's `emitAsync('order.paid')` waits with the module enabled and
 * three webhooks configured, against a listener doing what the old PHP module did (POST to each
 * target in turn inside the event, awaited). Target on 127.0.0.1 answering after 50 ms, and a
 * target that is down (connection refused). The four variants alternate inside each round.
 *
 * One host serves both module variants: three webhooks point at the live target and only take
 * orders paid with gateway "BenchUp", three point at a closed port and only take "BenchDown"
 * (the module's payment-gateway filter), so "up" and "down" emits interleave in one process.
 */
import eventemitter2, { type EventEmitter2 } from 'eventemitter2';
import type { Knex } from 'knex';
import { sampleEvent } from '../sdk/sample-events.js';
import type { OrderPaidPayload } from '../sdk/events.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { startBenchHost } from './support/bench-host.js';
import { attachPhpStyleListener } from './support/php-style-listener.js';
import { refusedUrl, startSlowTarget } from './support/slow-target.js';
import { median, ms, percentile, ratio } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';

const TARGET_DELAY_MS = 50;
const ROUNDS = 7;
const MODULE_EMITS_PER_ROUND = 30;
const PHP_EMITS_PER_ROUND = 6;
const WARMUP = 10;

type Variant = 'module-up' | 'module-down' | 'php-up' | 'php-down';

async function timeEmit(bus: EventEmitter2, payload: OrderPaidPayload): Promise<number> {
  const t0 = performance.now();
  await bus.emitAsync('order.paid', payload);
  return performance.now() - t0;
}

async function countRows(db: Knex, ids: number[]): Promise<number> {
  const row = await db('wh_deliveries').whereIn('webhook_id', ids).count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

async function measure(
  kind: 'sqlite' | 'postgres',
  log: (l: string) => void,
): Promise<{ samples: Record<Variant, number[]>; rowsUp: number; rowsDown: number; emitsUp: number; emitsDown: number }> {
  const target = await startSlowTarget(TARGET_DELAY_MS);
  const down = await refusedUrl();
  const database = await throwAwayDatabase(kind);
  const bh = await startBenchHost({ databaseUrl: database.url });
  try {
    const upIds: number[] = [];
    const downIds: number[] = [];
    for (let i = 1; i <= 3; i++) {
      upIds.push(
        await bh.createWebhook({
          name: `up ${i}`,
          url: `${target.url}/${i}`,
          platform: 'discord',
          filters: { paymentGateways: ['BenchUp'] },
        }),
      );
      downIds.push(
        await bh.createWebhook({
          name: `down ${i}`,
          url: `${down}/${i}`,
          platform: 'discord',
          filters: { paymentGateways: ['BenchDown'] },
        }),
      );
    }
    const phpUp = new eventemitter2.EventEmitter2({ wildcard: true, delimiter: '.' });
    attachPhpStyleListener(
      phpUp,
      [1, 2, 3].map((i) => `${target.url}/${i}`),
    );
    const phpDown = new eventemitter2.EventEmitter2({ wildcard: true, delimiter: '.' });
    attachPhpStyleListener(
      phpDown,
      [1, 2, 3].map((i) => `${down}/${i}`),
    );

    let seq = Math.floor(Date.now() / 1000) * 1000;
    let emitsUp = 0;
    let emitsDown = 0;
    const payload = (gateway: string): OrderPaidPayload => {
      const p = sampleEvent('order.paid', { seq: ++seq, now: Date.now() });
      return { ...p, eventId: `bench_${kind}_${seq}`, order: { ...p.order, paymentGateway: gateway } };
    };
    const run: Record<Variant, () => Promise<number>> = {
      'module-up': () => (emitsUp++, timeEmit(bh.host.bus, payload('BenchUp'))),
      'module-down': () => (emitsDown++, timeEmit(bh.host.bus, payload('BenchDown'))),
      'php-up': () => timeEmit(phpUp, payload('BenchUp')),
      'php-down': () => timeEmit(phpDown, payload('BenchDown')),
    };
    for (let i = 0; i < WARMUP; i++) for (const v of Object.keys(run) as Variant[]) await run[v]();
    const samples: Record<Variant, number[]> = { 'module-up': [], 'module-down': [], 'php-up': [], 'php-down': [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order of the variants between rounds so none always runs first.
      const order: Variant[] =
        round % 2 ? ['php-down', 'module-down', 'php-up', 'module-up'] : ['module-up', 'php-up', 'module-down', 'php-down'];
      for (const v of order) {
        const n = v.startsWith('module') ? MODULE_EMITS_PER_ROUND : PHP_EMITS_PER_ROUND;
        for (let i = 0; i < n; i++) samples[v].push(await run[v]());
      }
    }
    // The rows are written by the background fan-out: wait until it has taken every event.
    const deadline = Date.now() + 60_000;
    while (Number((await bh.host.db('wh_events').count<{ n: number | string }[]>({ n: '*' }).first())?.n ?? 0) > 0) {
      if (Date.now() > deadline) throw new Error('overhead: events still waiting for fan-out after 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const rowsUp = await countRows(bh.host.db, upIds);
    const rowsDown = await countRows(bh.host.db, downIds);
    log(`${kind}: ${target.received()} requests reached the live target during the run`);
    return { samples, rowsUp, rowsDown, emitsUp, emitsDown };
  } finally {
    await bh.close();
    await target.close();
    await database.drop();
  }
}

export const hostOverhead: Benchmark = {
  id: 'overhead',
  title: 'Host overhead: emitAsync(order.paid), module (3 webhooks) vs synchronous PHP-style POSTs',
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    for (const kind of ['sqlite', 'postgres'] as const) {
      const { samples, rowsUp, rowsDown, emitsUp, emitsDown } = await measure(kind, log);
      const p = (v: Variant, q: number) => (q === 50 ? median(samples[v]) : percentile(samples[v], q));
      for (const v of Object.keys(samples) as Variant[]) {
        result.figures.push({ name: `${kind} ${v} (n=${samples[v].length})`, value: `p50 ${ms(p(v, 50))}, p95 ${ms(p(v, 95))}` });
      }
      result.figures.push({
        name: `${kind} rows queued`,
        value: `${rowsUp} for ${emitsUp} "up" emits x 3 webhooks, ${rowsDown} for ${emitsDown} "down" emits x 3 webhooks`,
      });
      const upRatio = p('module-up', 50) / p('php-up', 50);
      result.goals.push({
        goal: `${kind}: enqueue p50 <= 1/10 of the synchronous send (target up, 50 ms)`,
        measured: `${ms(p('module-up', 50))} vs ${ms(p('php-up', 50))} = ${ratio(p('module-up', 50), p('php-up', 50))}`,
        met: upRatio <= 0.1 && rowsUp === emitsUp * 3,
      });
      // "Unchanged" means: the down p50 stays within the noise of the up p50 (25% or 0.5 ms).
      const upP50 = p('module-up', 50);
      const downP50 = p('module-down', 50);
      result.goals.push({
        goal: `${kind}: enqueue p50 unchanged when the target is down`,
        measured: `${ms(downP50)} down vs ${ms(upP50)} up (${ratio(downP50, upP50)}); PHP-style down: ${ms(p('php-down', 50))}`,
        met: downP50 <= Math.max(upP50 * 1.25, upP50 + 0.5) && rowsDown === emitsDown * 3,
      });
    }
    result.notes!.push('PHP-style = for each of the 3 webhooks in turn, await a POST (no timeout, errors swallowed), inside the event.');
    result.notes!.push(
      'Module = validate, render for 3 webhooks, write 3 outbox rows in one transaction; the dispatcher sends in the background in the same process.',
    );
    return result;
  },
};
