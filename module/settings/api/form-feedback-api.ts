/**
 * What the form asks while the admin types: every error a save would meet, the platform a URL
 * says, and the variables of the chosen events. The save checks again (the server decides).
 */
import type { EventName } from '../../../sdk/events.js';
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { isKnownEvent } from '../../events/index.js';
import { InputError, translateErrors } from '../request-parsing.js';
import type { SettingsDeps } from '../settings-deps.js';
import { formFieldKey, formToInput } from '../webhook-input.js';
import { invalid } from './api-answers.js';
import { formRequest } from './form-request.js';

/** `POST /validate {form: {…form fields}, id?}` -> the first error of each form field, in the admin's words. */
export async function validateForm(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const { form, id } = formRequest(req);
  const errors = translateErrors(await deps.service.check(formToInput(form), id), deps.i18n.t.bind(deps.i18n), req.locale);
  const byField = new Map<string, string>();
  for (const e of errors) if (!byField.has(formFieldKey(e.field))) byField.set(formFieldKey(e.field), e.reason);
  return { json: { errors: [...byField].map(([field, message]) => ({ field, message })) } };
}

/** `POST /detect-platform {url}`: POST, not GET: the URL is a credential and must not land in access logs as a query string. */
export async function detectPlatform(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const url = (req.body as { url?: unknown } | null)?.url;
  if (typeof url !== 'string' || url.length > 2048) return invalid(deps, req, [{ field: 'url', reason: 'required' }]);
  return { json: { platform: deps.rendering.detectPlatform(url) } };
}

/** `GET /variables?events=a,b`. */
export async function listVariables(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const raw = req.query.events;
  const list = (Array.isArray(raw) ? raw : raw ? String(raw).split(',') : []).filter(Boolean);
  for (const e of list) if (!isKnownEvent(e)) throw new InputError('events', 'event');
  return { json: { events: Object.fromEntries(list.map((e) => [e, deps.rendering.listVariables(e as EventName, req.locale)])) } };
}
