/** `webhooks.recovered`: a webhook that had failed delivered again. */
import { webhooksEvent } from './webhooks-event.js';

export const webhooksRecovered = webhooksEvent(
  'webhooks.recovered',
  { fr: ':white_check_mark: Le webhook %name% fonctionne de nouveau', en: ':white_check_mark: Webhook %name% delivers again' },
  0x2ecc71,
);
