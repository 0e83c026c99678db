/** The audit log page (`GET /audit?page=`): who changed what, 50 entries a page. */
import type { AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import type { SettingsDeps } from '../settings-deps.js';
import { describeAudit, pagerFor } from '../view-models.js';
import { renderPage } from './page-render.js';

export async function showAuditLog(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const locale = req.locale;
  const t = deps.i18n.t.bind(deps.i18n);
  const pageRaw = typeof req.query.page === 'string' && /^\d{1,6}$/.test(req.query.page) ? Math.max(1, Number(req.query.page)) : 1;
  const r = await deps.audit.list({ limit: 50, offset: (pageRaw - 1) * 50 });
  const names = await deps.service.labels(r.items.flatMap((e) => (e.webhookId ? [e.webhookId] : [])));
  const pages = Math.max(1, Math.ceil(r.total / 50));
  return renderPage(deps, req, 'audit.njk', 'audit', t('settings.audit.title', {}, locale), {
    entries: r.items.map((e) => ({
      ...e,
      webhookName: e.webhookId ? (names.get(e.webhookId)?.name ?? null) : null,
      summary: describeAudit(e, t, locale),
    })),
    pager: pagerFor(Math.min(pageRaw, pages), pages, (p) => `${deps.basePath}/audit?page=${p}`),
  });
}
