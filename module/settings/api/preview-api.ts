/** `POST /preview`: the exact body a template would send for a sample event (preview-request.ts). */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { runPreview } from '../preview-request.js';
import type { SettingsDeps } from '../settings-deps.js';
import { invalid } from './api-answers.js';

export async function previewMessage(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const r = runPreview(deps, req.body, req.locale);
  return r.ok ? { json: r.value } : invalid(deps, req, r.errors);
}
