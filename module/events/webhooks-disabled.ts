/** `webhooks.disabled`: the module disabled a webhook whose target says it is gone (404 Unknown Webhook, 410). */
import { webhooksEvent } from './webhooks-event.js';

export const webhooksDisabled = webhooksEvent(
  'webhooks.disabled',
  { fr: ':no_entry: Webhook désactivé : %name%', en: ':no_entry: Webhook disabled: %name%' },
  0xe74c3c,
);
