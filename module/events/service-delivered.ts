/** `service.delivered`: a service was delivered (provisioned) and is ready. */
import { serviceEvent } from './service-event.js';

export const serviceDelivered = serviceEvent(
  'service.delivered',
  { fr: ':rocket: Service livré : %name%', en: ':rocket: Service delivered: %name%' },
  0x2ecc71,
);
