/**
 * The delivery store, counted: every outcome the dispatcher writes goes through the store, so
 * the engine's counters (delivery-metrics.ts) are taken here, at the edge, from what is written
 * (the delivery log's own truth) rather than from inside the dispatcher's loop. Every call is
 * passed on unchanged; a row is counted once its write succeeded.
 */
import type { Knex } from 'knex';
import type { EngineCounters } from './delivery-metrics.js';
import type { AttemptRecord, DeliveryStore, LaneState, NewDelivery, QueuedDelivery, Success } from './delivery-store.js';

export class MeteredDeliveryStore implements DeliveryStore {
  readonly kind: DeliveryStore['kind'];

  constructor(
    private readonly inner: DeliveryStore,
    private readonly counters: EngineCounters,
    private readonly now: () => number,
  ) {
    this.kind = inner.kind;
  }

  private countSuccesses(successes: Success[]): void {
    for (const s of successes)
      for (const row of s.rows) this.counters.delivered(row.webhookId, row.createdAt === undefined ? 0 : s.at - row.createdAt);
  }

  enqueue(items: NewDelivery[], within?: Knex.Transaction): Promise<void> {
    return this.inner.enqueue(items, within);
  }

  enqueueWith(items: NewDelivery[], alongWith: (db: Knex) => Knex.QueryBuilder): Promise<void> {
    return this.inner.enqueueWith(items, alongWith);
  }

  due(webhookId: number, now: number, limit: number): Promise<QueuedDelivery[]> {
    return this.inner.due(webhookId, now, limit);
  }

  markSending(ids: number[], worker: string, lockedUntil: number): Promise<void> {
    return this.inner.markSending(ids, worker, lockedUntil);
  }

  async claim(
    webhookId: number,
    now: number,
    limit: number,
    worker: string,
    lockedUntil: number,
    done?: Success[],
  ): Promise<QueuedDelivery[]> {
    // The dispatcher empties its array once handed over: keep what is counted.
    const written = done ? [...done] : [];
    const rows = await this.inner.claim(webhookId, now, limit, worker, lockedUntil, done);
    this.countSuccesses(written);
    return rows;
  }

  giveBack(ids: number[], worker: string): Promise<void> {
    return this.inner.giveBack(ids, worker);
  }

  async delivered(rows: QueuedDelivery[], batchId: string | null, attempt: AttemptRecord): Promise<void> {
    await this.inner.delivered(rows, batchId, attempt);
    this.countSuccesses([{ rows, batchId, attempt, at: this.now() }]);
  }

  async deliveredMany(successes: Success[]): Promise<void> {
    const written = [...successes];
    await this.inner.deliveredMany(successes);
    this.countSuccesses(written);
  }

  async failed(updates: { row: QueuedDelivery; nextAt: number | null }[], attempt: AttemptRecord, deadReason: string): Promise<void> {
    await this.inner.failed(updates, attempt, deadReason);
    for (const u of updates) this.counters.delivery(u.row.webhookId, u.nextAt === null ? 'dead' : 'failed');
  }

  async dead(rows: QueuedDelivery[], attempt: AttemptRecord): Promise<void> {
    await this.inner.dead(rows, attempt);
    for (const r of rows) this.counters.delivery(r.webhookId, 'dead');
  }

  async requeue(rows: QueuedDelivery[], attempt: AttemptRecord | null, opts: { counted: boolean; nextAt?: number }): Promise<void> {
    await this.inner.requeue(rows, attempt, opts);
    if (rows.length === 0 || !attempt) return;
    // A 429 is one request put back whole (a wait, not an attempt); a counted requeue is a
    // webhook whose target is gone: its rows are kept for when it is re-enabled.
    if (attempt.outcome === 'rate_limited') this.counters.rateLimit(rows[0].webhookId);
    else if (opts.counted) for (const r of rows) this.counters.delivery(r.webhookId, 'webhook_gone');
  }

  releaseWorker(worker: string): Promise<number> {
    return this.inner.releaseWorker(worker);
  }

  laneCandidates(now: number, limit: number, exclude?: number[]): Promise<number[]> {
    return this.inner.laneCandidates(now, limit, exclude);
  }

  leaseLanes(ids: number[], worker: string, now: number, leaseMs: number): Promise<number[]> {
    return this.inner.leaseLanes(ids, worker, now, leaseMs);
  }

  renewLane(webhookId: number, worker: string, until: number): Promise<boolean> {
    return this.inner.renewLane(webhookId, worker, until);
  }

  async releaseLane(
    webhookId: number,
    worker: string,
    now: number,
    block?: { until: number; reason: string },
    opts?: { endRun?: boolean },
  ): Promise<void> {
    await this.inner.releaseLane(webhookId, worker, now, block, opts);
    if (block) this.counters.wait(this.counters.platformOf(webhookId), block.reason, block.until - now);
  }

  releaseLanes(worker: string, now: number): Promise<void> {
    return this.inner.releaseLanes(worker, now);
  }

  noteRateLimited(webhookId: number, worker: string, now: number, fresh: boolean): Promise<{ count: number; since: number }> {
    return this.inner.noteRateLimited(webhookId, worker, now, fresh);
  }

  async blockPlatform(platform: string, until: number, reason: string): Promise<void> {
    await this.inner.blockPlatform(platform, until, reason);
    this.counters.wait(platform, reason, until - this.now());
  }

  unblockLane(webhookId: number): Promise<void> {
    return this.inner.unblockLane(webhookId);
  }

  laneState(webhookId: number): Promise<LaneState | null> {
    return this.inner.laneState(webhookId);
  }

  replay(id: number): Promise<{ webhookId: number } | null> {
    return this.inner.replay(id);
  }

  retryAllFailed(webhookId: number): Promise<number> {
    return this.inner.retryAllFailed(webhookId);
  }

  prune(olderThanDays: number): Promise<number> {
    return this.inner.prune(olderThanDays);
  }
}
