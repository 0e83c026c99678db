/**
 * The list page (`GET /`): the webhooks, a page at a time with search and filters, each row with
 * its last delivery, what it holds while paused and a 14-day chart; the failure notices above,
 * the latest audit entries below.
 */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { knownEventNames } from '../../events/index.js';
import { platforms } from '../../webhooks/webhook.js';
import { webhookListPageQuery } from '../request-parsing.js';
import { reasonWords } from '../send-result-words.js';
import type { SettingsDeps } from '../settings-deps.js';
import { chartFor, chartSince, describeAudit, pageCount, pagerFor } from '../view-models.js';
import { renderPage } from './page-render.js';

/** Rows per page of the webhook list (each row draws a chart). */
const LIST_PAGE_SIZE = 25;
/** Failure notices drawn at the top of the list; the rest are counted. */
const DISABLED_NOTICES = 3;

export async function showWebhookList(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const { service } = deps;
  const locale = req.locale;
  const t = deps.i18n.t.bind(deps.i18n);
  const query = webhookListPageQuery(req, LIST_PAGE_SIZE);
  let found = await service.page(query);
  const pages = pageCount(found.total, LIST_PAGE_SIZE);
  // A page past the end (a link kept after deletions) shows the last one rather than nothing.
  if (query.page > pages) found = await service.page({ ...query, page: pages });
  const page = Math.min(query.page, pages);
  const ids = found.items.map((w) => w.id);
  const last = await deps.deliveries.lastPerWebhook(ids);
  const since = chartSince(deps.clock.now());
  const counts = await deps.deliveries.dailyCounts(since, ids);
  const disabled = await service.page({ page: 1, perPage: DISABLED_NOTICES, disabledOnly: true });
  // What paused webhooks hold, said on their row (sent on resume, or discarded by choice).
  const waiting = await deps.deliveries.waitingPerWebhook(found.items.filter((w) => w.state === 'paused').map((w) => w.id));
  const audit = await deps.audit.list({ limit: 8 });
  const names = await service.labels(audit.items.flatMap((e) => (e.webhookId ? [e.webhookId] : [])));
  const filters = {
    ...(query.search ? { q: query.search } : {}),
    ...(query.platform ? { platform: query.platform } : {}),
    ...(query.event ? { event: query.event } : {}),
    ...(query.state ? { state: query.state } : {}),
  };
  const href = (p: number) => `${deps.basePath}/?${new URLSearchParams({ ...filters, page: String(p) }).toString()}`;
  return renderPage(deps, req, 'index.njk', 'webhooks', t('settings.list.title', {}, locale), {
    webhooks: found.items.map((w) => ({
      ...w,
      last: last.get(w.id) ?? null,
      waiting: waiting.get(w.id) ?? 0,
      disabledReasonWords: reasonWords(w.disabledReason, w.platform, t, locale),
      chart: chartFor(w.id, counts, since, t, locale),
    })),
    backQuery: `?${new URLSearchParams({ ...filters, ...(page > 1 ? { page: String(page) } : {}) }).toString()}`,
    total: found.total,
    search: query.search ?? '',
    filter: { platform: query.platform ?? '', event: query.event ?? '', state: query.state ?? '' },
    filtered: Object.keys(filters).length > 0,
    platformChoices: platforms,
    eventChoices: knownEventNames(),
    pager: pagerFor(page, pages, href),
    disabled: disabled.items.map((w) => ({ ...w, disabledReasonWords: reasonWords(w.disabledReason, w.platform, t, locale) })),
    disabledMore: disabled.total - disabled.items.length,
    audit: audit.items.map((e) => ({
      ...e,
      webhookName: e.webhookId ? (names.get(e.webhookId)?.name ?? null) : null,
      summary: describeAudit(e, t, locale),
    })),
    flash: typeof req.query.done === 'string' ? req.query.done : null,
  });
}
