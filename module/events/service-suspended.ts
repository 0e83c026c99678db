/** `service.suspended`: a service was suspended; `reason` says why. */
import { serviceEvent } from './service-event.js';

export const serviceSuspended = serviceEvent(
  'service.suspended',
  { fr: ':pause_button: Service suspendu : %name%', en: ':pause_button: Service suspended: %name%' },
  0xe67e22,
);
