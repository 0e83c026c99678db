/**
 * The delivery log (`GET /deliveries`, filtered by webhook, event, status and dates) and what is
 * done from it or from a webhook's form: replay one delivery, retry a webhook's failed ones.
 */
import { afterReplayQuery, keptLogFilters } from '../delivery-log-view.js';
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { isKnownEvent } from '../../events/index.js';
import { familyOf, type Webhook } from '../../webhooks/webhook.js';
import { deliveryStatuses, type DeliveryFilter } from '../ports.js';
import { InputError, parseDeliveryFilter, parseId, translateErrors } from '../request-parsing.js';
import type { SettingsDeps } from '../settings-deps.js';
import { pagerFor } from '../view-models.js';
import { notFoundPage, renderPage } from './page-render.js';

/** Up to this many webhooks, the delivery log filters by a select of names; beyond, by number. */
const WEBHOOK_SELECT_LIMIT = 50;

export async function showDeliveryLog(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const { service, basePath } = deps;
  const locale = req.locale;
  const t = deps.i18n.t.bind(deps.i18n);
  const { filter, filterError } = filterOf(deps, req);
  const { items, total } = await deps.deliveries.list(filter);
  const details = await Promise.all(items.map((d) => deps.deliveries.get(d.id)));
  const labels = await service.labels([...items.map((d) => d.webhookId), ...(filter.webhookId ? [filter.webhookId] : [])]);
  // The webhook filter is a select while the list is short, a webhook number beyond that.
  const choices = await service.page({ page: 1, perPage: WEBHOOK_SELECT_LIMIT });
  const q = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');
  const pages = Math.max(1, Math.ceil(total / filter.perPage));
  const qs = (page: number) =>
    new URLSearchParams({
      ...keptLogFilters(req.query),
      page: String(page),
    }).toString();
  return renderPage(
    deps,
    req,
    'deliveries.njk',
    'deliveries',
    t('settings.log.title', {}, locale),
    {
      rows: items.map((d, i) => ({
        ...d,
        webhookName: labels.get(d.webhookId)?.name ?? `#${d.webhookId}`,
        // A disabled or paused webhook's queue waits: its "next retry" is not a time.
        webhookPaused: labels.get(d.webhookId)?.enabled === false,
        // "Order #1001" / "Ticket #42": the number the admin looks a delivery up by.
        referenceText:
          d.reference && isKnownEvent(d.event) ? t(`settings.log.reference.${familyOf(d.event)}`, { ref: d.reference }, locale) : null,
        detail: details[i],
        bodyPretty: prettyJson(details[i]?.body ?? ''),
        batchPretty: prettyJson(details[i]?.batch?.body ?? ''),
      })),
      total,
      pager: pagerFor(Math.min(filter.page, pages), pages, (p) => `${basePath}/deliveries?${qs(p)}`),
      webhookChoices: choices.total <= WEBHOOK_SELECT_LIMIT ? choices.items.map((w) => ({ id: w.id, name: w.name })) : null,
      statuses: deliveryStatuses,
      f: { webhook: q('webhook'), event: q('event'), status: q('status'), from: q('from'), to: q('to'), q: q('q') },
      keptFilters: keptLogFilters(req.query),
      filterError,
      requeued: q('requeued') || null,
      replayed: q('replayed') || null,
      selectedWebhook: filter.webhookId ? (labels.get(filter.webhookId) ?? null) : null,
    },
    filterError ? 400 : 200,
  );
}

/** The query's filter; a refused one shows the first page unfiltered, with the refusal said (a 400). */
function filterOf(deps: SettingsDeps, req: AdminRequest): { filter: DeliveryFilter; filterError: string | null } {
  try {
    return { filter: parseDeliveryFilter(req), filterError: null };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const filterError = translateErrors([{ field: err.field, reason: err.reason }], deps.i18n.t.bind(deps.i18n), req.locale)
      .map((e) => `${e.field}: ${e.reason}`)
      .join('');
    return { filter: { page: 1, perPage: 25 }, filterError };
  }
}

/** `POST /deliveries/:id/replay`. */
export async function postReplay(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const id = parseId(req.params.id);
  const d = id === null ? null : await deps.deliveries.get(id);
  if (!d || id === null) return notFoundPage(deps, req);
  await deps.deliveries.replay(id);
  await deps.audit.write(req.user.name, 'delivery.replay', d.webhookId, { deliveryId: id, event: d.event });
  // Back to the log as it was filtered (the form posts the filters it was shown with).
  const form = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  return { redirect: `${deps.basePath}/deliveries?${afterReplayQuery(form, id)}` };
}

/** `POST /webhooks/:id/retry-failed`: back to the log of that webhook, saying how many went again. */
export async function postRetryFailed(deps: SettingsDeps, req: AdminRequest, w: Webhook): Promise<AdminResponse> {
  const requeued = await deps.deliveries.retryAllFailed(w.id);
  await deps.audit.write(req.user.name, 'webhook.retry_failed', w.id, { name: w.name, requeued });
  return { redirect: `${deps.basePath}/deliveries?webhook=${w.id}&requeued=${requeued}` };
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
