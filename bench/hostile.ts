/**
 * Hostile tickets: a host with 8 ticket webhooks (one per platform mode: Discord plain and embed,
 * Slack text and blocks, Mattermost, Rocket.Chat, Telegram, Teams; sinks on 127.0.0.1) receives
 * `ticket.submit` events whose content is built to be slow to render (bench/support/
 * hostile-corpus.ts), and, alternating with them, the same number of plain-text tickets of the
 * same size. For each, from the first emit until every delivery has arrived, the host's
 * event-loop delay is recorded (`perf_hooks.monitorEventLoopDelay`, 1 ms resolution) while an
 * admin page (`GET /admin/modules/webhooks`) is requested every 50 ms; each `emitAsync` is timed.
 * Two idle windows (no ticket, same admin requests) show what the machine alone does.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import got from 'got';
import type { EventMap } from '../sdk/events.js';
import { sampleEvent } from '../sdk/sample-events.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { startBenchHost, type BenchHost, type WebhookSpec } from './support/bench-host.js';
import { startCountingSink } from './support/counting-sink.js';
import { hostileCorpus, plainTwin } from './support/hostile-corpus.js';
import { median, ms, percentile, ratio } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';

const EMITS = 8;
const ROUNDS = 2;
const ELD_GOAL_MS = 50;
const ADMIN_EVERY_MS = 50;
const EMIT_RATIO_GOAL = 2;

interface Sample {
  emits: number[];
  eldMaxMs: number;
  eldP99Ms: number;
  admin: number[];
  drainMs: number;
}

const webhooks = (base: string): WebhookSpec[] =>
  (
    [
      { platform: 'discord', options: { mode: 'plain' } },
      { platform: 'discord', options: { mode: 'embed' } },
      { platform: 'slack', options: {} },
      { platform: 'slack', options: { slackBlocks: true } },
      { platform: 'mattermost', options: {} },
      { platform: 'rocketchat', options: {} },
      { platform: 'telegram', options: { telegramChatId: '-1001234567890' } },
      { platform: 'teams', options: {} },
    ] satisfies Pick<WebhookSpec, 'platform' | 'options'>[]
  ).map((w, i) => ({
    name: `hostile ${i + 1} (${w.platform})`,
    url: `${base}/hook-${i + 1}`,
    platform: w.platform,
    events: ['ticket.submit'],
    options: w.options,
  }));

async function delivered(bh: BenchHost, prefix: string): Promise<number> {
  const row = await bh.host
    .db('wh_deliveries')
    .where('event_id', 'like', `${prefix}%`)
    .where('status', 'delivered')
    .count<{ n: number | string }[]>({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/** The admin page requested every 50 ms (one at a time) until `until` resolves; the latencies. */
async function adminRequests(bh: BenchHost, until: Promise<unknown>): Promise<number[]> {
  const auth = { authorization: `Bearer ${bh.host.adminToken}` };
  const admin: number[] = [];
  let measuring = true;
  void until.finally(() => (measuring = false));
  while (measuring) {
    const t0 = performance.now();
    const res = await got.get(`${bh.host.url}/admin/modules/webhooks`, { headers: auth, throwHttpErrors: false, retry: { limit: 0 } });
    if (res.statusCode !== 200) throw new Error(`admin page answered ${res.statusCode}`);
    admin.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, ADMIN_EVERY_MS));
  }
  return admin;
}

/** The same window with no ticket at all: what the machine alone does to the delay (shared cores). */
async function idle(bh: BenchHost, windowMs: number): Promise<Sample> {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const admin = await adminRequests(bh, new Promise((r) => setTimeout(r, windowMs)));
  eld.disable();
  return { emits: [], eldMaxMs: eld.max / 1e6, eldP99Ms: eld.percentile(99) / 1e6, admin, drainMs: windowMs };
}

