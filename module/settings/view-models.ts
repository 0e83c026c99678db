/** Plain objects the nunjucks views read: formatted dates, labels, chart geometry, form values. */
import type { Locale, Translator } from '../../sdk/module-context.js';
import { defaultFilters, defaultOptions, templateFamilies, type TemplateFamily, type Webhook } from '../webhooks/webhook.js';
import { knownEventNames } from '../events/index.js';
import { eventTemplateField, templateField } from './webhook-input.js';
import type { AuditEntry } from './audit-store.js';
import { plural } from './plural-words.js';
import type { DailyCount, DeliveryStatus } from './ports.js';

const DAY = 86_400_000;

export function dateFormatter(locale: Locale, timeZone: string): (ms: number | null | undefined) => string {
  const f = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return (ms) => (ms === null || ms === undefined ? '' : f.format(new Date(ms)));
}

export interface ChartBar {
  x: number;
  day: string;
  title: string;
  segments: { y: number; height: number; status: DeliveryStatus; count: number }[];
}

export interface ChartModel {
  width: number;
  barWidth: number;
  height: number;
  bars: ChartBar[];
  total: number;
  max: number;
}

const chartOrder: DeliveryStatus[] = ['delivered', 'failed', 'dead', 'pending', 'sending'];

export const startOfUtcDay = (ms: number) => Math.floor(ms / DAY) * DAY;

/** The first of the 14 UTC days the charts draw (the list page's and the API's `/stats`), ending today. */
export const chartSince = (now: number) => startOfUtcDay(now) - 13 * DAY;

/** Last 14 UTC days of one webhook's deliveries, stacked by status, as SVG rectangle geometry. */
export function chartFor(webhookId: number, counts: DailyCount[], since: number, t: Translator['t'], locale: Locale): ChartModel {
  const barWidth = 9;
  const gap = 3;
  const height = 40;
  const days = Array.from({ length: 14 }, (_, i) => new Date(since + i * DAY).toISOString().slice(0, 10));
  const perDay = days.map((day) => {
    const byStatus = new Map<DeliveryStatus, number>();
    for (const c of counts) if (c.webhookId === webhookId && c.day === day) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + c.count);
    return { day, byStatus, total: [...byStatus.values()].reduce((a, b) => a + b, 0) };
  });
  const max = Math.max(1, ...perDay.map((d) => d.total));
  const bars = perDay.map((d, i): ChartBar => {
    let y = height;
    const segments = chartOrder
      .filter((s) => (d.byStatus.get(s) ?? 0) > 0)
      .map((status) => {
        const count = d.byStatus.get(status)!;
        const h = Math.max(2, Math.round((count / max) * height));
        y -= h;
        return { y, height: h, status, count };
      });
    const parts = chartOrder.filter((s) => d.byStatus.get(s)).map((s) => `${t(`settings.status.${s}`, {}, locale)}: ${d.byStatus.get(s)}`);
    return {
      x: i * (barWidth + gap),
      day: d.day,
      title: `${d.day} — ${parts.length ? parts.join(', ') : t('settings.chart.none', {}, locale)}`,
      segments,
    };
  });
  return { width: 14 * (barWidth + gap) - gap, barWidth, height, bars, total: perDay.reduce((a, d) => a + d.total, 0), max };
}

