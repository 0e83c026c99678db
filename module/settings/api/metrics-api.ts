/**
 * For Prometheus: the host's gate lets through its admin session or `Authorization: Bearer
 * <ADMIN_TOKEN>` only (docs/host-contract.md); nothing here is public.
 */
import type { AdminResponse } from '../../../sdk/module-context.js';
import type { SettingsDeps } from '../settings-deps.js';

export async function scrapeMetrics(deps: SettingsDeps): Promise<AdminResponse> {
  return deps.metrics
    ? { text: await deps.metrics.scrape(), contentType: deps.metrics.contentType }
    : { status: 404, json: { error: 'not found: no metrics in this build of the settings' } };
}
