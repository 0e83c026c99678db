/**
 * What must hold after the week, computed from what the receivers recorded and the database's
 * rows (never from the module's counters alone):
 *  - every emitted event reached each webhook it matches exactly once, or its row is dead with a
 *    reason, or the webhook was turned off by its target (deleted) with the row held or never made;
 *  - duplicates (an event received twice by one webhook) at most the rows in flight at a kill,
 *    a connection drop or the clock jump;
 *  - no receiver's rate limit exceeded (a 429 the receiver gave on its own, not as a scheduled
 *    fault), except at the clock jump: a wall clock stepping a day ahead ends every wait the
 *    lanes dated by it, so each lane may send one request early there (bounded, reported apart);
 *  - no retry storm (failed requests per webhook per minute);
 *  - messages arrive in the order of their rows, per webhook (the module promises it);
 *  - a row marked delivered was received, and a message received has its row delivered.
 */
import type { Knex } from 'knex';
import { definitionOf } from '../../module/events/index.js';
import type { WebhookFilters } from '../../module/webhooks/webhook.js';
import type { ReceivedRequest } from '../support/sink-server.js';
import { markersIn, type SoakEvent, type SoakWebhook } from './soak-world.js';

/** Failed requests (non-2xx, resets, hangs) one webhook may take in one minute before it counts as a storm. */
export const STORM_FAILURES_PER_MINUTE = 60;

export interface WebhookRecord {
  webhook: SoakWebhook;
  events: string[];
  filters: WebhookFilters;
  disabledReason: string | null;
  requests: ReceivedRequest[];
}

/** After the clock jump (real time), how long the lanes' early requests are counted apart. */
export const JUMP_WINDOW_MS = 3000;

interface DeliveryRow {
  id: number;
  webhook_id: number;
  event_id: string;
  status: string;
  last_error: string | null;
}

export interface Verdict {
  events: number;
  deliveries: number;
  lost: { eventId: string; webhook: number; row: string }[];
  duplicates: number;
  duplicateEvents: string[];
  deadWithReason: number;
  heldByDeletedWebhook: number;
  unexpected: { eventId: string; webhook: number }[];
  receivedNotDelivered: { eventId: string; webhook: number; row: string }[];
  limitBreaches: number;
  /** Receiver 429s within JUMP_WINDOW_MS after the clock jump, and their bound (one per webhook). */
  atClockJump: { breaches: number; webhooks: number[] };
  storms: { webhook: number; minute: number; failures: number }[];
  orderBreaks: { webhook: number; eventId: string; after: string }[];
  perWebhook: Record<number, { platform: string; expected: number; received: number; requests: number; failedRequests: number }>;
  /** Every request of a webhook where an invariant broke: seconds since the start, answer, fault played, events carried. */
  trails: Record<number, { s: number; status: number; fault?: string; events: string[] }[]>;
}

