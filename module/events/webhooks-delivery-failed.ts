/** `webhooks.delivery_failed`: a delivery gave up after its last retry (coalesced per webhook). */
import { webhooksEvent } from './webhooks-event.js';

export const webhooksDeliveryFailed = webhooksEvent(
  'webhooks.delivery_failed',
  { fr: ':warning: Envoi abandonné sur le webhook %name%', en: ':warning: Delivery given up on webhook %name%' },
  0xe74c3c,
);
