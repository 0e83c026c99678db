/** `ticket.reply`: staff or the customer answered a ticket; webhooks may keep only one side's replies. */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { ticketFilters, ticketMatches, ticketParts } from './ticket-event.js';

export const ticketReply = defineEvent<EventMap['ticket.reply']>({
  name: 'ticket.reply',
  schema: eventSchemas['ticket.reply'],
  ...ticketParts('reply'),
  filters: [...ticketFilters, 'replyAuthors'],
  matches(f, p) {
    if (!ticketMatches(f, p)) return false;
    const staff = p.message.author.staff;
    return !(f.replyAuthors === 'staff' && !staff) && !(f.replyAuthors === 'customer' && staff);
  },
  sample: (opts) => sampleEvent('ticket.reply', opts),
  embed: { color: 0xf1c40f },
});
