/** Small, strict parsers of path params and query strings; errors name the field. */
import { z } from 'zod';
import type { EventName } from '../../sdk/events.js';
import { isKnownEvent } from '../events/index.js';
import type { AdminRequest, Locale, Translator } from '../../sdk/module-context.js';
import { deliveryStatuses, type DeliveryFilter, type DeliveryStatus } from './ports.js';
import type { WebhookPageQuery } from '../webhooks/webhook-store.js';
import { platforms } from '../webhooks/webhook.js';
import type { FieldError } from './webhook-input.js';
import { isPlatform, platformOf } from '../platforms/index.js';
import { optionPlatforms } from '../webhooks/option-platforms.js';

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

/**
 * `2026-11-29`, an ISO date-time with its offset, or epoch ms. `endOfDay` makes a bare date
 * inclusive. Dates are checked against the calendar (zod's ISO formats): `2026-02-30` is refused,
 * not rolled over to March 2 as `Date.parse` would.
 */
const isoDay = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
function parseDate(field: string, raw: string, endOfDay: boolean): number {
  if (isoDay.safeParse(raw).success) {
    const t = Date.parse(raw + 'T00:00:00Z');
    return endOfDay ? t + 86_400_000 : t;
  }
  if (/^\d{10,15}$/.test(raw)) return Number(raw);
  if (isoDateTime.safeParse(raw).success) return Date.parse(raw);
  throw new InputError(field, 'date');
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
    if (!isKnownEvent(event)) throw new InputError('event', 'event');
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
  const q = one(req, 'q');
  if (q !== undefined) f.reference = parseReference(q);
  return { ...f, ...parsePaging(req, f.perPage) };
}

/**
 * An order or ticket number as an admin types it: `1904`, `#1904`, `n° 1904`, `No. 1904` all
 * name the reference `1904`; at most 64 characters (what a delivery row keeps).
 */
export function parseReference(raw: string): string {
  const ref = raw
    .trim()
    .replace(/^(?:#|n°|no\.?|nº)\s*/i, '')
    .trim();
  if (ref === '') throw new InputError('q', 'reference_empty');
  if (ref.length > 64) throw new InputError('q', 'too_long');
  return ref;
}

/** `page` (from 1) and `perPage` (1 to 100); a bad value throws naming it. */
export function parsePaging(req: AdminRequest, defaultPerPage: number): { page: number; perPage: number } {
  const paging = { page: 1, perPage: defaultPerPage };
  const page = one(req, 'page');
  if (page !== undefined) {
    if (!/^\d{1,6}$/.test(page) || Number(page) < 1) throw new InputError('page', 'page');
    paging.page = Number(page);
  }
  const perPage = one(req, 'perPage');
  if (perPage !== undefined) {
    if (!/^\d{1,3}$/.test(perPage) || Number(perPage) < 1 || Number(perPage) > 100) throw new InputError('perPage', 'per_page');
    paging.perPage = Number(perPage);
  }
  return paging;
}

/** Longest name search accepted: a name is at most 200 characters (webhook-input.ts). */
export const MAX_SEARCH_LENGTH = 200;

/** `GET /webhooks`: paging plus `q`, part of the name (trimmed; blank = all). */
export function parseWebhookListQuery(req: AdminRequest): WebhookPageQuery {
  const q = one(req, 'q')?.trim();
  if (q !== undefined && q.length > MAX_SEARCH_LENGTH) throw new InputError('q', 'too_long');
  return { ...parsePaging(req, 50), ...(q ? { search: q } : {}), ...listFilters(req, true) };
}

/**
 * The list page's query, forgiving: a page typed by hand that is not a number opens page 1 (the
 * caller moves a page past the end to the last one) and a long search is cut, never an error page.
 */
export function webhookListPageQuery(req: AdminRequest, perPage: number): WebhookPageQuery {
  const raw = one(req, 'page');
  const page = raw !== undefined && /^\d{1,6}$/.test(raw) ? Math.max(1, Number(raw)) : 1;
  const q = one(req, 'q')?.trim().slice(0, MAX_SEARCH_LENGTH);
  return { page, perPage, ...(q ? { search: q } : {}), ...listFilters(req, false) };
}

type ListFilters = Pick<WebhookPageQuery, 'platform' | 'event' | 'state'>;
const webhookStates = ['active', 'paused', 'disabled'] as const;

/**
 * The list's platform, event and state filters. `strict` (the API): an unknown value is an error
 * naming the parameter; the page ignores it (a hand-edited link shows the whole list).
 */
function listFilters(req: AdminRequest, strict: boolean): ListFilters {
  const out: ListFilters = {};
  const checks: [keyof ListFilters, (v: string) => boolean][] = [
    ['platform', (v) => (platforms as readonly string[]).includes(v)],
    ['event', (v) => isKnownEvent(v)],
    ['state', (v) => (webhookStates as readonly string[]).includes(v)],
  ];
  for (const [key, known] of checks) {
    const v = one(req, key);
    if (v === undefined) continue;
    if (known(v)) (out as Record<string, string>)[key] = v;
    else if (strict) throw new InputError(key, key === 'state' ? 'choice' : key);
  }
  return out;
}

/** A reason key under `settings.errors.*` in the admin's language; unknown keys pass through. */
export function translateReason(reason: string, t: Translator['t'], locale: Locale): string {
  if (reason.startsWith('condition:')) {
    const p = JSON.parse(reason.slice('condition:'.length)) as { event?: string; line: number; column: number; message: string };
    const vars = { line: p.line, column: p.column, message: p.message, event: p.event ?? '' };
    return t(p.event ? 'settings.errors.condition_event' : 'settings.errors.condition', vars, locale);
  }
  if (reason.startsWith('url_not_platform:')) {
    const p = JSON.parse(reason.slice('url_not_platform:'.length)) as { platform: string; shape: string };
    return t('settings.errors.url_not_platform', p, locale);
  }
  if (reason.startsWith('not_for_platform:')) {
    // `not_for_platform:<platform>:<option>`: the platform chosen, and the ones the option is of.
    const [platform, option] = reason.slice('not_for_platform:'.length).split(':');
    const name = (id: string) => (isPlatform(id) ? platformOf(id).name : id);
    const readers = (optionPlatforms[option] ?? []).map(name).join(', ');
    return t('settings.errors.not_for_platform', { platform: name(platform), platforms: readers }, locale);
  }
  if (reason.startsWith('unknown_field:'))
    return t('settings.errors.unknown_field', { fields: reason.slice('unknown_field:'.length) }, locale);
  const key = `settings.errors.${reason}`;
  const text = t(key, {}, locale);
  return text === key ? reason : text;
}

export function translateErrors(errors: FieldError[], t: Translator['t'], locale: Locale): FieldError[] {
  return errors.map((e) => ({ field: e.field, reason: translateReason(e.reason, t, locale) }));
}
