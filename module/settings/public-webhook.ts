/** The shape of a webhook shown to the admin: no URL (only its hint), no secret. */
import type { UnreadableField, Webhook } from '../webhooks/webhook.js';
import type { WebhookListing } from '../webhooks/webhook-store.js';

export type WebhookState = 'active' | 'paused' | 'disabled';

export interface PublicWebhook extends Omit<Webhook, 'url' | 'signingSecret'> {
  state: WebhookState;
  hasSigningSecret: boolean;
  /** Sealed fields no key of the host opens: `["url"]` after APP_KEY changed (empty normally). */
  unreadable: UnreadableField[];
}

export function stateOf(w: Pick<Webhook, 'enabled' | 'disabledReason'>): WebhookState {
  if (w.enabled) return 'active';
  return w.disabledReason ? 'disabled' : 'paused';
}

/** From a full webhook (after a save) or a list row (never decrypted). */
export function toPublicWebhook(w: Webhook | WebhookListing): PublicWebhook {
  // Built field by field (not by spreading and deleting) so a new secret field is never leaked by default.
  return {
    id: w.id,
    name: w.name,
    urlHint: w.urlHint,
    platform: w.platform,
    events: w.events,
    templates: w.templates,
    eventTemplates: w.eventTemplates ?? {},
    condition: w.condition ?? null,
    options: w.options,
    filters: w.filters,
    enabled: w.enabled,
    disabledReason: w.disabledReason,
    disabledAt: w.disabledAt,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    state: stateOf(w),
    unreadable: w.unreadable ?? [],
    hasSigningSecret: 'hasSigningSecret' in w ? w.hasSigningSecret : Boolean(w.signingSecret),
  };
}
