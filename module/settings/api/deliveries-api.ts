/** The delivery log over the API: list, read, replay one, retry a webhook's failed ones, the 14-day counts. */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { parseDeliveryFilter, parseId } from '../request-parsing.js';
import type { SettingsDeps } from '../settings-deps.js';
import { chartSince } from '../view-models.js';
import { notFound } from './api-answers.js';

/** `GET /deliveries?webhook=&event=&status=&from=&to=&page=&perPage=`. */
export async function listDeliveries(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const filter = parseDeliveryFilter(req);
  const { items, total } = await deps.deliveries.list(filter);
  return { json: { items, total, page: filter.page, perPage: filter.perPage } };
}

/** `GET /deliveries/:id`: the body sent and every attempt. */
export async function getDelivery(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const id = parseId(req.params.id);
  const d = id === null ? null : await deps.deliveries.get(id);
  return d ? { json: { delivery: d } } : notFound('delivery');
}

/** `POST /deliveries/:id/replay`: queued again as a new attempt (202). */
export async function replayDelivery(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const id = parseId(req.params.id);
  const d = id === null ? null : await deps.deliveries.get(id);
  if (!d || id === null) return notFound('delivery');
  await deps.deliveries.replay(id);
  await deps.audit.write(req.user.name, 'delivery.replay', d.webhookId, { deliveryId: id, event: d.event });
  return { status: 202, json: { replayed: true, id } };
}

/** `POST /webhooks/:id/retry-failed`: a webhook's failed and dead deliveries queued again. */
export async function retryFailed(deps: SettingsDeps, req: AdminRequest, id: number): Promise<AdminResponse> {
  const w = await deps.service.get(id);
  if (!w) return notFound('webhook');
  const requeued = await deps.deliveries.retryAllFailed(id);
  await deps.audit.write(req.user.name, 'webhook.retry_failed', id, { name: w.name, requeued });
  return { json: { requeued } };
}

/** `GET /stats`: deliveries per UTC day, webhook and status over the 14 days the charts draw. */
export async function deliveryStats(deps: SettingsDeps): Promise<AdminResponse> {
  const since = chartSince(deps.clock.now());
  return { json: { since, days: 14, counts: await deps.deliveries.dailyCounts(since) } };
}
