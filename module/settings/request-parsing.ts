/** Small, strict parsers of path params and query strings; errors name the field. */
import { isEventName, type EventName } from '../../sdk/events.js';
import type { AdminRequest, Locale, Translator } from '../../sdk/module-context.js';
import { deliveryStatuses, type DeliveryFilter, type DeliveryStatus } from './ports.js';
import type { FieldError } from './webhook-input.js';

export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export function parseId(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,15}$/.test(raw)) return null;
  const n = Number(raw);
  return n > 0 ? n : null;
}

function one(req: AdminRequest, key: string): string | undefined {
  const v = req.query[key];
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** `2026-11-29`, an ISO date-time, or epoch ms. `endOfDay` makes a bare date inclusive. */
function parseDate(field: string, raw: string, endOfDay: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const t = Date.parse(raw + 'T00:00:00Z');
    if (Number.isNaN(t)) throw new InputError(field, 'date');
    return endOfDay ? t + 86_400_000 : t;
  }
  if (/^\d{10,15}$/.test(raw)) return Number(raw);
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new InputError(field, 'date');
  return t;
}

export function parseDeliveryFilter(req: AdminRequest): DeliveryFilter {
  const f: DeliveryFilter = { page: 1, perPage: 25 };
  const webhook = one(req, 'webhook');
  if (webhook !== undefined) {
    const id = parseId(webhook);
    if (id === null) throw new InputError('webhook', 'id');
    f.webhookId = id;
  }
  const event = one(req, 'event');
  if (event !== undefined) {
    if (!isEventName(event)) throw new InputError('event', 'event');
    f.event = event as EventName;
  }
  const status = one(req, 'status');
  if (status !== undefined) {
    if (!deliveryStatuses.includes(status as DeliveryStatus)) throw new InputError('status', 'choice');
    f.status = status as DeliveryStatus;
  }
  const from = one(req, 'from');
  if (from !== undefined) f.from = parseDate('from', from, false);
  const to = one(req, 'to');
  if (to !== undefined) f.to = parseDate('to', to, true);
  if (f.from !== undefined && f.to !== undefined && f.to <= f.from) throw new InputError('to', 'date_order');
  const page = one(req, 'page');
  if (page !== undefined) {
    if (!/^\d{1,6}$/.test(page) || Number(page) < 1) throw new InputError('page', 'page');
    f.page = Number(page);
  }
  const perPage = one(req, 'perPage');
  if (perPage !== undefined) {
    if (!/^\d{1,3}$/.test(perPage) || Number(perPage) < 1 || Number(perPage) > 100) throw new InputError('perPage', 'per_page');
    f.perPage = Number(perPage);
  }
  return f;
}

/** A reason key under `settings.errors.*` in the admin's language; unknown keys pass through. */
export function translateReason(reason: string, t: Translator['t'], locale: Locale): string {
  if (reason.startsWith('unknown_field:'))
    return t('settings.errors.unknown_field', { fields: reason.slice('unknown_field:'.length) }, locale);
  const key = `settings.errors.${reason}`;
  const text = t(key, {}, locale);
  return text === key ? reason : text;
}

export function translateErrors(errors: FieldError[], t: Translator['t'], locale: Locale): FieldError[] {
  return errors.map((e) => ({ field: e.field, reason: translateReason(e.reason, t, locale) }));
}
