/** `ticket.close`: a ticket was closed, with or without a last message. */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { ticketParts } from './ticket-event.js';

export const ticketClose = defineEvent<EventMap['ticket.close']>({
  name: 'ticket.close',
  schema: eventSchemas['ticket.close'],
  ...ticketParts('close'),
  sample: (opts) => sampleEvent('ticket.close', opts),
  embed: { color: 0x95a5a6 },
});
