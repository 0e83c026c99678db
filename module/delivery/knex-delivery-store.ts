/**
 * The delivery store on knex (SQLite, PostgreSQL, MariaDB): wh_deliveries and wh_attempts, the
 * outbox's rows through their life (pending -> sending -> delivered | failed | dead), and
 * wh_lanes. The row is the truth: a crash leaves a row `sending` with an expired lease, and the
 * next lane holder sends it again. Times are epoch ms; PostgreSQL returns BIGINT as strings,
 * hence Number() everywhere. Hot statements are raw SQL (one round trip each on PostgreSQL).
 */
import type { Knex } from 'knex';
import type { TicketThreadPlan } from '../rendering/ticket-thread-plan.js';
import type { MessageBody } from '../rendering/types.js';
import { OPEN_STATUSES_SQL } from '../../migrations/006-open-deliveries-index.js';
import { dbKindOf, type DbKind } from '../storage/db-kind.js';
import type { AttemptRecord, DeliveryStore, LaneState, NewDelivery, QueuedDelivery, Success } from './delivery-store.js';

const DELIVERIES = 'wh_deliveries';
const ATTEMPTS = 'wh_attempts';
const LANES = 'wh_lanes';

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

/**
 * An event id as stored: PostgreSQL text cannot hold NUL, so NUL becomes U+FFFD (the body keeps
 * the id exactly, JSON-escaped). Applied to the key too, so duplicates still collide.
 */
export const storedEventId = (eventId: string) => eventId.replaceAll(String.fromCharCode(0), '\uFFFD');
export const idempotencyKey = (webhookId: number, eventId: string) => `${webhookId}:${storedEventId(eventId)}`;

/**
 * The lane's webhook is still enabled (binding: its id): a lane that keeps its lease across turns
 * takes no row of a webhook disabled or paused meanwhile.
 */
const WEBHOOK_ENABLED_SQL = 'EXISTS (SELECT 1 FROM wh_webhooks w WHERE w.id = ? AND w.enabled)';

/** A due row as the database answers it (PostgreSQL gives BIGINT as strings). */
interface DueRow {
  id: number | string;
  webhook_id: number | string;
  event_id: string;
  body: string;
  query: string | null;
  thread: string | null;
  attempts: number | string;
  created_at?: number | string;
}

function queuedFromRow(r: DueRow): QueuedDelivery {
  let body: MessageBody | undefined;
  return {
    id: Number(r.id),
    webhookId: Number(r.webhook_id),
    eventId: r.event_id,
    get body() {
      return (body ??= JSON.parse(r.body) as MessageBody);
    },
    bodyText: r.body,
    query: r.query ? (JSON.parse(r.query) as Record<string, string>) : null,
    thread: r.thread ? (JSON.parse(r.thread) as TicketThreadPlan) : null,
    attempts: Number(r.attempts),
    createdAt: r.created_at === undefined ? undefined : Number(r.created_at),
  };
}

/**
 * PostgreSQL: a CTE that makes the statement's own transaction commit without waiting for its WAL
 * to reach the disk (SET LOCAL synchronous_commit = off, as a function so it fits in one
 * statement). For the worker's hot writes only (fan-out, claims, successes), whose loss in a
 * PostgreSQL crash (at most about 3 x wal_writer_delay) costs a resend, never a message: the
 * event row they come from, and the lane lease, are written with normal commits, and any later
 * normal commit flushes them too. The host's emit (the event row) keeps its full commit. Under
 * load a flush took several ms and every emit waited behind the worker's.
 */
const ASYNC_COMMIT_CTE = "sc AS (SELECT set_config('synchronous_commit', 'off', true) AS v)";
/** Read where the statement is sure to read it (PostgreSQL skips a CTE nothing reads). */
const ASYNC_COMMIT_READ = "(SELECT v FROM sc) = 'off'";

/** The WITH clause of ASYNC_COMMIT_CTE and `writes` (data-modifying statements, run whether read or not). */
function asyncCommitWith(writes: string[]): string {
  return `WITH ${[ASYNC_COMMIT_CTE, ...writes.map((w, i) => `w${i} AS (${w})`)].join(', ')}`;
}

/** `writes` as one statement that commits asynchronously. */
function asyncCommitStatement(writes: string[]): string {
  return `${asyncCommitWith(writes)} SELECT v FROM sc`;
}

/** Rows written in one statement by enqueueWith on PostgreSQL (11 values each, far below its 65,535). */
const ONE_STATEMENT_ROWS = 2000;

