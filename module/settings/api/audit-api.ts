/** `GET /audit?webhook=&page=`: who changed what, 50 entries a page. */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { InputError, parseId } from '../request-parsing.js';
import type { SettingsDeps } from '../settings-deps.js';

export async function listAudit(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const w = req.query.webhook;
  let webhookId: number | undefined;
  if (w !== undefined && w !== '') {
    const id = parseId(String(w));
    if (id === null) throw new InputError('webhook', 'id');
    webhookId = id;
  }
  const pageRaw = String(req.query.page ?? '1');
  if (!/^\d{1,6}$/.test(pageRaw) || Number(pageRaw) < 1) throw new InputError('page', 'page');
  const page = Number(pageRaw);
  const r = await deps.audit.list({ webhookId, limit: 50, offset: (page - 1) * 50 });
  return { json: { ...r, page, perPage: 50 } };
}
