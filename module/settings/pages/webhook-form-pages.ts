/**
 * Creating, editing and deleting a webhook from its form. A save that has something to say
 * once (the signing secret, unknown variables) shows the form again; otherwise it redirects.
 */
import { isPlatform } from '../../platforms/index.js';
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import type { Webhook } from '../../webhooks/webhook.js';
import type { SettingsDeps } from '../settings-deps.js';
import { formFromPost, formFromWebhook } from '../view-models.js';
import { formToInput } from '../webhook-input.js';
import { sharedDefaults } from '../webhook-service.js';
import { eventsOfFamily, formBody, notFoundPage } from './page-render.js';
import { renderForm } from './webhook-form-view.js';

/** `GET /webhooks/new`, optionally preset by `?flow=shop|support` (the two flows of the list page). */
export async function showNewWebhookForm(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const d = deps.rendering.defaultTemplates(req.locale);
  const values = formFromWebhook({
    name: '',
    platform: 'auto' as never,
    events: [],
    // The families a new webhook gets a copy of (webhook-service.ts); the others read each event's own default.
    templates: sharedDefaults(d),
    options: {} as never,
    filters: {} as never,
    enabled: true,
  });
  const preset = typeof req.query.flow === 'string' ? req.query.flow : '';
  // The two flows offered on the list page: every event of the family (from the event definitions).
  if (preset === 'shop') values.events = eventsOfFamily('order');
  if (preset === 'support') values.events = eventsOfFamily('ticket');
  // "Use this receiver" from the host's local inbox: its URL, the platform left to detection.
  const receiver = deps.receivers?.find((r) => r.platform === req.query.receiver && isPlatform(r.platform));
  if (receiver) values.url = receiver.example;
  return renderForm(deps, req, { webhook: null, values, prefillUrl: !!receiver });
}

/** `POST /webhooks`. */
export async function postNewWebhook(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const form = formBody(req);
  const r = await deps.service.create(req.user.name, formToInput(form), req.locale);
  if (!r.ok)
    return renderForm(deps, req, { webhook: null, values: formFromPost(form), errors: 'errors' in r ? r.errors : [], status: 400 });
  const w = (await deps.service.get(r.webhook.id))!;
  if (r.signingSecret || r.warnings.length) {
    return renderForm(deps, req, {
      webhook: w,
      values: formFromWebhook(w),
      warnings: r.warnings,
      signingSecret: r.signingSecret,
      saved: true,
    });
  }
  return { redirect: `${deps.basePath}/?done=created` };
}

/** `GET /webhooks/:id/edit`. */
export async function showWebhookForm(deps: SettingsDeps, req: AdminRequest, w: Webhook): Promise<AdminResponse> {
  return renderForm(deps, req, {
    webhook: w,
    values: formFromWebhook(w),
    warnings: deps.service.warnings(w),
    saved: req.query.saved === '1',
  });
}

/** `POST /webhooks/:id`. */
export async function postWebhookForm(deps: SettingsDeps, req: AdminRequest, w: Webhook): Promise<AdminResponse> {
  const form = formBody(req);
  const r = await deps.service.update(req.user.name, w.id, formToInput(form));
  if (!r.ok) {
    if ('notFound' in r) return notFoundPage(deps, req);
    return renderForm(deps, req, { webhook: w, values: formFromPost(form), errors: r.errors, status: 400 });
  }
  const fresh = (await deps.service.get(w.id))!;
  if (r.signingSecret || r.warnings.length) {
    return renderForm(deps, req, {
      webhook: fresh,
      values: formFromWebhook(fresh),
      warnings: r.warnings,
      signingSecret: r.signingSecret,
      saved: true,
    });
  }
  return { redirect: `${deps.basePath}/webhooks/${w.id}/edit?saved=1` };
}

/** `POST /webhooks/:id/delete`. */
export async function postDelete(deps: SettingsDeps, req: AdminRequest, w: Webhook): Promise<AdminResponse> {
  await deps.service.remove(req.user.name, w.id);
  return { redirect: `${deps.basePath}/?done=deleted` };
}
