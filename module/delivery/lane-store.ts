/**
 * Per-webhook lanes (wh_lanes): the rate-limit state every host process reads, and a lease so
 * one worker at a time sends to a webhook. On PostgreSQL and MariaDB free lanes are picked with
 * `SELECT ... FOR UPDATE SKIP LOCKED` (workers never wait on each other's pick); SQLite has a
 * single writer, where a conditional UPDATE is the same guarantee. A lease that is not renewed
 * (crashed worker) expires at `locked_until` and the lane is picked again.
 */
import type { Knex } from 'knex';
import { OPEN_STATUSES_SQL } from '../../migrations/006-open-deliveries-index.js';

export type DbKind = 'sqlite' | 'postgres' | 'mysql';

/** The dialect knex's client declares, so a client given as a class (node:sqlite) is named too. */
export function dbKindOf(db: Knex): DbKind {
  const dialect = String((db.client as { dialect?: unknown }).dialect ?? '');
  if (/postgres/.test(dialect)) return 'postgres';
  if (/mysql|maria/.test(dialect)) return 'mysql';
  return 'sqlite';
}

const LANES = 'wh_lanes';
const DELIVERIES = 'wh_deliveries';

/** SQL condition (on alias d) of a delivery a lane holder may send now. */
export function dueCondition(q: Knex.QueryBuilder, now: number, alias = ''): Knex.QueryBuilder {
  const c = (name: string) => (alias ? `${alias}.${name}` : name);
  // The open-rows index's predicate, word for word (migration 006): SQLite uses a partial index only then.
  return q.whereRaw(alias ? OPEN_STATUSES_SQL.replace('status', `${alias}.status`) : OPEN_STATUSES_SQL).where((w) =>
    w
      .where((a) => a.whereIn(c('status'), ['pending', 'failed']).where(c('next_attempt_at'), '<=', now))
      // A row left `sending` by a worker whose lease expired (crash) is due again.
      .orWhere((b) => b.where(c('status'), 'sending').where(c('locked_until'), '<', now)),
  );
}

/**
 * The same condition as raw SQL on an unaliased wh_deliveries, for the hot claim (bindings: now,
 * now). Kept next to dueCondition so the two say the same thing.
 */
export const DUE_SQL = `${OPEN_STATUSES_SQL} AND ((status IN ('pending', 'failed') AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?))`;

export class LaneStore {
  readonly kind: DbKind;
  constructor(private readonly db: Knex) {
    this.kind = dbKindOf(db);
  }

  /** Makes sure each webhook has its lane row (inside the intake's transaction). */
  async ensure(trx: Knex | Knex.Transaction, webhookIds: number[], now: number): Promise<void> {
    if (webhookIds.length === 0) return;
    await this.ensureQuery(trx, webhookIds, now);
  }

  /** The insert ensure runs (not empty `webhookIds`), to be run or put in another statement. */
  ensureQuery(db: Knex | Knex.Transaction, webhookIds: number[], now: number): Knex.QueryBuilder {
    const rows = [...new Set(webhookIds)].map((id) => ({ webhook_id: id, blocked_until: 0, updated_at: now }));
    return db(LANES).insert(rows).onConflict('webhook_id').ignore();
  }

  /** Lanes worth leasing now: free, not waiting, webhook enabled, with a due delivery. Least recently served first. */
  async candidates(now: number, limit: number, exclude: number[] = []): Promise<number[]> {
    const rows: { webhook_id: number | string }[] = await this.db(`${LANES} as l`)
      .select('l.webhook_id')
      .join('wh_webhooks as w', 'w.id', 'l.webhook_id')
      .where('w.enabled', true)
      .where('l.blocked_until', '<=', now)
      .where((q) => q.whereNull('l.locked_until').orWhere('l.locked_until', '<', now))
      .whereNotIn('l.webhook_id', exclude.length ? exclude : [-1])
      .whereExists((q) =>
        dueCondition(q.select(this.db.raw('1')).from(`${DELIVERIES} as d`).whereRaw('d.webhook_id = l.webhook_id'), now, 'd'),
      )
      .orderBy('l.updated_at', 'asc')
      .limit(limit);
    return rows.map((r) => Number(r.webhook_id));
  }

