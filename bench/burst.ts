/**
 * Burst under Discord limits: 100 order.paid events emitted back to back for one Discord webhook
 * whose target allows 5 requests per 2 s. Measures the drain time (first emit to last message
 * arriving) against the bound for 100 separate messages, (100/5 - 1) x 2 s = 38 s, the 429s
 * received, and whether the orders arrived in emit order. Several rounds, each on a fresh
 * webhook (its own rate-limit window).
 */
import { sampleEvent } from '../sdk/sample-events.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { startBenchHost } from './support/bench-host.js';
import { startDiscordLikeTarget } from './support/discord-like-target.js';
import { median } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';

const EVENTS = 100;
const LIMIT = 5;
const WINDOW_S = 2;
const BOUND_S = (EVENTS / LIMIT - 1) * WINDOW_S;
const ROUNDS = 3;
const DRAIN_LIMIT_MS = 90_000;

/** Order numbers in the text of a Discord body (content and embeds), in reading order. */
function orderNumbers(body: unknown): number[] {
  return [...JSON.stringify(body).matchAll(/Nouvelle commande n° (\d+)/g)].map((m) => Number(m[1]));
}

export const burst: Benchmark = {
  id: 'burst',
  title: `Burst: ${EVENTS} events to one Discord webhook limited to ${LIMIT} requests per ${WINDOW_S} s`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const target = await startDiscordLikeTarget();
    const database = await throwAwayDatabase('sqlite');
    const bh = await startBenchHost({ databaseUrl: database.url });
    const drains: number[] = [];
    const limited: number[] = [];
    const requests: number[] = [];
    let allInOrder = true;
    let allArrived = true;
    try {
      let seq = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        const hookId = `12345678901234${String(round).padStart(4, '0')}`;
        // The default (French) template, as a new webhook gets it: "Nouvelle commande n° <id>" and 5 more lines.
        await bh.createWebhook({ name: `burst ${round}`, url: target.webhookUrl(hookId), platform: 'discord', events: ['order.paid'] });
        const ids: number[] = [];
        const t0 = performance.now();
        for (let e = 0; e < EVENTS; e++) {
          const p = sampleEvent('order.paid', { seq: ++seq, now: Date.now() });
          ids.push(p.order.id as number);
          await bh.host.bus.emitAsync('order.paid', { ...p, eventId: `burst_${round}_${seq}` });
        }
        const arrived = (): number[] => target.accepted(hookId).flatMap((a) => orderNumbers(a.body));
        const deadline = Date.now() + DRAIN_LIMIT_MS;
        while (arrived().length < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const got = arrived();
        const accepted = target.accepted(hookId);
        const drain = accepted.length ? (accepted[accepted.length - 1].at - t0) / 1000 : Number.NaN;
        const inOrder = got.length === ids.length && got.every((n, i) => n === ids[i]);
        allInOrder &&= inOrder;
        allArrived &&= got.length >= EVENTS;
        drains.push(got.length >= EVENTS ? drain : Number.POSITIVE_INFINITY);
        limited.push(target.rateLimited(hookId));
        requests.push(accepted.length);
        log(
          `round ${round}: ${got.length}/${EVENTS} messages in ${accepted.length} requests, drain ${drain.toFixed(2)} s, 429s ${target.rateLimited(hookId)}, in order ${inOrder}` +
            (target.otherStatuses(hookId).length ? `, other statuses ${target.otherStatuses(hookId).join(',')}` : ''),
        );
      }
    } finally {
      await bh.close();
      await target.close();
      await database.drop();
    }
    const d = median(drains);
    result.figures.push({
      name: 'drain time (median)',
      value: `${Number.isFinite(d) ? d.toFixed(2) + ' s' : 'did not finish'} (rounds: ${drains.map((x) => (Number.isFinite(x) ? x.toFixed(2) : 'unfinished')).join(', ')})`,
    });
    result.figures.push({ name: 'bound for 100 separate messages', value: `${BOUND_S} s` });
    result.figures.push({ name: 'requests per round', value: requests.join(', ') });
    result.figures.push({ name: '429s per round', value: limited.join(', ') });
    result.goals.push({
      goal: `drain well under the ${BOUND_S} s bound (<= 1/4 of it)`,
      measured: Number.isFinite(d) ? `${d.toFixed(2)} s = ${(d / BOUND_S).toFixed(2)} of the bound` : 'did not drain',
      met: Number.isFinite(d) && d <= BOUND_S / 4,
    });
    result.goals.push({ goal: 'at most one 429 per burst', measured: `max ${Math.max(...limited)}`, met: Math.max(...limited) <= 1 });
    result.goals.push({
      goal: 'all 100 arrive, in emit order',
      measured: `${allArrived ? 'all arrived' : 'some missing'}, ${allInOrder ? 'in order' : 'order broken'}`,
      met: allArrived && allInOrder,
    });
    return result;
  },
};