export async function checkWeek(
  db: Knex,
  emitted: SoakEvent[],
  hooks: WebhookRecord[],
  times: { startedAt: number; clockJumpAt: number | null },
): Promise<Verdict> {
  const { startedAt, clockJumpAt } = times;
  const rows: DeliveryRow[] = await db('wh_deliveries').select('id', 'webhook_id', 'event_id', 'status', 'last_error');
  const rowOf = new Map(rows.map((r) => [`${r.webhook_id}|${r.event_id}`, r]));
  const byMarker = new Map<string, SoakEvent>();
  for (const e of emitted) {
    byMarker.set(`${e.family}:${e.markerId}`, e);
    byMarker.set(`ev:${e.seq}`, e);
  }
  const v: Verdict = {
    events: emitted.length,
    deliveries: 0,
    lost: [],
    duplicates: 0,
    duplicateEvents: [],
    deadWithReason: 0,
    heldByDeletedWebhook: 0,
    unexpected: [],
    receivedNotDelivered: [],
    limitBreaches: 0,
    atClockJump: { breaches: 0, webhooks: [] },
    storms: [],
    orderBreaks: [],
    perWebhook: {},
    trails: {},
  };
  for (const h of hooks) {
    const id = h.webhook.id;
    const brokenBefore = v.lost.length + v.receivedNotDelivered.length + v.orderBreaks.length + v.storms.length + v.duplicates;
    const received = new Map<string, number>();
    const arrival: SoakEvent[] = [];
    const failuresPerMinute = new Map<number, number>();
    let breaches = 0;
    for (const r of h.requests) {
      if (r.status === 429 && !r.fault) {
        if (clockJumpAt !== null && r.at >= clockJumpAt && r.at < clockJumpAt + JUMP_WINDOW_MS) {
          v.atClockJump.breaches += 1;
          if (!v.atClockJump.webhooks.includes(id)) v.atClockJump.webhooks.push(id);
        } else breaches += 1;
      }
      if (r.status < 200 || r.status >= 300) {
        const minute = Math.floor(r.at / 60_000);
        failuresPerMinute.set(minute, (failuresPerMinute.get(minute) ?? 0) + 1);
        continue;
      }
      const inRequest = new Set<SoakEvent>();
      for (const k of markersIn(r.text)) {
        const e = byMarker.get(k);
        if (e) inRequest.add(e);
      }
      for (const e of inRequest) {
        const n = (received.get(e.eventId) ?? 0) + 1;
        received.set(e.eventId, n);
        if (n === 1) arrival.push(e);
      }
    }
    let expected = 0;
    for (const e of emitted) {
      const matches = h.events.includes(e.name) && definitionOf(e.name).matches(h.filters, e.payload);
      const got = received.get(e.eventId) ?? 0;
      const row = rowOf.get(`${id}|${e.eventId}`);
      if (!matches) {
        if (got > 0 || row) v.unexpected.push({ eventId: e.eventId, webhook: id });
        continue;
      }
      expected += 1;
      if (got > 0) {
        v.deliveries += 1;
        if (got > 1) {
          v.duplicates += got - 1;
          v.duplicateEvents.push(e.eventId);
        }
        if (row?.status !== 'delivered') v.receivedNotDelivered.push({ eventId: e.eventId, webhook: id, row: row?.status ?? 'none' });
      } else if (row?.status === 'dead' && row.last_error) v.deadWithReason += 1;
      else if (h.disabledReason && row?.status !== 'delivered') v.heldByDeletedWebhook += 1;
      else v.lost.push({ eventId: e.eventId, webhook: id, row: row ? row.status : 'no row' });
    }
    for (let i = 1; i < arrival.length; i++) {
      const prev = rowOf.get(`${id}|${arrival[i - 1].eventId}`);
      const cur = rowOf.get(`${id}|${arrival[i].eventId}`);
      if (prev && cur && Number(cur.id) < Number(prev.id))
        v.orderBreaks.push({ webhook: id, eventId: arrival[i].eventId, after: arrival[i - 1].eventId });
    }
    for (const [minute, failures] of failuresPerMinute)
      if (failures > STORM_FAILURES_PER_MINUTE) v.storms.push({ webhook: id, minute, failures });
    v.limitBreaches += breaches;
    const brokenAfter = v.lost.length + v.receivedNotDelivered.length + v.orderBreaks.length + v.storms.length + v.duplicates;
    if (brokenAfter > brokenBefore || breaches > 0)
      v.trails[id] = h.requests.map((r) => ({
        s: Math.round((r.at - startedAt) / 100) / 10,
        status: r.status,
        ...(r.fault ? { fault: r.fault } : {}),
        events: markersIn(r.text).map((k) => byMarker.get(k)?.eventId ?? k),
      }));
    v.perWebhook[id] = {
      platform: h.webhook.platform,
      expected,
      received: received.size,
      requests: h.requests.length,
      failedRequests: [...failuresPerMinute.values()].reduce((a, b) => a + b, 0),
    };
  }
  return v;
}
