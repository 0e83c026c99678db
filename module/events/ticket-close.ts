/** `ticket.close`: a ticket was closed, with or without a last message. */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { ticketParts, ticketVariables } from './ticket-event.js';
import { ticketCloseText } from './ticket-templates.js';

export const ticketClose = defineEvent<EventMap['ticket.close']>({
  name: 'ticket.close',
  schema: eventSchemas['ticket.close'],
  ...ticketParts('close'),
  variables: [
    ...ticketVariables<EventMap['ticket.close']>('close'),
    // Who closed it: the host's word when it says, else the author of the closing message.
    { name: 'closedBy', kind: 'untrusted-line', value: (p) => p.closedBy?.name ?? p.message?.author.name },
  ],
  followUp: true,
  defaultTemplate: ticketCloseText,
  sample: (opts) => sampleEvent('ticket.close', opts),
  embed: { color: 0x95a5a6 },
});
