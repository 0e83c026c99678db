import type { Subscriber } from './subscriber.js';

export const ticketSubmit: Subscriber<'ticket.submit'> = {
  config: { event: 'ticket.submit' },
  handler: (payload, intake) => intake.accept('ticket.submit', payload),
};
