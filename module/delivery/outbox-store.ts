/**
 * wh_deliveries and wh_attempts: the outbox's rows through their life (pending -> sending ->
 * delivered | failed | dead). The row is the truth: a crash leaves a row `sending` with an
 * expired lease, and the next lane holder sends it again. Times are epoch ms; PostgreSQL
 * returns BIGINT as strings, hence Number() everywhere.
 */
import type { Knex } from 'knex';
import type { EventName } from '../../sdk/events.js';
import type { TicketThreadPlan } from '../rendering/ticket-thread-plan.js';
import type { MessageBody } from '../rendering/types.js';
import { DUE_SQL, dueCondition, LaneStore } from './lane-store.js';

const DELIVERIES = 'wh_deliveries';
const ATTEMPTS = 'wh_attempts';

export interface NewDelivery {
  webhookId: number;
  event: EventName;
  eventId: string;
  body: MessageBody;
  query?: Record<string, string> | null;
  /** The order or ticket number, for the delivery log (event definition's `reference`). */
  reference?: string | null;
  /** A ticket event of a thread-per-ticket or status-card webhook (ticket-threads.ts). */
  thread?: TicketThreadPlan | null;
}

export interface QueuedDelivery {
  id: number;
  webhookId: number;
  eventId: string;
  /** Parsed on first read: a request of one row sends `bodyText` as stored. */
  readonly body: MessageBody;
  /** The body's JSON text as stored (what JSON.stringify(body) gives back). */
  bodyText?: string;
  query: Record<string, string> | null;
  thread: TicketThreadPlan | null;
  attempts: number;
}

export interface AttemptRecord {
  statusCode: number | null;
  outcome: 'ok' | 'retry' | 'rate_limited' | 'dead';
  error: string | null;
  responseBody: string | null;
  durationMs: number;
}

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

/** Requests that succeeded, not written yet: the rows, their batch id and the answer. */
export interface Success {
  rows: QueuedDelivery[];
  batchId: string | null;
  attempt: AttemptRecord;
  at: number;
}

/** A due row as the database answers it (PostgreSQL gives BIGINT as strings). */
interface DueRow {
  id: number | string;
  webhook_id: number | string;
  event_id: string;
  body: string;
  query: string | null;
  thread: string | null;
  attempts: number | string;
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
  };
}

/** Rows written in one statement by enqueueWith on PostgreSQL (11 values each, far below its 65,535). */
const ONE_STATEMENT_ROWS = 2000;

export class OutboxStore {
  /** `lanes`: the delivery slice's own lane store (one per slice); a standalone outbox makes its own. */
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
    private readonly lanes: LaneStore = new LaneStore(db),
  ) {}

  /**
   * One transaction (`within`'s, when given): every row, and the lanes they go through.
   * Duplicates are ignored.
   */
  async enqueue(items: NewDelivery[], within?: Knex.Transaction): Promise<void> {
    if (items.length === 0) return;
    const at = this.now();
    const write = async (trx: Knex.Transaction) => {
      await this.lanes.ensure(
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
    if (this.lanes.kind !== 'postgres' || items.length === 0 || items.length > ONE_STATEMENT_ROWS) {
      await this.db.transaction(async (trx) => {
        await this.enqueue(items, trx);
        await alongWith(trx);
      });
      return;
    }
    const at = this.now();
    const lanes = this.lanes.ensureQuery(
      this.db,
      items.map((i) => i.webhookId),
      at,
    );
    const parts = [lanes, alongWith(this.db)].map((q) => q.toSQL());
    const insert = this.db(DELIVERIES).insert(this.deliveryRows(items, at)).onConflict('idempotency_key').ignore().toSQL();
    await this.db.raw(`WITH ${parts.map((p, i) => `e${i} AS (${p.sql})`).join(', ')} ${insert.sql}`, [
      ...parts.flatMap((p) => p.bindings),
      ...insert.bindings,
    ] as Knex.RawBinding[]);
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
        .select('id', 'webhook_id', 'event_id', 'body', 'query', 'thread', 'attempts')
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
    if (this.lanes.kind !== 'postgres') await this.deliveredMany(done);
    if (this.lanes.kind === 'mysql') {
      const rows = await this.due(webhookId, now, limit);
      if (rows.length)
        await this.markSending(
          rows.map((r) => r.id),
          worker,
          lockedUntil,
        );
      return rows;
    }
    const lock = this.lanes.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    let sql =
      `UPDATE ${DELIVERIES} SET status = 'sending', locked_by = ?, locked_until = ?, updated_at = ? WHERE id IN (` +
      `SELECT id FROM ${DELIVERIES} WHERE webhook_id = ? AND ${DUE_SQL} AND ${WEBHOOK_ENABLED_SQL} ORDER BY id LIMIT ?${lock}` +
      ') RETURNING id, webhook_id, event_id, body, query, thread, attempts';
    let bindings: unknown[] = [worker, lockedUntil, now, webhookId, now, now, webhookId, limit];
    if (this.lanes.kind === 'postgres' && done.length) {
      // The turn's successes so far ride along: their writes and this claim in one round trip.
      const w = this.successSql(done);
      sql = `${w.with}, a AS (${w.insert.sql}) ${sql}`;
      bindings = [...w.bindings, ...w.insert.bindings, ...bindings];
    }
    const answer: DueRow[] | { rows: DueRow[] } = await this.db.raw(sql, bindings as Knex.RawBinding[]);
    const rows = Array.isArray(answer) ? answer : answer.rows;
    // RETURNING gives no order: the lane sends oldest first.
    return rows.map(queuedFromRow).sort((a, b) => a.id - b.id);
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
    if (this.lanes.kind === 'postgres') {
      const w = this.successSql(successes);
      await this.db.raw(`${w.with} ${w.insert.sql}`, [...w.bindings, ...w.insert.bindings] as Knex.RawBinding[]);
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
   * PostgreSQL: the successes' updates as data-modifying CTEs (run to completion whether read or
   * not) and their attempt rows' INSERT, to put in front of another statement: one round trip
   * and one commit for all of it.
   */
  private successSql(successes: Success[]): { with: string; bindings: unknown[]; insert: Knex.Sql } {
    const parts = this.successUpdates(this.db, successes).map((q) => q.toSQL());
    const insert = this.successAttempts(this.db, successes).toSQL();
    return {
      with: `WITH ${parts.map((p, i) => `u${i} AS (${p.sql})`).join(', ')}`,
      bindings: parts.flatMap((p) => p.bindings),
      insert,
    };
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
    await this.lanes.unblock(Number(row.webhook_id));
    return { webhookId: Number(row.webhook_id) };
  }

  /** Admin: a webhook's failed and dead deliveries, queued again now; returns how many. */
  async retryAllFailed(webhookId: number): Promise<number> {
    const at = this.now();
    const n = await this.db(DELIVERIES)
      .where({ webhook_id: webhookId })
      .whereIn('status', ['failed', 'dead'])
      .update({ status: 'pending', next_attempt_at: at, locked_by: null, locked_until: null, updated_at: at });
    if (n > 0) await this.lanes.unblock(webhookId);
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
}