export class KnexDeliveryStore implements DeliveryStore {
  readonly kind: DbKind;

  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
  ) {
    this.kind = dbKindOf(db);
  }

  /**
   * One transaction (`within`'s, when given): every row, and the lanes they go through.
   * Duplicates are ignored.
   */
  async enqueue(items: NewDelivery[], within?: Knex.Transaction): Promise<void> {
    if (items.length === 0) return;
    const at = this.now();
    const write = async (trx: Knex.Transaction) => {
      await this.ensureLanes(
        trx,
        items.map((i) => i.webhookId),
        at,
      );
      const rows = this.deliveryRows(items, at);
      // In chunks: a fan-out batch can hold many events times many webhooks (SQLite caps bound values).
      for (let i = 0; i < rows.length; i += 200)
        await trx(DELIVERIES)
          .insert(rows.slice(i, i + 200))
          .onConflict('idempotency_key')
          .ignore();
    };
    if (within) await write(within);
    else await this.db.transaction(write);
  }

  /**
   * The rows (duplicates ignored) and their lanes, and `alongWith` (the fan-out's delete of the
   * events they come from), atomically: on PostgreSQL one statement (data-modifying CTEs), so one
   * round trip and one commit per fan-out batch; elsewhere one transaction.
   */
  async enqueueWith(items: NewDelivery[], alongWith: (db: Knex) => Knex.QueryBuilder): Promise<void> {
    if (this.kind !== 'postgres' || items.length === 0 || items.length > ONE_STATEMENT_ROWS) {
      await this.db.transaction(async (trx) => {
        await this.enqueue(items, trx);
        await alongWith(trx);
      });
      return;
    }
    const at = this.now();
    const lanes = this.ensureLanesQuery(
      this.db,
      items.map((i) => i.webhookId),
      at,
    );
    const insert = this.db(DELIVERIES).insert(this.deliveryRows(items, at)).onConflict('idempotency_key').ignore();
    const parts = [lanes, alongWith(this.db), insert].map((q) => q.toSQL());
    await this.db.raw(asyncCommitStatement(parts.map((p) => p.sql)), parts.flatMap((p) => p.bindings) as Knex.RawBinding[]);
  }

  private deliveryRows(items: NewDelivery[], at: number) {
    // Webhooks sharing a rendering share one body object: encoded once.
    const texts = new Map<MessageBody, string>();
    const text = (body: MessageBody) => {
      let t = texts.get(body);
      if (t === undefined) texts.set(body, (t = JSON.stringify(body)));
      return t;
    };
    return items.map((i) => ({
      webhook_id: i.webhookId,
      event_name: i.event,
      event_id: storedEventId(i.eventId),
      idempotency_key: idempotencyKey(i.webhookId, i.eventId),
      status: 'pending',
      body: text(i.body),
      query: i.query && Object.keys(i.query).length ? JSON.stringify(i.query) : null,
      reference: i.reference ?? null,
      thread: i.thread ? JSON.stringify(i.thread) : null,
      attempts: 0,
      next_attempt_at: at,
      created_at: at,
      updated_at: at,
    }));
  }

  /** The lane's due rows, oldest first. Call only while holding the lane. */
  async due(webhookId: number, now: number, limit: number): Promise<QueuedDelivery[]> {
    const rows: DueRow[] = await dueCondition(
      this.db(DELIVERIES)
        .select('id', 'webhook_id', 'event_id', 'body', 'query', 'thread', 'attempts', 'created_at')
        .where('webhook_id', webhookId)
        .whereRaw(WEBHOOK_ENABLED_SQL, [webhookId]),
      now,
    )
      .orderBy('id', 'asc')
      .limit(limit);
    return rows.map(queuedFromRow);
  }

  async markSending(ids: number[], worker: string, lockedUntil: number): Promise<void> {
    await this.db(DELIVERIES)
      .whereIn('id', ids)
      .update({ status: 'sending', locked_by: worker, locked_until: lockedUntil, updated_at: this.now() });
  }

  /**
   * A lane turn's claim: up to `limit` due rows, oldest first, marked `sending` under this
   * worker until `lockedUntil`. Call only while holding the lane. Rows a crash leaves `sending`
   * are due again once that passes. One `UPDATE … RETURNING` on PostgreSQL (with `FOR UPDATE
   * SKIP LOCKED` on the picked rows) and SQLite; MariaDB has no `UPDATE … RETURNING`, so there it
   * is a read then an update (the lane lease already keeps other workers off these rows).
   */
  async claim(
    webhookId: number,
    now: number,
    limit: number,
    worker: string,
    lockedUntil: number,
    done: Success[] = [],
  ): Promise<QueuedDelivery[]> {
    if (this.kind === 'mysql') {
      await this.deliveredMany(done);
      const rows = await this.due(webhookId, now, limit);
      if (rows.length)
        await this.markSending(
          rows.map((r) => r.id),
          worker,
          lockedUntil,
        );
      return rows;
    }
    const lock = this.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    let sql =
      `UPDATE ${DELIVERIES} SET status = 'sending', locked_by = ?, locked_until = ?, updated_at = ? WHERE ` +
      (this.kind === 'postgres' ? `${ASYNC_COMMIT_READ} AND ` : '') +
      'id IN (' +
      `SELECT id FROM ${DELIVERIES} WHERE webhook_id = ? AND ${DUE_SQL} AND ${WEBHOOK_ENABLED_SQL} ORDER BY id LIMIT ?${lock}` +
      ') RETURNING id, webhook_id, event_id, body, query, thread, attempts, created_at';
    let bindings: unknown[] = [worker, lockedUntil, now, webhookId, now, now, webhookId, limit];
    if (this.kind === 'postgres') {
      // The turn's successes so far ride along: their writes and this claim in one round trip.
      const writes = this.successStatements(done);
      sql = `${asyncCommitWith(writes.map((w) => w.sql))} ${sql}`;
      bindings = [...writes.flatMap((w) => w.bindings), ...bindings];
    }
    const run = async (db: Knex): Promise<QueuedDelivery[]> => {
      const answer: DueRow[] | { rows: DueRow[] } = await db.raw(sql, bindings as Knex.RawBinding[]);
      const rows = Array.isArray(answer) ? answer : answer.rows;
      // RETURNING gives no order: the lane sends oldest first.
      return rows.map(queuedFromRow).sort((a, b) => a.id - b.id);
    };
    if (this.kind === 'sqlite' && done.length)
      // One transaction for the successes and the claim: SQLite's single connection is taken once.
      return this.db.transaction(async (trx) => {
        for (const q of this.successUpdates(trx, done)) await q;
        await this.successAttempts(trx, done);
        return run(trx);
      });
    return run(this.db);
  }

  /**
   * Claimed rows the turn did not send go back as they were (`failed` when tried before, else
   * `pending`), due at the same time, their attempts untouched.
   */
  async giveBack(ids: number[], worker: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db(DELIVERIES)
      .whereIn('id', ids)
      .where({ status: 'sending', locked_by: worker })
      .update({
        status: this.db.raw("CASE WHEN attempts > 0 THEN 'failed' ELSE 'pending' END"),
        locked_by: null,
        locked_until: null,
        updated_at: this.now(),
      });
  }

  /** Success: every packed row delivered, sharing the batch id; one attempt row each. */
  async delivered(rows: QueuedDelivery[], batchId: string | null, attempt: AttemptRecord): Promise<void> {
    await this.deliveredMany([{ rows, batchId, attempt, at: this.now() }]);
  }

  /**
   * The successes of a lane turn together: one UPDATE per (batch, status code) and one INSERT for
   * all their attempt rows, in one transaction (one statement on PostgreSQL). A first-try success
   * keeps its attempt row: the log shows each request's status, duration and answer, and one
   * multi-row INSERT per turn costs little.
   */
  async deliveredMany(successes: Success[]): Promise<void> {
    if (successes.length === 0) return;
    if (this.kind === 'postgres') {
      const writes = this.successStatements(successes);
      await this.db.raw(asyncCommitStatement(writes.map((w) => w.sql)), writes.flatMap((w) => w.bindings) as Knex.RawBinding[]);
      return;
    }
    await this.db.transaction(async (trx) => {
      for (const q of this.successUpdates(trx, successes)) await q;
      await this.successAttempts(trx, successes);
    });
  }

  /** One UPDATE per (batch id, status code) of the successes. */
  private successUpdates(db: Knex, successes: Success[]): Knex.QueryBuilder[] {
    const groups = new Map<string, { ids: number[]; batchId: string | null; statusCode: number | null; at: number }>();
    for (const s of successes) {
      const key = `${s.batchId ?? ''}|${s.attempt.statusCode ?? ''}`;
      const g = groups.get(key) ?? { ids: [], batchId: s.batchId, statusCode: s.attempt.statusCode, at: s.at };
      for (const r of s.rows) g.ids.push(r.id);
      g.at = Math.max(g.at, s.at);
      groups.set(key, g);
    }
    return [...groups.values()].map((g) =>
      db(DELIVERIES)
        .whereIn('id', g.ids)
        .update({
          status: 'delivered',
          batch_id: g.batchId,
          attempts: db.raw('attempts + 1'),
          delivered_at: g.at,
          locked_by: null,
          locked_until: null,
          last_error: null,
          last_status_code: g.statusCode,
          updated_at: g.at,
        }),
    );
  }

  private successAttempts(db: Knex, successes: Success[]): Knex.QueryBuilder {
    return db(ATTEMPTS).insert(successes.flatMap((s) => s.rows.map((r) => this.attemptRow(r, s.attempt, s.at))));
  }

  /**
   * PostgreSQL: the successes' updates and their attempt rows' INSERT, to run as data-modifying
   * CTEs of one statement (run to completion whether read or not): one round trip and one commit
   * for all of it. None when there are no successes.
   */
  private successStatements(successes: Success[]): Knex.Sql[] {
    if (successes.length === 0) return [];
    return [...this.successUpdates(this.db, successes), this.successAttempts(this.db, successes)].map((q) => q.toSQL());
  }

  /** A try that failed: each row gets its own next time (or dies when `nextAt` is null). */
  async failed(updates: { row: QueuedDelivery; nextAt: number | null }[], attempt: AttemptRecord, deadReason: string): Promise<void> {
    const at = this.now();
    await this.db.transaction(async (trx) => {
      for (const { row, nextAt } of updates) {
        await trx(DELIVERIES)
          .where('id', row.id)
          .update({
            status: nextAt === null ? 'dead' : 'failed',
            attempts: row.attempts + 1,
            next_attempt_at: nextAt ?? at,
            locked_by: null,
            locked_until: null,
            last_error: nextAt === null ? deadReason : attempt.error,
            last_status_code: attempt.statusCode,
            updated_at: at,
          });
      }
      await this.insertAttempts(
        trx,
        updates.map((u) => u.row),
        attempt,
        at,
      );
    });
  }

  /** This body will never be accepted: dead at once, with the platform's message. */
  async dead(rows: QueuedDelivery[], attempt: AttemptRecord): Promise<void> {
    await this.failed(
      rows.map((row) => ({ row, nextAt: null })),
      attempt,
      attempt.error ?? 'rejected',
    );
  }

  /**
   * Back to `pending` without losing anything: a 429 (not a counted attempt), a dead webhook
   * (the row waits for re-enable; the try is counted), a batch to resend one by one, shutdown.
   */
  async requeue(rows: QueuedDelivery[], attempt: AttemptRecord | null, opts: { counted: boolean; nextAt?: number }): Promise<void> {
    const at = this.now();
    await this.db.transaction(async (trx) => {
      const changes: Record<string, unknown> = {
        status: 'pending',
        locked_by: null,
        locked_until: null,
        next_attempt_at: opts.nextAt ?? at,
        updated_at: at,
      };
      if (opts.counted) changes.attempts = trx.raw('attempts + 1');
      if (attempt && attempt.outcome !== 'rate_limited') {
        changes.last_error = attempt.error;
        changes.last_status_code = attempt.statusCode;
      }
      await trx(DELIVERIES)
        .whereIn(
          'id',
          rows.map((r) => r.id),
        )
        .update(changes);
      if (attempt) await this.insertAttempts(trx, rows, attempt, at);
    });
  }

  /** Shutdown: rows this worker marked `sending` go back to the queue at once. */
  async releaseWorker(worker: string): Promise<number> {
    return this.db(DELIVERIES)
      .where({ status: 'sending', locked_by: worker })
      .update({ status: 'pending', locked_by: null, locked_until: null, updated_at: this.now() });
  }

  /** Admin: queue one delivery again now (any status but `sending`). */
  async replay(id: number): Promise<{ webhookId: number } | null> {
    const row = await this.db(DELIVERIES).select('webhook_id').where({ id }).first();
    if (!row) return null;
    const at = this.now();
    const n = await this.db(DELIVERIES)
      .where({ id })
      .whereNot('status', 'sending')
      .update({ status: 'pending', next_attempt_at: at, locked_by: null, locked_until: null, updated_at: at });
    if (n === 0) return null;
    await this.unblockLane(Number(row.webhook_id));
    return { webhookId: Number(row.webhook_id) };
  }

  /** Admin: a webhook's failed and dead deliveries, queued again now; returns how many. */
  async retryAllFailed(webhookId: number): Promise<number> {
    const at = this.now();
    const n = await this.db(DELIVERIES)
      .where({ webhook_id: webhookId })
      .whereIn('status', ['failed', 'dead'])
      .update({ status: 'pending', next_attempt_at: at, locked_by: null, locked_until: null, updated_at: at });
    if (n > 0) await this.unblockLane(webhookId);
    return n;
  }

  /** Retention: delivered and dead rows (and their attempts) older than `days` are deleted. */
  async prune(olderThanDays: number): Promise<number> {
    if (!(olderThanDays > 0)) throw new RangeError(`prune: olderThanDays must be > 0, got ${olderThanDays}`);
    const before = this.now() - olderThanDays * 86_400_000;
    const old = this.db(DELIVERIES).select('id').whereIn('status', ['delivered', 'dead']).where('updated_at', '<', before);
    // MySQL cannot delete from a table it selects from in a subquery: read the ids first, in chunks.
    let total = 0;
    for (;;) {
      const ids = (await old.clone().limit(500)).map((r: { id: number | string }) => Number(r.id));
      if (ids.length === 0) return total;
      await this.db(ATTEMPTS).whereIn('delivery_id', ids).delete();
      total += await this.db(DELIVERIES).whereIn('id', ids).delete();
    }
  }

  private attemptRow(r: QueuedDelivery, a: AttemptRecord, at: number) {
    return {
      delivery_id: r.id,
      attempted_at: at,
      status_code: a.statusCode,
      outcome: a.outcome,
      error: a.error,
      response_body: a.responseBody,
      duration_ms: Math.max(0, Math.round(a.durationMs)),
    };
  }

  private async insertAttempts(trx: Knex.Transaction, rows: QueuedDelivery[], a: AttemptRecord, at: number): Promise<void> {
    if (rows.length === 0) return;
    await trx(ATTEMPTS).insert(rows.map((r) => this.attemptRow(r, a, at)));
  }

  // Lanes (wh_lanes): the rate-limit state every host process reads, and a lease so one worker
  // at a time sends to a webhook. On PostgreSQL and MariaDB free lanes are picked with
  // SELECT ... FOR UPDATE SKIP LOCKED (workers never wait on each other's pick); SQLite has a
  // single writer, where a conditional UPDATE is the same guarantee. A lease that is not renewed
  // (crashed worker) expires at `locked_until` and the lane is picked again.

  /** Makes sure each webhook has its lane row (inside the intake's transaction). */
  async ensureLanes(trx: Knex | Knex.Transaction, webhookIds: number[], now: number): Promise<void> {
    if (webhookIds.length === 0) return;
    await this.ensureLanesQuery(trx, webhookIds, now);
  }

  /** The insert ensure runs (not empty `webhookIds`), to be run or put in another statement. */
  ensureLanesQuery(db: Knex | Knex.Transaction, webhookIds: number[], now: number): Knex.QueryBuilder {
    const rows = [...new Set(webhookIds)].map((id) => ({ webhook_id: id, blocked_until: 0, updated_at: now }));
    return db(LANES).insert(rows).onConflict('webhook_id').ignore();
  }

  /** Lanes worth leasing now: free, not waiting, webhook enabled, with a due delivery. Least recently served first. */
  async laneCandidates(now: number, limit: number, exclude: number[] = []): Promise<number[]> {
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
  async leaseLanes(ids: number[], worker: string, now: number, leaseMs: number): Promise<number[]> {
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
  async renewLane(webhookId: number, worker: string, until: number): Promise<boolean> {
    const n = await this.db(LANES).where({ webhook_id: webhookId, locked_by: worker }).update({ locked_until: until });
    return n > 0;
  }

  /**
   * Gives the lane back, optionally closed until `blockedUntil` (never shortens an existing wait).
   * `endRun`: the turn had a success (or the webhook was paused): the run of 429s is over.
   */
  async releaseLane(
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
  async unblockLane(webhookId: number): Promise<void> {
    await this.db(LANES).where({ webhook_id: webhookId }).update({ blocked_until: 0, blocked_reason: null });
  }

  async releaseLanes(worker: string, now: number): Promise<void> {
    await this.db(LANES).where({ locked_by: worker }).update({ locked_by: null, locked_until: null, updated_at: now });
  }

  async laneState(webhookId: number): Promise<LaneState | null> {
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
