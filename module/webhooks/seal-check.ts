/**
 * At start: read every webhook once so a changed APP_KEY is said at once, in the log, rather than
 * found later as a webhook that sends nothing. Rows only a previous key opens are sealed again
 * with the current key on the way (APP_PREVIOUS_KEYS). Never fails the module's start.
 */
import type { Logger } from '../../sdk/module-context.js';
import type { SealReport, WebhookStore } from './webhook-store.js';

/** How many unreadable webhooks the warning names (the list page shows them all). */
const NAMED = 20;

export async function checkWebhookSeals(store: Pick<WebhookStore, 'sweepSeals'>, logger: Logger): Promise<SealReport | null> {
  let report: SealReport;
  try {
    report = await store.sweepSeals();
  } catch (err) {
    logger.warn('webhooks: could not check the sealed webhook URLs at start', { error: (err as Error).message });
    return null;
  }
  if (report.resealed > 0)
    logger.info(`webhooks: ${report.resealed} webhook(s) opened with a key from APP_PREVIOUS_KEYS; sealed again with the current APP_KEY`, {
      resealed: report.resealed,
    });
  if (report.unreadable.length === 0) return report;
  const webhooks = report.unreadable.slice(0, NAMED).map((w) => `#${w.id} "${w.name}"`);
  const more = report.unreadable.length > NAMED ? ` and ${report.unreadable.length - NAMED} more` : '';
  const fields = {
    unreadable: report.unreadable.length,
    total: report.total,
    webhookIds: report.unreadable.slice(0, NAMED).map((w) => w.id),
  };
  if (report.current === 0 && report.resealed === 0)
    logger.warn(
      `webhooks: none of the ${report.total} webhook(s) can be read with the current APP_KEY: was APP_KEY changed? ` +
        `(${webhooks.join(', ')}${more}) Start with the old key in APP_PREVIOUS_KEYS to read and re-seal them, ` +
        'or type their URLs again. Their deliveries stay queued meanwhile.',
      fields,
    );
  else
    logger.warn(
      `webhooks: ${report.unreadable.length} of ${report.total} webhook(s) cannot be read (was APP_KEY changed?): ` +
        `${webhooks.join(', ')}${more}. Their deliveries stay queued until their URL is typed again or APP_PREVIOUS_KEYS holds the old key.`,
      fields,
    );
  return report;
}
