import type { Subscriber } from './subscriber.js';

export const ticketReply: Subscriber<'ticket.reply'> = {
  config: { event: 'ticket.reply' },
  handler: (payload, intake) => intake.accept('ticket.reply', payload),
};
