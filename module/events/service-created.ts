/** `service.created`: a service was created for a customer (not delivered yet). */
import { serviceEvent } from './service-event.js';

export const serviceCreated = serviceEvent(
  'service.created',
  { fr: ':new: Nouveau service : %name%', en: ':new: New service: %name%' },
  0x3498db,
);