/** Fires EMITS tickets with `content`, each emitAsync awaited, and waits for their 8 x EMITS deliveries. */
async function fire(bh: BenchHost, content: string, prefix: string, seq: { n: number }): Promise<Sample> {
  let done: () => void = () => undefined;
  const adminLoop = adminRequests(bh, new Promise<void>((resolve) => (done = resolve)));
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const t0 = performance.now();
  const emits: number[] = [];
  for (let i = 0; i < EMITS; i++) {
    const base = sampleEvent('ticket.submit', { seq: ++seq.n, now: Date.now() });
    const payload: EventMap['ticket.submit'] = { ...base, eventId: `${prefix}${i}`, message: { ...base.message!, content } };
    const e0 = performance.now();
    await bh.host.bus.emitAsync('ticket.submit', payload);
    emits.push(performance.now() - e0);
  }
  const deadline = Date.now() + 120_000;
  while ((await delivered(bh, prefix)) < EMITS * 8) {
    if (Date.now() > deadline) throw new Error(`${prefix}: only ${await delivered(bh, prefix)} of ${EMITS * 8} deliveries in 120 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const drainMs = performance.now() - t0;
  eld.disable();
  done();
  const admin = await adminLoop;
  return { emits, eldMaxMs: eld.max / 1e6, eldP99Ms: eld.percentile(99) / 1e6, admin, drainMs };
}

const merge = (a: Sample | undefined, b: Sample): Sample =>
  a
    ? {
        emits: [...a.emits, ...b.emits],
        eldMaxMs: Math.max(a.eldMaxMs, b.eldMaxMs),
        eldP99Ms: Math.max(a.eldP99Ms, b.eldP99Ms),
        admin: [...a.admin, ...b.admin],
        drainMs: Math.max(a.drainMs, b.drainMs),
      }
    : b;

const size = (n: number) => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : `${Math.round(n / 1000)} KB`);

export const hostile: Benchmark = {
  id: 'hostile',
  title: `Hostile tickets: ${EMITS} x 2 rounds per case to 8 ticket webhooks, vs plain text of the same size (SQLite)`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    const sink = await startCountingSink();
    const database = await throwAwayDatabase('sqlite');
    const bh = await startBenchHost({ databaseUrl: database.url });
    try {
      for (const spec of webhooks(sink.url)) await bh.createWebhook(spec);
      const seq = { n: 0 };
      // Warm-up: worker threads started, JIT warm, caches filled.
      await fire(bh, '<p>warm <b>up</b></p>', 'warm_html_', seq);
      await fire(bh, 'warm up', 'warm_plain_', seq);
      const rows: string[] = [
        '| ticket content | size | variant | emitAsync p50 | emitAsync p99 | event-loop delay max | event-loop delay p99 | admin page p50 | admin page max | all delivered |',
        '|---|---|---|---|---|---|---|---|---|---|',
      ];
      const quiet = await idle(bh, 3000);
      rows.push(
        `| (no ticket: the host idle, same admin requests, ${ms(quiet.drainMs)}) | | idle | | | ${ms(quiet.eldMaxMs)} | ${ms(quiet.eldP99Ms)} | ${ms(median(quiet.admin))} | ${ms(Math.max(...quiet.admin))} | |`,
      );
      let worstEld = 0;
      let worstRatio = 0;
      let worstCase = '';
      for (const [c, item] of hostileCorpus.entries()) {
        const twin = plainTwin(item.content.length);
        let hostileSample: Sample | undefined;
        let plainSample: Sample | undefined;
        for (let round = 0; round < ROUNDS; round++) {
          // Alternate which variant goes first.
          const order = round % 2 ? (['plain', 'hostile'] as const) : (['hostile', 'plain'] as const);
          for (const v of order) {
            const s = await fire(bh, v === 'hostile' ? item.content : twin, `h${c}_${v}_${round}_`, seq);
            if (v === 'hostile') hostileSample = merge(hostileSample, s);
            else plainSample = merge(plainSample, s);
          }
        }
        for (const [variant, s] of [
          ['hostile', hostileSample!],
          ['plain twin', plainSample!],
        ] as const) {
          rows.push(
            `| ${variant === 'hostile' ? item.name : ''} | ${size(item.content.length)} | ${variant} | ${ms(median(s.emits))} | ${ms(percentile(s.emits, 99))} | ${ms(s.eldMaxMs)} | ${ms(s.eldP99Ms)} | ${ms(median(s.admin))} | ${ms(Math.max(...s.admin))} | ${ms(s.drainMs)} |`,
          );
        }
        const r = percentile(hostileSample!.emits, 99) / percentile(plainSample!.emits, 99);
        if (hostileSample!.eldMaxMs > worstEld) worstEld = hostileSample!.eldMaxMs;
        if (r > worstRatio) {
          worstRatio = r;
          worstCase = item.name;
        }
        log(`${item.name}: done (event-loop delay max ${ms(hostileSample!.eldMaxMs)} vs ${ms(plainSample!.eldMaxMs)} plain)`);
      }
      const quietAfter = await idle(bh, 3000);
      rows.push(
        `| (no ticket, after the run) | | idle | | | ${ms(quietAfter.eldMaxMs)} | ${ms(quietAfter.eldP99Ms)} | ${ms(median(quietAfter.admin))} | ${ms(Math.max(...quietAfter.admin))} | |`,
      );
      log('');
      for (const line of rows) log(line);
      result.figures.push({ name: 'deliveries', value: `${sink.requests()} requests reached the sinks` });
      result.goals.push({
        goal: `max event-loop delay of the host < ${ELD_GOAL_MS} ms, every hostile case`,
        measured: `worst ${ms(worstEld)}`,
        met: worstEld < ELD_GOAL_MS,
      });
      result.goals.push({
        goal: `emitAsync p99 of a hostile ticket <= ${EMIT_RATIO_GOAL}x the plain ticket of the same size, every case`,
        measured: `worst ${ratio(worstRatio, 1)} (${worstCase})`,
        met: worstRatio <= EMIT_RATIO_GOAL,
      });
      result.notes!.push(
        `each case: ${EMITS} emits x ${ROUNDS} rounds per variant, alternating; delay and admin figures span first emit to last delivery`,
      );
      result.notes!.push('the 8 webhooks: Discord plain and embed, Slack text and blocks, Mattermost, Rocket.Chat, Telegram, Teams');
      return result;
    } finally {
      await bh.close();
      await sink.close();
      await database.drop();
    }
  },
};
