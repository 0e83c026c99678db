/**
 * Read side of the delivery log for the admin pages: filtered, paginated lists, one delivery
 * with its attempts, daily counts for the chart. Writes (replay, retry all) are delegated to the
 * delivery slice's outbox, which owns the row lifecycle and wakes the dispatcher.
 */
import type { Knex } from 'knex';
import type { DeliveryWrites } from '../delivery/index.js';
import { isPlatform } from '../platforms/index.js';
import { combineBodies, type MessageBody } from '../rendering/index.js';
import type { AttemptView, DailyCount, DeliveryDetail, DeliveryFilter, DeliveryLog, DeliveryStatus, DeliverySummary } from './ports.js';

interface DeliveryRow {
  id: number | string;
  webhook_id: number | string;
  event_name: string;
  event_id: string;
  status: string;
  body?: string;
  attempts: number | string;
  next_attempt_at: number | string | null;
  last_error: string | null;
  reference?: string | null;
  last_status_code: number | string | null;
  created_at: number | string;
  updated_at: number | string;
  delivered_at: number | string | null;
  thread?: string | null;
  batch_id?: string | null;
}

function parseBody(text: string): MessageBody | undefined {
  try {
    return JSON.parse(text) as MessageBody;
  } catch {
    return undefined;
  }
}

const numOrNull = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const DAY = 86_400_000;

function summary(r: DeliveryRow): DeliverySummary {
  const status = r.status as DeliveryStatus;
  return {
    id: Number(r.id),
    webhookId: Number(r.webhook_id),
    event: r.event_name,
    eventId: r.event_id,
    reference: r.reference ?? null,
    status,
    attempts: Number(r.attempts),
    lastStatusCode: numOrNull(r.last_status_code),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: numOrNull(r.delivered_at),
    // Only a row that will be tried again has a next retry worth showing.
    nextAttemptAt: status === 'pending' || status === 'failed' ? numOrNull(r.next_attempt_at) : null,
  };
}

const summaryColumns = [
  'id',
  'webhook_id',
  'event_name',
  'event_id',
  'reference',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'last_status_code',
  'created_at',
  'updated_at',
  'delivered_at',
  'thread',
];

/** The Discord link of a post: discord.com/channels/{server}/{thread}. */
const threadUrl = (guildId: string | null, threadId: string) =>
  guildId ? `https://discord.com/channels/${encodeURIComponent(guildId)}/${encodeURIComponent(threadId)}` : null;

export class DeliveryLogQueries implements DeliveryLog {
  constructor(
    private readonly db: Knex,
    private readonly writes: DeliveryWrites,
  ) {}

  async list(f: DeliveryFilter): Promise<{ items: DeliverySummary[]; total: number }> {
    const q = this.db('wh_deliveries');
    if (f.webhookId !== undefined) q.where('webhook_id', f.webhookId);
    if (f.event !== undefined) q.where('event_name', f.event);
    if (f.status !== undefined) q.where('status', f.status);
    if (f.from !== undefined) q.where('created_at', '>=', f.from);
    if (f.to !== undefined) q.where('created_at', '<', f.to);
    if (f.reference !== undefined) q.where('reference', f.reference);
    const [{ n }] = (await q.clone().count({ n: '*' })) as { n: number | string }[];
    const rows: DeliveryRow[] = await q
      .clone()
      .select(summaryColumns)
      .orderBy('id', 'desc')
      .limit(f.perPage)
      .offset((f.page - 1) * f.perPage);
    return { items: await this.withThreads(rows), total: Number(n) };
  }

  /** Summaries, each ticket row with its ticket's post (one read for the page, wh_ticket_threads). */
  private async withThreads(rows: DeliveryRow[]): Promise<DeliverySummary[]> {
    const tickets = new Map<number, string>();
    for (const r of rows) {
      if (!r.thread) continue;
      try {
        const ticket = (JSON.parse(r.thread) as { ticket?: unknown }).ticket;
        if (typeof ticket === 'string') tickets.set(Number(r.id), ticket);
      } catch {
        // A plan that cannot be read shows no link.
      }
    }
    const items = rows.map(summary);
    if (tickets.size === 0) return items;
    const posts: { webhook_id: number | string; ticket_id: string; thread_id: string | null; guild_id: string | null }[] = await this.db(
      'wh_ticket_threads',
    )
      .select('webhook_id', 'ticket_id', 'thread_id', 'guild_id')
      .whereIn('webhook_id', [...new Set(items.map((i) => i.webhookId))])
      .whereIn('ticket_id', [...new Set(tickets.values())]);
    const byKey = new Map(posts.map((p) => [`${Number(p.webhook_id)} ${p.ticket_id}`, p]));
    for (const item of items) {
      const ticket = tickets.get(item.id);
      const post = ticket === undefined ? undefined : byKey.get(`${item.webhookId} ${ticket}`);
      if (post?.thread_id) item.thread = { id: post.thread_id, url: threadUrl(post.guild_id, post.thread_id) };
    }
    return items;
  }

