/**
 * The delivery engine's metrics in Prometheus' text format (prom-client, a registry of the
 * module's own, never the global one: two modules or two hosts in one process do not mix).
 *
 * Two kinds, on purpose:
 *  - What happened (deliveries by platform and outcome, event-to-delivered latency, 429s, waits,
 *    webhooks turned off) is counted by the engine that did it: these counters are per engine,
 *    so with several host processes each exposes its own and Prometheus sums them
 *    (`sum by (platform, outcome) (webhooks_deliveries_total)`), as with any counter.
 *  - What is (queue depth, age of the oldest open delivery, events waiting for their fan-out,
 *    webhooks by state) is read from the database at scrape time: the same answer from every
 *    process, whoever did the work. Each is one small aggregate on an index (the open rows'
 *    partial index, wh_events' primary key, wh_webhooks).
 */
import type { Knex } from 'knex';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OPEN_STATUSES_SQL } from '../../migrations/006-open-deliveries-index.js';

/** Where a delivery row ended after one request (one row of a packed request counts once). */
export type DeliveryOutcome = 'delivered' | 'failed' | 'dead' | 'webhook_gone';

/** The format Prometheus scrapes (text exposition 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds from the delivery row's creation to its success: 50 ms to an hour. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** What the engine counts (held where the engine runs: the host's thread or the engine thread). */
export class EngineCounters {
  readonly registry = new Registry();
  private readonly deliveries = new Counter({
    name: 'webhooks_deliveries_total',
    help: 'Deliveries sent by this engine, by platform and outcome (delivered; failed: will retry; dead: gave up; webhook_gone: kept, the webhook was disabled)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'webhooks_delivery_latency_seconds',
    help: 'Seconds from a delivery row being queued (the fan-out of its event) to its success, by platform',
    labelNames: ['platform'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'webhooks_rate_limited_total',
    help: 'Requests answered 429 (rate limited), by platform',
    labelNames: ['platform'] as const,
    registers: [this.registry],
  });
  private readonly waits = new Counter({
    name: 'webhooks_waits_total',
    help: 'Times a webhook lane was held back, by platform and reason (rate_limited, rate_limit_window, pacing, retry_backoff, ...)',
    labelNames: ['platform', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly waitSeconds = new Counter({
    name: 'webhooks_wait_seconds_total',
    help: 'Seconds webhook lanes were held back, by platform and reason',
    labelNames: ['platform', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly turnedOff = new Counter({
    name: 'webhooks_turned_off_total',
    help: 'Webhooks the engine turned off: disabled (its target is gone) or paused (kept answering 429)',
    labelNames: ['platform', 'cause'] as const,
    registers: [this.registry],
  });
  private readonly yields = new Counter({
    name: 'webhooks_engine_yields_total',
    help: "Times the engine's thread held its new work because the host's thread waited for a core",
    registers: [this.registry],
  });
  private readonly yieldSeconds = new Counter({
    name: 'webhooks_engine_yield_seconds_total',
    help: "Seconds the engine's thread held its new work because the host's thread waited for a core",
    registers: [this.registry],
  });
  /** Platform of each webhook the engine opened a lane of (rows carry only the webhook id). */
  private readonly platforms = new Map<number, string>();

  knowPlatform(webhookId: number, platform: string): void {
    this.platforms.set(webhookId, platform);
  }

  platformOf(webhookId: number): string {
    return this.platforms.get(webhookId) ?? 'unknown';
  }

  delivery(webhookId: number, outcome: DeliveryOutcome, n = 1): void {
    if (n > 0) this.deliveries.inc({ platform: this.platformOf(webhookId), outcome }, n);
  }

  delivered(webhookId: number, latencyMs: number): void {
    const platform = this.platformOf(webhookId);
    this.deliveries.inc({ platform, outcome: 'delivered' });
    this.latency.observe({ platform }, Math.max(0, latencyMs) / 1000);
  }

  rateLimit(webhookId: number): void {
    this.rateLimited.inc({ platform: this.platformOf(webhookId) });
  }

  wait(platform: string, reason: string, ms: number): void {
    this.waits.inc({ platform, reason });
    if (ms > 0) this.waitSeconds.inc({ platform, reason }, ms / 1000);
  }

  yielded(ms: number): void {
    this.yields.inc();
    this.yieldSeconds.inc(ms / 1000);
  }

  turnedOffWebhook(platform: string, cause: 'gone' | 'rate_limited'): void {
    this.turnedOff.inc({ platform, cause: cause === 'gone' ? 'disabled' : 'paused' });
  }
}

interface CountRow {
  k: string | number | null;
  n: string | number;
}

/**
 * The gauges read from the database at scrape time, in a registry of their own: the scrape
 * merges them with the engine's counters (wherever the engine runs).
 */
export function databaseGauges(db: Knex, now: () => number): Registry {
  const registry = new Registry();
  const rows = async (sql: string): Promise<CountRow[]> => {
    const answer: CountRow[] | { rows: CountRow[] } | [CountRow[], unknown] = await db.raw(sql);
    if (Array.isArray(answer)) return (Array.isArray(answer[0]) ? answer[0] : answer) as CountRow[];
    return answer.rows;
  };
  new Gauge({
    name: 'webhooks_queue_depth',
    help: 'Deliveries not done yet, by status (pending, sending, failed: waiting for a retry); from the database',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of ['pending', 'sending', 'failed']) this.set({ status: s }, 0);
      for (const r of await rows(`SELECT status AS k, COUNT(*) AS n FROM wh_deliveries WHERE ${OPEN_STATUSES_SQL} GROUP BY status`))
        this.set({ status: String(r.k) }, Number(r.n));
    },
  });
  new Gauge({
    name: 'webhooks_oldest_open_delivery_age_seconds',
    help: 'Age of the oldest delivery not done yet (pending, sending or failed), 0 when none; from the database',
    registers: [registry],
    async collect() {
      const [r] = await rows(`SELECT MIN(created_at) AS k, COUNT(*) AS n FROM wh_deliveries WHERE ${OPEN_STATUSES_SQL}`);
      this.set(r && r.k !== null ? Math.max(0, now() - Number(r.k)) / 1000 : 0);
    },
  });
  new Gauge({
    name: 'webhooks_events_waiting',
    help: 'Events persisted and not fanned out into deliveries yet; from the database',
    registers: [registry],
    async collect() {
      const [r] = await rows('SELECT MIN(created_at) AS k, COUNT(*) AS n FROM wh_events');
      this.set(Number(r?.n ?? 0));
    },
  });
  new Gauge({
    name: 'webhooks_oldest_waiting_event_age_seconds',
    help: 'Age of the oldest event not fanned out yet, 0 when none; from the database',
    registers: [registry],
    async collect() {
      const [r] = await rows('SELECT MIN(created_at) AS k, COUNT(*) AS n FROM wh_events');
      this.set(r && r.k !== null ? Math.max(0, now() - Number(r.k)) / 1000 : 0);
    },
  });
  new Gauge({
    name: 'webhooks_webhooks',
    help: 'Webhooks by state: active, paused (by the admin or after 429s, queue kept), disabled (after failures); from the database',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of ['active', 'paused', 'disabled']) this.set({ state: s }, 0);
      const sql =
        "SELECT CASE WHEN enabled THEN 'active' WHEN disabled_reason IS NULL THEN 'paused' ELSE 'disabled' END AS k, COUNT(*) AS n " +
        'FROM wh_webhooks GROUP BY enabled, disabled_reason IS NULL';
      const byState = new Map<string, number>();
      for (const r of await rows(sql)) byState.set(String(r.k), (byState.get(String(r.k)) ?? 0) + Number(r.n));
      for (const [state, n] of byState) this.set({ state }, n);
    },
  });
  return registry;
}

/** Where the engine's counters are read from: its registry here, or a message to the engine thread. */
export interface CounterSource {
  /** The counters as prom-client's JSON (registry.getMetricsAsJSON()). */
  counters(): Promise<object[]>;
}

/** One scrape: the engine's counters and the database's gauges, as Prometheus text. */
export async function scrape(source: CounterSource, gauges: Registry): Promise<string> {
  const counters = AggregatorRegistry.aggregate<typeof Registry.PROMETHEUS_CONTENT_TYPE>([await source.counters()]);
  return Registry.merge([counters, gauges]).metrics();
}
