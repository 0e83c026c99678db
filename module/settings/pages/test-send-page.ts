/** Send test from the edit form without its script (`POST /webhooks/:id/test`): the answer shows on the form. */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { isKnownEvent } from '../../events/index.js';
import type { Webhook } from '../../webhooks/webhook.js';
import type { SettingsDeps } from '../settings-deps.js';
import { sendTest } from '../test-send.js';
import { formFromWebhook } from '../view-models.js';
import { formBody } from './page-render.js';
import { renderForm } from './webhook-form-view.js';

export async function postTest(deps: SettingsDeps, req: AdminRequest, w: Webhook): Promise<AdminResponse> {
  const ev = formBody(req).testEvent ?? formBody(req).event;
  const event = isKnownEvent(ev) ? ev : undefined;
  const answer = await sendTest(deps, w, event, req.user.name, req.locale);
  return renderForm(deps, req, { webhook: w, values: formFromWebhook(w), warnings: deps.service.warnings(w), testAnswer: answer });
}
