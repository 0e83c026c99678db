/** Pausing and resuming a webhook from its row of the list (`POST /webhooks/:id/toggle`). */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import type { Webhook } from '../../webhooks/webhook.js';
import { setWebhookEnabled } from '../pause-resume.js';
import type { SettingsDeps } from '../settings-deps.js';
import { formBody } from './page-render.js';

const checked = (value: unknown) => ['on', 'true', '1'].includes(String(value));

/** `enabled` says which way (absent: the other way); `discard` gives up what waited; `back` is the list's query. */
export async function postToggle(deps: SettingsDeps, req: AdminRequest, w: Webhook): Promise<AdminResponse> {
  const form = formBody(req);
  const enabled = form.enabled === undefined ? !w.enabled : checked(form.enabled);
  const discardWaiting = checked(form.discard ?? '');
  const r = await setWebhookEnabled(deps, req.user.name, w.id, enabled, { discardWaiting });
  const done = !enabled ? 'paused' : discardWaiting && r && r.discarded > 0 ? 'resumed_discarded' : 'enabled';
  // Back to the list as it was (page, search, filters), at the row acted on.
  const back = typeof form.back === 'string' && form.back.startsWith('?') ? form.back.slice(1) : '';
  const params = new URLSearchParams(back);
  params.set('done', done);
  return { redirect: `${deps.basePath}/?${params.toString()}#webhook-${w.id}` };
}
