import type { Subscriber } from './subscriber.js';

export const ticketClose: Subscriber<'ticket.close'> = {
  config: { event: 'ticket.close' },
  handler: (payload, intake) => intake.accept('ticket.close', payload),
};
