/** `ticket.reopen`: a closed ticket was opened again, with or without a message. */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { ticketParts } from './ticket-event.js';
import { ticketOpening } from './ticket-templates.js';

export const ticketReopen = defineEvent<EventMap['ticket.reopen']>({
  name: 'ticket.reopen',
  schema: eventSchemas['ticket.reopen'],
  ...ticketParts('reopen'),
  defaultTemplate: ticketOpening,
  sample: (opts) => sampleEvent('ticket.reopen', opts),
  embed: { color: 0xe67e22 },
});
