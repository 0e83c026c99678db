/** `service.delivery_failed`: the delivery of a service failed; `reason` says why. */
import { serviceEvent } from './service-event.js';

export const serviceDeliveryFailed = serviceEvent(
  'service.delivery_failed',
  { fr: ':x: Échec de livraison : %name%', en: ':x: Delivery failed: %name%' },
  0xe74c3c,
);
