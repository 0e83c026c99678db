/** `service.expired`: a service reached its due date without being renewed. */
import { serviceEvent } from './service-event.js';

export const serviceExpired = serviceEvent(
  'service.expired',
  { fr: ':hourglass: Service expiré : %name%', en: ':hourglass: Service expired: %name%' },
  0x95a5a6,
);
