/** `webhooks.paused`: the module paused a webhook that kept answering 429; its queue is kept. */
import { webhooksEvent } from './webhooks-event.js';

export const webhooksPaused = webhooksEvent(
  'webhooks.paused',
  { fr: ':pause_button: Webhook mis en pause : %name%', en: ':pause_button: Webhook paused: %name%' },
  0xe67e22,
);
