/** Pause and resume over the API: resume (optionally giving up what waited) and what a webhook holds. */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { setWebhookEnabled } from '../pause-resume.js';
import type { SettingsDeps } from '../settings-deps.js';
import { invalid, notFound } from './api-answers.js';

/** `POST /webhooks/:id/resume {discardWaiting?: boolean}`: a paused (or failed) webhook sends again. */
export async function resumeWebhook(deps: SettingsDeps, req: AdminRequest, id: number): Promise<AdminResponse> {
  const discard = (req.body as { discardWaiting?: unknown } | null)?.discardWaiting;
  if (discard !== undefined && typeof discard !== 'boolean') return invalid(deps, req, [{ field: 'discardWaiting', reason: 'boolean' }]);
  const r = await setWebhookEnabled(deps, req.user.name, id, true, { discardWaiting: discard === true });
  return r ? { json: r } : notFound('webhook');
}

/** `GET /webhooks/:id/waiting`: deliveries still to be sent (what a paused webhook holds). */
export async function countWaiting(deps: SettingsDeps, _req: AdminRequest, id: number): Promise<AdminResponse> {
  if (!(await deps.service.get(id))) return notFound('webhook');
  return { json: { waiting: (await deps.deliveries.waitingPerWebhook([id])).get(id) ?? 0 } };
}
