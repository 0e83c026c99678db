/**
 * Operational events: the module's alerts about its own webhooks (`webhooks.disabled`,
 * `webhooks.paused`, `webhooks.delivery_failed`, `webhooks.recovered`), raised from the edges of
 * the delivery engine — the dispatcher's `onWebhookDead` hook, and the outbox writes it makes
 * (`observeOutbox` wraps the store it is given) — and persisted through the same intake as the
 * host's events, then fanned out to the webhooks listening to them.
 *
 * No loop, no flood:
 * - an alert about webhook W is never sent to W (the event's `aboutWebhook`, webhook-filter.ts);
 * - a delivery of an operational event that gives up raises nothing (two failing alert targets
 *   would otherwise tell each other about each other forever);
 * - per webhook and kind, at most one alert per window (default 1 h, wh_ops_alerts shared by every
 *   host process): a dead target during a sale gives one `delivery_failed`, whose `failures` the
 *   next alert after the window completes; `recovered` is raised only after an alert was, so a
 *   webhook refusing one body in two gives at most one failed/recovered pair per window.
 */
import type { Knex } from 'knex';
import { validateEvent, type EventMap, type OpsEventName } from '../../sdk/events.js';
import type { Clock, Logger } from '../../sdk/module-context.js';
import { definitionOf } from '../events/index.js';
import { dbKindOf } from '../storage/db-kind.js';
import type { Webhook } from '../webhooks/webhook.js';
import type { DeliveryStore, QueuedDelivery, Success } from './delivery-store.js';

const ALERTS = 'wh_ops_alerts';
const DELIVERIES = 'wh_deliveries';

export interface OpsAlertsDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** The intake's accept: persists the event, then wakes the fan-out. */
  raise<K extends OpsEventName>(event: K, payload: EventMap[K]): Promise<void>;
  /**
   * Tells the host's notifications about a given-up delivery or a recovery, as coalesced as the
   * events (a disabled or paused webhook is told by the dispatcher's hook already).
   */
  notify?(
    event: 'webhooks.delivery_failed' | 'webhooks.recovered',
    payload: EventMap['webhooks.delivery_failed' | 'webhooks.recovered'],
  ): Promise<void>;
  webhooks: { get(id: number): Promise<Webhook | null> };
  /** At most one alert per webhook and kind in this window (default 1 h). */
  windowMs?: number;
  /** How long this process trusts its list of failing webhooks (default 5 s). */
  failingRefreshMs?: number;
}

type AlertColumn = 'failed_alert_at' | 'disabled_alert_at' | 'paused_alert_at';

