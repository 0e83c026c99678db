/** `service.renewed`: a service was renewed until its new due date. */
import { serviceEvent } from './service-event.js';

export const serviceRenewed = serviceEvent(
  'service.renewed',
  { fr: ':arrows_counterclockwise: Service renouvelé : %name%', en: ':arrows_counterclockwise: Service renewed: %name%' },
  0x1abc9c,
);