/** One line describing an audit entry's details (never a URL: the service stores hints only). */
export function describeAudit(e: AuditEntry, t: Translator['t'], locale: Locale): string {
  const d = e.details;
  const parts: string[] = [];
  if (typeof d.name === 'string') parts.push(d.name);
  if (Array.isArray(d.changed) && d.changed.length) {
    parts.push(
      t('settings.audit.changed', { fields: d.changed.map((f) => t(`settings.audit.fields.${String(f)}`, {}, locale)).join(', ') }, locale),
    );
  }
  const url = d.url as { from?: string; to?: string } | undefined;
  if (url?.from && url.to) parts.push(`${url.from} → ${url.to}`);
  else if (typeof d.urlHint === 'string') parts.push(d.urlHint);
  if (typeof d.event === 'string') parts.push(t(`settings.events.${d.event}`, {}, locale));
  if (typeof d.deliveryId === 'number') parts.push(`#${d.deliveryId}`);
  if (typeof d.ticketId === 'string') parts.push(t('settings.audit.ticket', { id: d.ticketId }, locale));
  if (typeof d.requeued === 'number') parts.push(plural(t, 'settings.audit.requeued', d.requeued, locale));
  if (typeof d.discarded === 'number') parts.push(plural(t, 'settings.audit.discarded', d.discarded, locale));
  if (typeof d.ok === 'boolean')
    parts.push(d.ok ? 'OK' : `${t('settings.audit.failed', {}, locale)}${d.statusCode ? ` (${d.statusCode})` : ''}`);
  if (typeof d.previousReason === 'string') parts.push(d.previousReason);
  if (typeof d.reason === 'string') parts.push(d.reason);
  return parts.join(' · ');
}

export interface PagerLink {
  page: number;
  href: string;
}

/** Page links for a list: first, previous, a few numbers around the current page, next, last. */
export interface PagerModel {
  page: number;
  pages: number;
  first: PagerLink | null;
  prev: PagerLink | null;
  next: PagerLink | null;
  last: PagerLink | null;
  /** `far`: more than one page away (a phone shows only the nearest). */
  numbers: (PagerLink & { current: boolean; far: boolean })[];
}

export const pageCount = (total: number, perPage: number): number => Math.max(1, Math.ceil(total / perPage));

/** `page` is already within 1..pages; `around` numbers are shown on each side of it. */
export function pagerFor(page: number, pages: number, href: (page: number) => string, around = 2): PagerModel {
  const link = (p: number): PagerLink => ({ page: p, href: href(p) });
  const from = Math.max(1, page - around);
  const to = Math.min(pages, page + around);
  return {
    page,
    pages,
    first: page > 1 ? link(1) : null,
    prev: page > 1 ? link(page - 1) : null,
    next: page < pages ? link(page + 1) : null,
    last: page < pages ? link(pages) : null,
    numbers: Array.from({ length: to - from + 1 }, (_, i) => ({
      ...link(from + i),
      current: from + i === page,
      far: Math.abs(from + i - page) > 1,
    })),
  };
}

export interface FormValues {
  name: string;
  /** What the admin typed (used to tell the platform; never rendered into the page). */
  url: string;
  platform: string;
  events: string[];
  /** Each family's template as typed (its form field is `templateField(family)`). */
  templates: Record<TemplateFamily, string>;
  /** Each event's own template as typed (its form field is `eventTemplateField(event)`); '' for none. */
  eventTemplates: Record<string, string>;
  condition: string;
  mode: string;
  color: string;
  username: string;
  avatarUrl: string;
  rolePingIds: string;
  rolePingPriorities: string[];
  rolePingOn: string;
  threadId: string;
  threadName: string;
  threadPerTicket: boolean;
  threadTitle: string;
  /** One rule a line: `urgent = 123456789012345678`. */
  threadTags: string;
  statusCard: string;
  coalesce: boolean;
  slackBlocks: boolean;
  telegramChatId: string;
  telegramParseMode: string;
  googleChatCard: boolean;
  helpdeskButtons: boolean;
  filterDepartments: string;
  filterPriorities: string[];
  filterMinOrderTotal: string;
  filterGateways: string;
  filterReplyAuthors: string;
  filterAwaitingStaffMinutes: string;
  enabled: boolean;
}

const hex = (n: number | null) => (n === null ? '' : '#' + n.toString(16).padStart(6, '0'));

