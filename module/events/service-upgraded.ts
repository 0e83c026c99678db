/** `service.upgraded`: a service moved to another product (`previousProduct` -> `service.product`). */
import { serviceEvent } from './service-event.js';

export const serviceUpgraded = serviceEvent(
  'service.upgraded',
  { fr: ':arrow_up: Changement d’offre : %name%', en: ':arrow_up: Plan changed: %name%' },
  0x9b59b6,
);