interface AlertRow {
  webhook_id: number;
  failing_since: number | string | null;
  failures: number | string;
  unreported: number | string;
  failed_alert_at: number | string | null;
  disabled_alert_at: number | string | null;
  paused_alert_at: number | string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
/** A reason as the schemas take it (a platform's answer can be long). */
const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export class OpsAlerts {
  private readonly windowMs: number;
  private readonly refreshMs: number;
  private readonly pending = new Set<Promise<unknown>>();
  private failing = new Set<number>();
  private failingReadAt = -Infinity;
  private failingRead: Promise<void> | null = null;

  constructor(private readonly deps: OpsAlertsDeps) {
    this.windowMs = deps.windowMs ?? 3_600_000;
    this.refreshMs = deps.failingRefreshMs ?? 5000;
  }

  /** The dispatcher disabled (`gone`) or paused (`rate_limited`) a webhook. */
  webhookDead(webhook: Webhook, reason: string, cause: 'gone' | 'rate_limited'): Promise<void> {
    const event = cause === 'gone' ? 'webhooks.disabled' : 'webhooks.paused';
    return this.track(
      this.once(webhook.id, cause === 'gone' ? 'disabled_alert_at' : 'paused_alert_at', 0, async () => {
        await this.raise(event, { ...this.envelope(event, webhook.id), webhook: ref(webhook), reason: cut(reason, 2000) });
      }),
    );
  }

  /**
   * The outbox as the dispatcher should see it: the same store, whose writes of given-up rows and
   * of successes are told to this (after they are written, never holding the dispatcher up).
   */
  observeOutbox(store: DeliveryStore): DeliveryStore {
    const overrides: Partial<DeliveryStore> = {
      failed: async (updates, attempt, deadReason) => {
        await store.failed(updates, attempt, deadReason);
        const dead = updates.filter((u) => u.nextAt === null).map((u) => u.row);
        if (dead.length) void this.deliveriesDead(dead);
      },
      dead: async (rows, attempt) => {
        await store.dead(rows, attempt);
        void this.deliveriesDead(rows);
      },
      delivered: async (rows, batchId, attempt) => {
        await store.delivered(rows, batchId, attempt);
        this.delivered(rows);
      },
      deliveredMany: async (successes) => {
        await store.deliveredMany(successes);
        this.delivered(successes.flatMap((s) => s.rows));
      },
      claim: async (webhookId, now, limit, worker, lockedUntil, done?: Success[]) => {
        const claimed = await store.claim(webhookId, now, limit, worker, lockedUntil, done);
        if (done?.length) this.delivered(done.flatMap((s) => s.rows));
        return claimed;
      },
    };
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (Object.prototype.hasOwnProperty.call(overrides, prop)) return overrides[prop as keyof DeliveryStore];
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Given-up rows: one coalesced `webhooks.delivery_failed` per webhook (none for operational events). */
  deliveriesDead(rows: Pick<QueuedDelivery, 'id'>[]): Promise<void> {
    return this.track(
      (async () => {
        const read: {
          id: number | string;
          webhook_id: number | string;
          event_name: string;
          event_id: string;
          reference: string | null;
          attempts: number | string;
          last_error: string | null;
        }[] = await this.deps
          .db(DELIVERIES)
          .select('id', 'webhook_id', 'event_name', 'event_id', 'reference', 'attempts', 'last_error')
          .whereIn(
            'id',
            rows.map((r) => r.id),
          )
          .orderBy('id');
        // An alert that could not be delivered is not itself alerted about (no ping-pong between
        // two failing alert targets).
        const told = read.filter((r) => !definitionOf(r.event_name).aboutWebhook);
        const byWebhook = new Map<number, typeof told>();
        for (const r of told) byWebhook.set(Number(r.webhook_id), [...(byWebhook.get(Number(r.webhook_id)) ?? []), r]);
        for (const [webhookId, dead] of byWebhook) {
          const last = dead[dead.length - 1];
          await this.once(webhookId, 'failed_alert_at', dead.length, async (unreported) => {
            const webhook = await this.deps.webhooks.get(webhookId);
            if (!webhook) return;
            await this.raise('webhooks.delivery_failed', {
              ...this.envelope('webhooks.delivery_failed', webhookId),
              webhook: ref(webhook),
              reason: cut(last.last_error ?? 'gave up', 2000),
              failures: unreported,
              delivery: {
                id: Number(last.id),
                event: last.event_name,
                eventId: last.event_id,
                reference: last.reference,
                attempts: Number(last.attempts),
              },
            });
          });
        }
      })(),
    );
  }

  /** Rows were delivered: a webhook that was failing (an alert was raised) is told recovered, once. */
  delivered(rows: Pick<QueuedDelivery, 'webhookId'>[]): void {
    const ids = [...new Set(rows.map((r) => r.webhookId))];
    if (this.deps.clock.now() - this.failingReadAt < this.refreshMs && !ids.some((id) => this.failing.has(id))) return;
    void this.track(
      (async () => {
        await this.readFailing();
        for (const id of ids) if (this.failing.has(id)) await this.recovered(id);
      })(),
    );
  }

  /** Waits for the alerts in progress (stop, tests). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async recovered(webhookId: number): Promise<void> {
    const kind = dbKindOf(this.deps.db);
    const was = await this.deps.db.transaction(async (trx) => {
      const q = trx(ALERTS).where('webhook_id', webhookId).whereNotNull('failing_since').first<AlertRow | undefined>();
      const row = await (kind === 'sqlite' ? q : q.forUpdate());
      if (!row) return null;
      // The delivery_failed window is kept: a webhook refusing one body in two is not a flood of pairs.
      await trx(ALERTS)
        .where('webhook_id', webhookId)
        .update({ failing_since: null, failures: 0, disabled_alert_at: null, paused_alert_at: null, updated_at: this.deps.clock.now() });
      return row;
    });
    this.failing.delete(webhookId);
    if (!was) return;
    const webhook = await this.deps.webhooks.get(webhookId);
    if (!webhook) return;
    await this.raise('webhooks.recovered', {
      ...this.envelope('webhooks.recovered', webhookId),
      webhook: ref(webhook),
      failingSince: new Date(num(was.failing_since)!).toISOString(),
      failures: Number(was.failures),
    });
  }

  /**
   * The coalescing decision, in one transaction with the webhook's row locked (every process
   * agrees): `count` more given-up deliveries are counted; when `column`'s last alert is older
   * than the window, `alert` runs with the deliveries not reported yet, and the webhook is failing.
   */
  private async once(webhookId: number, column: AlertColumn, count: number, alert: (unreported: number) => Promise<void>): Promise<void> {
    const now = this.deps.clock.now();
    const db = this.deps.db;
    const kind = dbKindOf(db);
    await db(ALERTS).insert({ webhook_id: webhookId, failures: 0, unreported: 0, updated_at: now }).onConflict('webhook_id').ignore();
    const decided = await db.transaction(async (trx) => {
      const q = trx(ALERTS).where('webhook_id', webhookId).first<AlertRow | undefined>();
      const row = await (kind === 'sqlite' ? q : q.forUpdate());
      if (!row) return null;
      const last = num(row[column]);
      const unreported = Number(row.unreported) + count;
      const failingSince = num(row.failing_since);
      const due = last === null || now - last >= this.windowMs;
      const counted = column === 'failed_alert_at';
      await trx(ALERTS)
        .where('webhook_id', webhookId)
        .update({
          // Counted from the first alert: what was given up while not failing is in `unreported`.
          failures: failingSince === null ? (due ? count : 0) : Number(row.failures) + count,
          ...(counted ? { unreported: due ? 0 : unreported } : {}),
          failing_since: failingSince ?? (due ? now : null),
          ...(due ? { [column]: now } : {}),
          updated_at: now,
        });
      return due ? { unreported } : null;
    });
    if (!decided) return;
    this.failing.add(webhookId);
    await alert(decided.unreported);
  }

  private async readFailing(): Promise<void> {
    if (this.deps.clock.now() - this.failingReadAt < this.refreshMs) return;
    this.failingRead ??= (async () => {
      try {
        const rows: { webhook_id: number | string }[] = await this.deps.db(ALERTS).select('webhook_id').whereNotNull('failing_since');
        this.failing = new Set(rows.map((r) => Number(r.webhook_id)));
        this.failingReadAt = this.deps.clock.now();
      } finally {
        this.failingRead = null;
      }
    })();
    await this.failingRead;
  }

  private envelope(event: OpsEventName, webhookId: number): { eventId: string; occurredAt: string } {
    const now = this.deps.clock.now();
    return { eventId: `${event}:${webhookId}:${now}`, occurredAt: new Date(now).toISOString() };
  }

  /** Validated like a host's event (a bug here is logged, never thrown into the dispatcher). */
  private async raise<K extends OpsEventName>(event: K, payload: EventMap[K]): Promise<void> {
    const checked = validateEvent(event, payload);
    if (!checked.ok) {
      this.deps.logger.error(`webhooks: operational event ${event} not raised`, { issues: checked.issues });
      return;
    }
    await this.deps.raise(event, checked.value);
    if (event === 'webhooks.delivery_failed' || event === 'webhooks.recovered')
      await this.deps.notify?.(event, checked.value as EventMap['webhooks.delivery_failed' | 'webhooks.recovered']);
  }

  private track(work: Promise<void>): Promise<void> {
    const p = work.catch((err: Error) => this.deps.logger.error('webhooks: could not raise an operational event', { error: err.message }));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }
}

/** The webhook as an alert names it: never its URL, only the masked hint. */
function ref(webhook: Webhook): EventMap['webhooks.disabled']['webhook'] {
  return { id: webhook.id, name: cut(webhook.name, 200), platform: webhook.platform, urlHint: cut(webhook.urlHint, 300) };
}
