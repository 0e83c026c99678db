/**
 * The delivery slice's one store (Backstage's NotificationsStore / DatabaseNotificationsStore
 * shape): the outbox's rows (wh_deliveries, wh_attempts) through their life, and the per-webhook
 * lanes (wh_lanes) that order and pace them across host processes. One knex implementation:
 * knex-delivery-store.ts. The dispatcher, the fan-out and the admin's writes depend on this
 * interface only.
 */
import type { Knex } from 'knex';
import type { EventName } from '../../sdk/events.js';
import type { TicketThreadPlan } from '../rendering/ticket-thread-plan.js';
import type { MessageBody } from '../rendering/types.js';
import type { DbKind } from '../storage/db-kind.js';

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
  /** When the row was queued (the fan-out of its event): the metrics' latency starts here. */
  createdAt?: number;
}

export interface AttemptRecord {
  statusCode: number | null;
  outcome: 'ok' | 'retry' | 'rate_limited' | 'dead';
  error: string | null;
  responseBody: string | null;
  durationMs: number;
}

/** Requests that succeeded, not written yet: the rows, their batch id and the answer. */
export interface Success {
  rows: QueuedDelivery[];
  batchId: string | null;
  attempt: AttemptRecord;
  at: number;
}

/** A lane's shared state (rate limits, lease holder). */
export interface LaneState {
  blockedUntil: number;
  blockedReason: string | null;
  lockedBy: string | null;
  /** 429s in a row, and since when. */
  limitedCount: number;
  limitedSince: number | null;
}

export interface DeliveryStore {
  readonly kind: DbKind;

  // Rows in: the fan-out.
  /** One transaction (`within`'s, when given): every row, and the lanes they go through. Duplicates are ignored. */
  enqueue(items: NewDelivery[], within?: Knex.Transaction): Promise<void>;
  /** The rows and their lanes, and `alongWith` (a statement of the caller's), atomically. */
  enqueueWith(items: NewDelivery[], alongWith: (db: Knex) => Knex.QueryBuilder): Promise<void>;

  // A lane turn: claim, record, give back.
  /** The lane's due rows, oldest first (read only). Call only while holding the lane. */
  due(webhookId: number, now: number, limit: number): Promise<QueuedDelivery[]>;
  markSending(ids: number[], worker: string, lockedUntil: number): Promise<void>;
  /** Up to `limit` due rows marked `sending`, oldest first; writes `done` first. */
  claim(webhookId: number, now: number, limit: number, worker: string, lockedUntil: number, done?: Success[]): Promise<QueuedDelivery[]>;
  giveBack(ids: number[], worker: string): Promise<void>;
  delivered(rows: QueuedDelivery[], batchId: string | null, attempt: AttemptRecord): Promise<void>;
  deliveredMany(successes: Success[]): Promise<void>;
  failed(updates: { row: QueuedDelivery; nextAt: number | null }[], attempt: AttemptRecord, deadReason: string): Promise<void>;
  dead(rows: QueuedDelivery[], attempt: AttemptRecord): Promise<void>;
  requeue(rows: QueuedDelivery[], attempt: AttemptRecord | null, opts: { counted: boolean; nextAt?: number }): Promise<void>;
  releaseWorker(worker: string): Promise<number>;

  // Lanes.
  /** Lanes worth leasing now, least recently served first. */
  laneCandidates(now: number, limit: number, exclude?: number[]): Promise<number[]>;
  leaseLanes(ids: number[], worker: string, now: number, leaseMs: number): Promise<number[]>;
  renewLane(webhookId: number, worker: string, until: number): Promise<boolean>;
  releaseLane(
    webhookId: number,
    worker: string,
    now: number,
    block?: { until: number; reason: string },
    opts?: { endRun?: boolean },
  ): Promise<void>;
  releaseLanes(worker: string, now: number): Promise<void>;
  noteRateLimited(webhookId: number, worker: string, now: number, fresh: boolean): Promise<{ count: number; since: number }>;
  blockPlatform(platform: string, until: number, reason: string): Promise<void>;
  unblockLane(webhookId: number): Promise<void>;
  laneState(webhookId: number): Promise<LaneState | null>;

  // The admin and retention.
  replay(id: number): Promise<{ webhookId: number } | null>;
  retryAllFailed(webhookId: number): Promise<number>;
  prune(olderThanDays: number): Promise<number>;
}
