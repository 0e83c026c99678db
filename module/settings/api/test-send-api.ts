/** Send test over the API: to a saved webhook, or from the form being edited (saved or not). */
import type { EventName } from '../../../sdk/events.js';
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { isKnownEvent } from '../../events/index.js';
import type { SettingsDeps } from '../settings-deps.js';
import { sendTest } from '../test-send.js';
import { formToInput } from '../webhook-input.js';
import { invalid, notFound } from './api-answers.js';
import { formRequest } from './form-request.js';

/** `POST /webhooks/:id/test {event?}`. */
export async function sendWebhookTest(deps: SettingsDeps, req: AdminRequest, id: number): Promise<AdminResponse> {
  const w = await deps.service.get(id);
  if (!w) return notFound('webhook');
  const rawEvent = (req.body as { event?: unknown } | null)?.event;
  if (rawEvent !== undefined && (typeof rawEvent !== 'string' || !isKnownEvent(rawEvent))) {
    return invalid(deps, req, [{ field: 'event', reason: 'event' }]);
  }
  return { json: await sendTest(deps, w, rawEvent as EventName | undefined, req.user.name, req.locale) };
}

/** `POST /test-draft {form: {…form fields}, id?, event?}`. */
export async function sendDraftTest(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const { form, id, body } = formRequest(req);
  const event = (body as { event?: unknown }).event;
  if (event !== undefined && !isKnownEvent(event)) return invalid(deps, req, [{ field: 'event', reason: 'event' }]);
  const input = formToInput(form);
  // Only what a test needs is checked: the name and events may still be empty.
  if (!String(input.name ?? '').trim()) delete input.name;
  if (!(input.events as unknown[]).length) delete input.events;
  const d = await deps.service.draft(input, id);
  if (!d.ok) return invalid(deps, req, d.errors);
  return { json: await sendTest(deps, d.webhook, event as EventName | undefined, req.user.name, req.locale) };
}