export function formFromWebhook(
  w: Pick<Webhook, 'name' | 'platform' | 'events' | 'templates' | 'eventTemplates' | 'condition' | 'options' | 'filters' | 'enabled'>,
): FormValues {
  const o = { ...defaultOptions(), ...w.options };
  const f = { ...defaultFilters(), ...w.filters };
  return {
    name: w.name,
    url: '',
    platform: w.platform,
    events: w.events,
    templates: Object.fromEntries(templateFamilies.map((f) => [f, w.templates[f] ?? ''])) as Record<TemplateFamily, string>,
    eventTemplates: { ...w.eventTemplates },
    condition: w.condition ?? '',
    mode: o.mode,
    color: hex(o.color),
    username: o.username ?? '',
    avatarUrl: o.avatarUrl ?? '',
    rolePingIds: o.rolePing?.roleIds.join(', ') ?? '',
    rolePingPriorities: o.rolePing?.priorities ?? [],
    rolePingOn: o.rolePing?.on ?? 'opening',
    threadId: o.threadId ?? '',
    threadName: o.threadName ?? '',
    threadPerTicket: o.threadPerTicket,
    threadTitle: o.threadTitle ?? '',
    threadTags: o.threadTags.map((r) => `${r.when} = ${r.tagId}`).join('\n'),
    statusCard: o.statusCard,
    coalesce: o.coalesce,
    slackBlocks: o.slackBlocks,
    telegramChatId: o.telegramChatId ?? '',
    telegramParseMode: o.telegramParseMode,
    googleChatCard: o.googleChatCard === true,
    helpdeskButtons: o.helpdeskButtons === true,
    filterDepartments: f.departments.join(', '),
    filterPriorities: f.priorities,
    filterMinOrderTotal: f.minOrderTotal === null ? '' : String(f.minOrderTotal),
    filterGateways: f.paymentGateways.join(', '),
    filterReplyAuthors: f.replyAuthors,
    filterAwaitingStaffMinutes: String(f.awaitingStaffMinutes),
    enabled: w.enabled,
  };
}

/**
 * Re-fills the form from what was posted. The URL is read (the page says which platform it
 * means) but never written back into the page: it is a credential. The page's script keeps what
 * the admin typed in the tab's sessionStorage across the refused save and puts it back.
 */
export function formFromPost(body: Record<string, unknown>): FormValues {
  const s = (k: string) => {
    const v = body[k];
    return Array.isArray(v) ? String(v[v.length - 1] ?? '') : v === undefined || v === null ? '' : String(v);
  };
  const l = (k: string) => {
    const v = body[k];
    return v === undefined || v === '' ? [] : (Array.isArray(v) ? v : [v]).map(String);
  };
  const on = (k: string) => ['on', 'true', '1'].includes(s(k));
  return {
    name: s('name'),
    url: s('url'),
    platform: s('platform') || 'auto',
    events: l('events'),
    templates: Object.fromEntries(templateFamilies.map((f) => [f, s(templateField(f))])) as Record<TemplateFamily, string>,
    eventTemplates: Object.fromEntries(knownEventNames().map((e) => [e, s(eventTemplateField(e))])),
    condition: s('condition'),
    mode: s('mode') || 'plain',
    color: s('color'),
    username: s('username'),
    avatarUrl: s('avatarUrl'),
    rolePingIds: s('rolePingIds'),
    rolePingPriorities: l('rolePingPriorities'),
    rolePingOn: s('rolePingOn') || 'opening',
    threadId: s('threadId'),
    threadName: s('threadName'),
    threadPerTicket: on('threadPerTicket'),
    threadTitle: s('threadTitle'),
    threadTags: s('threadTags'),
    statusCard: s('statusCard') || 'off',
    coalesce: on('coalesce'),
    slackBlocks: on('slackBlocks'),
    telegramChatId: s('telegramChatId'),
    telegramParseMode: s('telegramParseMode') || 'HTML',
    googleChatCard: on('googleChatCard'),
    helpdeskButtons: on('helpdeskButtons'),
    filterDepartments: s('filterDepartments'),
    filterPriorities: l('filterPriorities'),
    filterMinOrderTotal: s('filterMinOrderTotal'),
    filterGateways: s('filterGateways'),
    filterReplyAuthors: s('filterReplyAuthors') || 'both',
    filterAwaitingStaffMinutes: s('filterAwaitingStaffMinutes'),
    enabled: body.enabled === undefined ? true : on('enabled'),
  };
}
