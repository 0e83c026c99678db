/**
 * Pausing and resuming a webhook from the list or the API. A paused webhook's deliveries wait
 * (module/delivery/held-deliveries.ts); resuming sends them in order, or first gives them up when
 * the admin chose to discard what waited. The discard runs before the webhook is enabled, so none
 * of those rows can be sent in between.
 */
import type { PublicWebhook } from './public-webhook.js';
import type { SettingsDeps } from './settings-deps.js';

export interface ResumeResult {
  webhook: PublicWebhook;
  /** Deliveries given up because the admin resumed without them. */
  discarded: number;
}

export async function setWebhookEnabled(
  deps: Pick<SettingsDeps, 'service' | 'deliveries'>,
  actor: string,
  id: number,
  enabled: boolean,
  opts: { discardWaiting?: boolean } = {},
): Promise<ResumeResult | null> {
  const discarded = enabled && opts.discardWaiting ? await deps.deliveries.discardWaiting(id) : 0;
  const webhook = await deps.service.setEnabled(actor, id, enabled, opts.discardWaiting && enabled ? { discarded } : {});
  if (!webhook) return null;
  if (enabled) deps.deliveries.resumed();
  return { webhook, discarded };
}
