/**
 * The webhooks themselves: list, create, read, update (PUT or PATCH), delete. Answers never
 * hold a full webhook URL, only `urlHint`; a signing secret is shown once, when made.
 */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { toPublicWebhook } from '../public-webhook.js';
import { parseWebhookListQuery } from '../request-parsing.js';
import type { SettingsDeps } from '../settings-deps.js';
import type { SaveResult } from '../webhook-service.js';
import { invalid, notFound } from './api-answers.js';

/** `GET /webhooks?page=&perPage=&q=&platform=&event=&state=`. */
export async function listWebhooks(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const query = parseWebhookListQuery(req);
  const { items, total } = await deps.service.page(query);
  return { json: { items, total, page: query.page, perPage: query.perPage } };
}

/** `POST /webhooks`: 201 with the webhook, its warnings and (once) its signing secret. */
export async function createWebhook(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  return saveAnswer(deps, req, await deps.service.create(req.user.name, req.body, req.locale), true);
}

/** `GET /webhooks/:id`. */
export async function getWebhook(deps: SettingsDeps, _req: AdminRequest, id: number): Promise<AdminResponse> {
  const w = await deps.service.get(id);
  return w ? { json: { webhook: toPublicWebhook(w), warnings: deps.service.warnings(w) } } : notFound('webhook');
}

/** `PUT` or `PATCH /webhooks/:id`. */
export async function updateWebhook(deps: SettingsDeps, req: AdminRequest, id: number): Promise<AdminResponse> {
  const result = await deps.service.update(req.user.name, id, req.body);
  // Resumed: what the webhook held while paused goes out now, not at the next poll.
  if (result.ok && result.webhook.enabled) deps.deliveries.resumed();
  return saveAnswer(deps, req, result, false);
}

/** `DELETE /webhooks/:id`. */
export async function deleteWebhook(deps: SettingsDeps, req: AdminRequest, id: number): Promise<AdminResponse> {
  return (await deps.service.remove(req.user.name, id)) ? { json: { deleted: true, id } } : notFound('webhook');
}

function saveAnswer(deps: SettingsDeps, req: AdminRequest, result: SaveResult, created: boolean): AdminResponse {
  const t = deps.i18n.t.bind(deps.i18n);
  if (!result.ok) return 'notFound' in result ? notFound('webhook') : invalid(deps, req, result.errors);
  return {
    status: created ? 201 : 200,
    json: {
      webhook: result.webhook,
      warnings: result.warnings.map((w) => ({
        ...w,
        message: t('settings.form.unknown_variables', { names: w.names.map((n) => `%${n}%`).join(', ') }, req.locale),
      })),
      ...(result.signingSecret
        ? { signingSecret: result.signingSecret, signingSecretNotice: t('settings.form.secret_once', {}, req.locale) }
        : {}),
    },
  };
}
