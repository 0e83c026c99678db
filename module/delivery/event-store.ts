/**
 * wh_events: each validated event, persisted once by the host's emit and kept until fan-out has
 * replaced it with its delivery rows (in the same transaction), so an event is never lost
 * between the two: a row left by a crash is fanned out by the next process. wh_worker_leases:
 * the fan-out lease, held by one worker across every host process at a time.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Knex } from 'knex';
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { DeliveryStore, NewDelivery } from './delivery-store.js';
import { storedEventId } from './knex-delivery-store.js';

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

/**
 * A payload past this many UTF-16 units is stored gzipped: writing 2 MB of JSON text is a
 * synchronous 15-35 ms on SQLite (better-sqlite3 and node:sqlite run on the host's thread), and
 * sending it to PostgreSQL makes its insert 8-20 ms (measured with the 1 MB hostile tickets).
 */
const COMPRESS_ABOVE_UNITS = 64 * 1024;
/** Marks a gzipped payload in the text column: `gz:` + base64. A JSON text never starts with `g`. */
const GZIP_MARK = 'gz:';
const gunzip = promisify(zlib.gunzip);

/**
 * The stored text of a payload's JSON: as is, or compressed when large. Compressed on the calling
 * thread: the schemas cap a payload (1,000,000 characters of ticket content, a few MB of JSON at
 * most), and gzip's fastest level takes about 1 ms per MB here, where a trip through libuv's
 * thread pool took 1.5 to 24 ms within the host's emit, queued behind the pool's other work.
 */
export function encodePayload(json: string): string {
  if (json.length <= COMPRESS_ABOVE_UNITS) return json;
  return GZIP_MARK + zlib.gzipSync(json, { level: zlib.constants.Z_BEST_SPEED }).toString('base64');
}

/** The payload's JSON text back from what encodePayload stored. */
export async function decodePayload(stored: string): Promise<string> {
  if (!stored.startsWith(GZIP_MARK)) return stored;
  return (await gunzip(Buffer.from(stored.slice(GZIP_MARK.length), 'base64'))).toString('utf8');
}

/** Payloads this process persisted and has not fanned out yet, kept so fan-out need not parse them again. */
const HANDOFF_MAX_EVENTS = 1000;
const HANDOFF_MAX_UNITS = 64_000_000;

export class EventStore {
  /**
   * The validated payloads this process wrote, by event name and stored id, until fanned out:
   * reading a 1 MB payload back means parsing it on the event loop (60 ms for one full of escaped
   * characters). Bounded; after a restart, or for another process's events, the row is parsed.
   */
  private readonly handoff = new Map<string, { payload: AnyEventPayload; units: number }>();
  private handoffUnits = 0;

  constructor(
    private readonly db: Knex,
    private readonly outbox: DeliveryStore,
    private readonly now: () => number,
    /** False where no fan-out runs beside this store (the host's thread when the engine has its own): nothing to hand off to. */
    private readonly handsOff = true,
  ) {}

  /** The host's emit waits for this one insert. */
  async add(event: EventName, payload: AnyEventPayload): Promise<void> {
    const json = JSON.stringify(payload);
    const eventId = storedEventId(payload.eventId);
    const stored = encodePayload(json);
    await this.db(EVENTS).insert({ event_name: event, event_id: eventId, payload: stored, attempts: 0, created_at: this.now() });
    if (this.handsOff) this.keep(`${event}\n${eventId}`, payload, json.length);
  }

  private keep(key: string, payload: AnyEventPayload, units: number): void {
    this.forget(key);
    this.handoff.set(key, { payload, units });
    this.handoffUnits += units;
    // Oldest first out: they belong to events another process may have fanned out meanwhile.
    for (const [old, entry] of this.handoff) {
      if (this.handoff.size <= HANDOFF_MAX_EVENTS && this.handoffUnits <= HANDOFF_MAX_UNITS) break;
      this.handoff.delete(old);
      this.handoffUnits -= entry.units;
    }
  }

  private forget(key: string): void {
    const entry = this.handoff.get(key);
    if (!entry) return;
    this.handoff.delete(key);
    this.handoffUnits -= entry.units;
  }

  /** The oldest events not yet fanned out (after `afterRowId`: the ones read ahead), in the order they were persisted. */
  async oldest(limit: number, afterRowId = 0): Promise<StoredEvent[]> {
    const rows: { id: number | string; event_name: string; event_id: string; attempts: number | string }[] = await this.db(EVENTS)
      .select('id', 'event_name', 'event_id', 'attempts')
      .where('id', '>', afterRowId)
      .orderBy('id', 'asc')
      .limit(limit);
    const known = (r: { event_name: string; event_id: string }) => this.handoff.get(`${r.event_name}\n${r.event_id}`)?.payload;
    const missing = rows.filter((r) => !known(r)).map((r) => Number(r.id));
    const stored = new Map<number, string>();
    if (missing.length) {
      const texts: { id: number | string; payload: string }[] = await this.db(EVENTS).select('id', 'payload').whereIn('id', missing);
      for (const t of texts) stored.set(Number(t.id), t.payload);
    }
    const out: StoredEvent[] = [];
    for (const r of rows) {
      let payload: AnyEventPayload | null = known(r) ?? null;
      if (!payload) {
        try {
          payload = JSON.parse(await decodePayload(stored.get(Number(r.id)) ?? '')) as AnyEventPayload;
        } catch {
          payload = null;
        }
      }
      out.push({ rowId: Number(r.id), event: r.event_name as EventName, eventId: r.event_id, payload, attempts: Number(r.attempts) });
    }
    return out;
  }

  async anyPending(): Promise<boolean> {
    return (await this.db(EVENTS).select('id').limit(1)).length > 0;
  }

  async pending(): Promise<number> {
    const row = await this.db(EVENTS).count<{ n: number | string }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /** One transaction: the events' delivery rows written (duplicates ignored), the events removed. */
  async complete(events: StoredEvent[], deliveries: NewDelivery[]): Promise<void> {
    if (events.length === 0) return;
    await this.outbox.enqueueWith(deliveries, (db: Knex) =>
      db(EVENTS)
        .whereIn(
          'id',
          events.map((e) => e.rowId),
        )
        .delete(),
    );
    for (const e of events) this.forget(`${e.event}\n${e.eventId}`);
  }

  /** Counts a refused fan-out of one event; returns its refusals so far. */
  async refused(rowId: number, error: string): Promise<number> {
    await this.db(EVENTS)
      .where('id', rowId)
      .update({ attempts: this.db.raw('attempts + 1'), last_error: error.slice(0, 2000) });
    const row = await this.db(EVENTS).select('attempts').where('id', rowId).first();
    return Number(row?.attempts ?? 0);
  }

  async drop(event: StoredEvent): Promise<void> {
    await this.db(EVENTS).where('id', event.rowId).delete();
    this.forget(`${event.event}\n${event.eventId}`);
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
