/** `service.cancelled`: a service was cancelled (by the customer or staff). */
import { serviceEvent } from './service-event.js';

export const serviceCancelled = serviceEvent(
  'service.cancelled',
  { fr: ':wastebasket: Service résilié : %name%', en: ':wastebasket: Service cancelled: %name%' },
  0x7f8c8d,
);
