/** `service.expiring`: the host fires it N days (`daysLeft`) before a service's due date. */
import { serviceEvent } from './service-event.js';

export const serviceExpiring = serviceEvent(
  'service.expiring',
  {
    fr: ':hourglass_flowing_sand: Le service %name% expire dans %daysLeft% jours',
    en: ':hourglass_flowing_sand: Service %name% expires in %daysLeft% days',
  },
  0xf1c40f,
);