  /** Leases as many of `ids` as are still free; returns the ones this worker now holds. */
  async lease(ids: number[], worker: string, now: number, leaseMs: number): Promise<number[]> {
    if (ids.length === 0) return [];
    const free = (q: Knex.QueryBuilder) =>
      q.where('blocked_until', '<=', now).where((w) => w.whereNull('locked_until').orWhere('locked_until', '<', now));
    const claim = { locked_by: worker, locked_until: now + leaseMs, updated_at: now };
    if (this.kind === 'sqlite') {
      const got: number[] = [];
      for (const id of ids) {
        const n = await free(this.db(LANES).where('webhook_id', id)).update(claim);
        if (n > 0) got.push(id);
      }
      return got;
    }
    return this.db.transaction(async (trx) => {
      const rows: { webhook_id: number | string }[] = await free(trx(LANES).select('webhook_id').whereIn('webhook_id', ids))
        .forUpdate()
        .skipLocked();
      const picked = rows.map((r) => Number(r.webhook_id));
      if (picked.length) await trx(LANES).whereIn('webhook_id', picked).update(claim);
      return picked;
    });
  }

  /** Extends this worker's lease; false when the lease was lost (expired and taken). */
  async renew(webhookId: number, worker: string, until: number): Promise<boolean> {
    const n = await this.db(LANES).where({ webhook_id: webhookId, locked_by: worker }).update({ locked_until: until });
    return n > 0;
  }

  /**
   * Gives the lane back, optionally closed until `blockedUntil` (never shortens an existing wait).
   * `endRun`: the turn had a success (or the webhook was paused): the run of 429s is over.
   */
  async release(
    webhookId: number,
    worker: string,
    now: number,
    block?: { until: number; reason: string },
    opts: { endRun?: boolean } = {},
  ): Promise<void> {
    const changes: Record<string, unknown> = { locked_by: null, locked_until: null, updated_at: now };
    if (opts.endRun) {
      changes.limited_count = 0;
      changes.limited_since = null;
    }
    if (block) {
      changes.blocked_until = this.db.raw(this.kind === 'sqlite' ? 'max(blocked_until, ?)' : 'greatest(blocked_until, ?)', [block.until]);
      changes.blocked_reason = block.reason;
    }
    await this.db(LANES).where({ webhook_id: webhookId, locked_by: worker }).update(changes);
  }

  /**
   * Counts a 429 in the lane's run (held lane only) and returns the run: how many in a row and
   * since when. `fresh`: a success came before it in this turn, so it starts a new run.
   */
  async noteRateLimited(webhookId: number, worker: string, now: number, fresh: boolean): Promise<{ count: number; since: number }> {
    await this.db(LANES)
      .where({ webhook_id: webhookId, locked_by: worker })
      .update(
        fresh
          ? { limited_count: 1, limited_since: now }
          : { limited_count: this.db.raw('limited_count + 1'), limited_since: this.db.raw('coalesce(limited_since, ?)', [now]) },
      );
    const r: { limited_count: number | string; limited_since: number | string | null } | undefined = await this.db(LANES)
      .select('limited_count', 'limited_since')
      .where({ webhook_id: webhookId })
      .first();
    return { count: Math.max(1, Number(r?.limited_count ?? 1)), since: r?.limited_since == null ? now : Number(r.limited_since) };
  }

  /** A global rate limit (X-RateLimit-Global): every lane of the platform waits. */
  async blockPlatform(platform: string, until: number, reason: string): Promise<void> {
    const ids = this.db('wh_webhooks').select('id').where('platform', platform);
    await this.db(LANES)
      .whereIn('webhook_id', ids)
      .where('blocked_until', '<', until)
      .update({ blocked_until: until, blocked_reason: reason });
  }

  /** Opens a lane now (the admin replays or re-enables). */
  async unblock(webhookId: number): Promise<void> {
    await this.db(LANES).where({ webhook_id: webhookId }).update({ blocked_until: 0, blocked_reason: null });
  }

  async releaseAll(worker: string, now: number): Promise<void> {
    await this.db(LANES).where({ locked_by: worker }).update({ locked_by: null, locked_until: null, updated_at: now });
  }

  async get(webhookId: number): Promise<{
    blockedUntil: number;
    blockedReason: string | null;
    lockedBy: string | null;
    /** 429s in a row, and since when. */
    limitedCount: number;
    limitedSince: number | null;
  } | null> {
    const r = await this.db(LANES).where({ webhook_id: webhookId }).first();
    return r
      ? {
          blockedUntil: Number(r.blocked_until),
          blockedReason: r.blocked_reason ?? null,
          lockedBy: r.locked_by ?? null,
          limitedCount: Number(r.limited_count ?? 0),
          limitedSince: r.limited_since == null ? null : Number(r.limited_since),
        }
      : null;
  }
}