  async get(id: number): Promise<DeliveryDetail | null> {
    const row: DeliveryRow | undefined = await this.db('wh_deliveries').where({ id }).first();
    if (!row) return null;
    const attempts: {
      attempted_at: number | string;
      status_code: number | string | null;
      outcome: string;
      error: string | null;
      duration_ms: number | string;
    }[] = await this.db('wh_attempts').where({ delivery_id: id }).orderBy('id', 'asc');
    const attemptsList: AttemptView[] = attempts.map((a) => ({
      attemptedAt: Number(a.attempted_at),
      statusCode: numOrNull(a.status_code),
      outcome: a.outcome,
      error: a.error,
      durationMs: Number(a.duration_ms),
    }));
    return { ...summary(row), body: row.body ?? '', attemptsList, batch: row.batch_id ? await this.batch(row) : null };
  }

  /**
   * What one coalesced request carried: its deliveries (one batch id, written together with the
   * success) and the message the platform received, packed again from their stored bodies the
   * way the dispatcher packs them (combineBodies is pure, so the result is the same message).
   */
  private async batch(row: DeliveryRow): Promise<{ ids: number[]; body: string }> {
    const rows: { id: number | string; body: string | null }[] = await this.db('wh_deliveries')
      .select('id', 'body')
      .where('batch_id', row.batch_id!)
      .where('webhook_id', row.webhook_id)
      .orderBy('id', 'asc');
    const ids = rows.map((r) => Number(r.id));
    const webhook: { platform: string } | undefined = await this.db('wh_webhooks').select('platform').where('id', row.webhook_id).first();
    const bodies = rows.map((r) => parseBody(r.body ?? ''));
    if (!webhook || !isPlatform(webhook.platform) || bodies.some((b) => b === undefined)) return { ids, body: '' };
    const [first] = combineBodies(webhook.platform, bodies as MessageBody[]);
    return { ids, body: first && first.count === rows.length ? JSON.stringify(first.body) : '' };
  }

  replay(id: number): Promise<boolean> {
    return this.writes.replay(id);
  }

  retryAllFailed(webhookId: number): Promise<number> {
    return this.writes.retryAllFailed(webhookId);
  }

  waitingPerWebhook(webhookIds: number[]): Promise<Map<number, number>> {
    return this.writes.waiting(webhookIds);
  }

  discardWaiting(webhookId: number): Promise<number> {
    return this.writes.discardWaiting(webhookId);
  }

  resumed(): void {
    this.writes.resumed();
  }

  async dailyCounts(since: number, webhookIds?: number[]): Promise<DailyCount[]> {
    // Counted by the database, one row per (day, webhook, status), never 14 days of rows read
    // into JavaScript. The UTC day is plain arithmetic on the epoch-ms column (the same on
    // SQLite, PostgreSQL and MariaDB, whose date functions differ); the constant is written in
    // the SQL so the GROUP BY repeats the select's expression word for word (PostgreSQL).
    const day = `created_at - (created_at % ${DAY})`;
    const q = this.db('wh_deliveries')
      .select(this.db.raw(`${day} AS day_ms`), 'webhook_id', 'status')
      .count({ n: '*' })
      .where('created_at', '>=', since)
      .groupByRaw(`${day}, webhook_id, status`);
    if (webhookIds) q.whereIn('webhook_id', webhookIds);
    const rows = (await q) as unknown as { day_ms: number | string; webhook_id: number | string; status: string; n: number | string }[];
    return rows.map((r) => ({
      day: new Date(Number(r.day_ms)).toISOString().slice(0, 10),
      webhookId: Number(r.webhook_id),
      status: r.status as DeliveryStatus,
      count: Number(r.n),
    }));
  }

  async sentSince(webhookIds: number[], since: number): Promise<Map<number, { deliveries: number; requests: number }>> {
    const out = new Map<number, { deliveries: number; requests: number }>();
    if (!webhookIds.length) return out;
    const rows: { webhook_id: number | string; id: number | string; batch_id: string | null }[] = await this.db('wh_deliveries')
      .select('webhook_id', 'id', 'batch_id')
      .whereIn('webhook_id', webhookIds)
      .where('status', 'delivered')
      .where('delivered_at', '>=', since);
    const requests = new Map<number, Set<string>>();
    for (const r of rows) {
      const id = Number(r.webhook_id);
      const seen = requests.get(id) ?? new Set<string>();
      // One request per batch id; a delivery sent alone is a request of its own.
      seen.add(r.batch_id ?? `row ${r.id}`);
      requests.set(id, seen);
      out.set(id, { deliveries: (out.get(id)?.deliveries ?? 0) + 1, requests: 0 });
    }
    for (const [id, seen] of requests) out.get(id)!.requests = seen.size;
    return out;
  }

  async lastPerWebhook(webhookIds: number[]): Promise<Map<number, DeliverySummary>> {
    if (!webhookIds.length) return new Map();
    const latest = this.db('wh_deliveries').max({ id: 'id' }).whereIn('webhook_id', webhookIds).groupBy('webhook_id');
    const rows: DeliveryRow[] = await this.db('wh_deliveries').select(summaryColumns).whereIn('id', latest);
    return new Map(rows.map((r) => [Number(r.webhook_id), summary(r)]));
  }
}
