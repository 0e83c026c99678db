/**
 * wh_events: each validated event, persisted once by the host's emit and kept until fan-out has
 * replaced it with its delivery rows (in the same transaction), so an event is never lost
 * between the two: a row left by a crash is fanned out by the next process. wh_worker_leases:
 * the fan-out lease, held by one worker across every host process at a time.
 */
import type { Knex } from 'knex';
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import { OutboxStore, storedEventId, type NewDelivery } from './outbox-store.js';

const EVENTS = 'wh_events';
const LEASES = 'wh_worker_leases';
export const FAN_OUT_LEASE = 'fan-out';

export interface StoredEvent {
  rowId: number;
  event: EventName;
  eventId: string;
  /** null when the stored text cannot be read back (never written so by this module). */
  payload: AnyEventPayload | null;
  attempts: number;
}

export class EventStore {
  constructor(
    private readonly db: Knex,
    private readonly outbox: OutboxStore,
    private readonly now: () => number,
  ) {}

  /** The host's emit waits for this one insert. */
  async add(event: EventName, payload: AnyEventPayload): Promise<void> {
    await this.db(EVENTS).insert({
      event_name: event,
      event_id: storedEventId(payload.eventId),
      payload: JSON.stringify(payload),
      attempts: 0,
      created_at: this.now(),
    });
  }

  /** The oldest events not yet fanned out, in the order they were persisted. */
  async oldest(limit: number): Promise<StoredEvent[]> {
    const rows: { id: number | string; event_name: string; event_id: string; payload: string; attempts: number | string }[] = await this.db(
      EVENTS,
    )
      .select('id', 'event_name', 'event_id', 'payload', 'attempts')
      .orderBy('id', 'asc')
      .limit(limit);
    return rows.map((r) => {
      let payload: AnyEventPayload | null;
      try {
        payload = JSON.parse(r.payload) as AnyEventPayload;
      } catch {
        payload = null;
      }
      return { rowId: Number(r.id), event: r.event_name as EventName, eventId: r.event_id, payload, attempts: Number(r.attempts) };
    });
  }

  async anyPending(): Promise<boolean> {
    return (await this.db(EVENTS).select('id').limit(1)).length > 0;
  }

  async pending(): Promise<number> {
    const row = await this.db(EVENTS).count<{ n: number | string }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /** One transaction: the events' delivery rows written (duplicates ignored), the events removed. */
  async complete(rowIds: number[], deliveries: NewDelivery[]): Promise<void> {
    if (rowIds.length === 0) return;
    await this.db.transaction(async (trx) => {
      await this.outbox.enqueue(deliveries, trx);
      await trx(EVENTS).whereIn('id', rowIds).delete();
    });
  }

  /** Counts a refused fan-out of one event; returns its refusals so far. */
  async refused(rowId: number, error: string): Promise<number> {
    await this.db(EVENTS)
      .where('id', rowId)
      .update({ attempts: this.db.raw('attempts + 1'), last_error: error.slice(0, 2000) });
    const row = await this.db(EVENTS).select('attempts').where('id', rowId).first();
    return Number(row?.attempts ?? 0);
  }

  async drop(rowId: number): Promise<void> {
    await this.db(EVENTS).where('id', rowId).delete();
  }

  /** Takes (or renews) the fan-out lease; false while another worker holds it. */
  async lease(worker: string, now: number, leaseMs: number): Promise<boolean> {
    const n = await this.db(LEASES)
      .where('name', FAN_OUT_LEASE)
      .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<', now).orWhere('locked_by', worker))
      .update({ locked_by: worker, locked_until: now + leaseMs });
    return n > 0;
  }

  async release(worker: string): Promise<void> {
    await this.db(LEASES).where({ name: FAN_OUT_LEASE, locked_by: worker }).update({ locked_by: null, locked_until: null });
  }
}
