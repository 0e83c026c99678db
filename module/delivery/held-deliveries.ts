/**
 * The deliveries a paused webhook holds. Pausing does not stop the fan-out (webhook-store.ts
 * `listeningTo`): rows are written as usual and wait, because the dispatcher only leases the
 * lanes of enabled webhooks and claims only their rows (knex-delivery-store.ts `laneCandidates`,
 * `claim`). On resume they go out in id order, the events' order. This store counts them for the list, discards them when the admin resumes
 * without them, and bounds them by the retention. It only reads and updates rows by status, so
 * it stays out of the outbox's own claim / complete statements.
 */
import type { Knex } from 'knex';

const DELIVERIES = 'wh_deliveries';
const WEBHOOKS = 'wh_webhooks';
/** Rows still to be sent (not `sending`: a turn in flight finishes on its own). */
const WAITING = ['pending', 'failed'];

/** `last_error` of a row discarded on resume, and of one that waited past the retention. */
export const DISCARDED_ON_RESUME = 'discarded: the admin resumed the webhook without what waited while it was paused';
export const EXPIRED_WHILE_PAUSED = 'expired: the webhook stayed paused longer than the retention';

export interface HeldDeliveryStore {
  /** Rows waiting per webhook, for the given ids (absent: none). */
  waiting(webhookIds: number[]): Promise<Map<number, number>>;
  /** The webhook's waiting rows become `dead` with DISCARDED_ON_RESUME; returns how many. */
  discard(webhookId: number): Promise<number>;
  /** Paused webhooks' waiting rows created more than `olderThanDays` ago become `dead`; returns how many. */
  expire(olderThanDays: number): Promise<number>;
}

export class KnexHeldDeliveryStore implements HeldDeliveryStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
  ) {}

  async waiting(webhookIds: number[]): Promise<Map<number, number>> {
    const ids = [...new Set(webhookIds)];
    if (ids.length === 0) return new Map();
    const rows: { webhook_id: number | string; n: number | string }[] = await this.db(DELIVERIES)
      .select('webhook_id')
      .count({ n: '*' })
      .whereIn('webhook_id', ids)
      .whereIn('status', WAITING)
      .groupBy('webhook_id');
    return new Map(rows.map((r) => [Number(r.webhook_id), Number(r.n)]));
  }

  async discard(webhookId: number): Promise<number> {
    return this.kill(this.db(DELIVERIES).where('webhook_id', webhookId), DISCARDED_ON_RESUME);
  }

  async expire(olderThanDays: number): Promise<number> {
    if (!(olderThanDays > 0)) throw new RangeError(`expire: olderThanDays must be > 0, got ${olderThanDays}`);
    // Paused by the admin: off without a reason (a webhook the dispatcher turned off keeps its queue).
    const paused = this.db(WEBHOOKS).select('id').where({ enabled: false }).whereNull('disabled_reason');
    return this.kill(
      this.db(DELIVERIES)
        .whereIn('webhook_id', paused)
        .where('created_at', '<', this.now() - olderThanDays * 86_400_000),
      EXPIRED_WHILE_PAUSED,
    );
  }

  /** Dead rows are kept for the log (and a replay), then pruned with the other finished rows. */
  private async kill(rows: Knex.QueryBuilder, reason: string): Promise<number> {
    const at = this.now();
    return rows
      .whereIn('status', WAITING)
      .update({ status: 'dead', last_error: reason, next_attempt_at: at, locked_by: null, locked_until: null, updated_at: at });
  }
}
