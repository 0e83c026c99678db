/** `service.unsuspended`: a suspended service was reactivated. */
import { serviceEvent } from './service-event.js';

export const serviceUnsuspended = serviceEvent(
  'service.unsuspended',
  { fr: ':arrow_forward: Service réactivé : %name%', en: ':arrow_forward: Service reactivated: %name%' },
  0x2ecc71,
);
