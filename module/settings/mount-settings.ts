/** Registers the settings pages and JSON API on the host's admin router. */
import type { AdminRouter } from '../../sdk/module-context.js';
import { apiRoutes } from './api-routes.js';
import { pageRoutes } from './page-routes.js';
import type { SettingsDeps } from './settings-deps.js';

export function mountSettings(admin: AdminRouter, deps: SettingsDeps): void {
  for (const r of pageRoutes(deps)) admin.page(r.method, r.path, r.handler);
  for (const r of apiRoutes(deps)) admin.api(r.method, r.path, r.handler);
}
