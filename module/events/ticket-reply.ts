/** `ticket.reply`: staff or the customer answered a ticket; webhooks may keep only one side's replies. */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { ticketFilters, ticketMatches, ticketParts, ticketVariables } from './ticket-event.js';
import { ticketReplyText } from './ticket-templates.js';

export const ticketReply = defineEvent<EventMap['ticket.reply']>({
  name: 'ticket.reply',
  schema: eventSchemas['ticket.reply'],
  ...ticketParts('reply'),
  variables: [
    ...ticketVariables<EventMap['ticket.reply']>('reply'),
    { name: 'authorRole', kind: 'trusted', value: (p, f) => f.label(`rendering.author.${p.message.author.staff ? 'staff' : 'customer'}`) },
  ],
  followUp: true,
  defaultTemplate: ticketReplyText,
  filters: [...ticketFilters, 'replyAuthors'],
  matches(f, p) {
    if (!ticketMatches(f, p)) return false;
    const staff = p.message.author.staff;
    return !(f.replyAuthors === 'staff' && !staff) && !(f.replyAuthors === 'customer' && staff);
  },
  sample: (opts) => sampleEvent('ticket.reply', opts),
  embed: { color: 0xf1c40f },
});
