/** `ticket.submit`: a customer opened a support ticket. */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { ticketParts } from './ticket-event.js';
import { ticketOpening } from './ticket-templates.js';

export const ticketSubmit = defineEvent<EventMap['ticket.submit']>({
  name: 'ticket.submit',
  schema: eventSchemas['ticket.submit'],
  ...ticketParts('submit'),
  defaultTemplate: ticketOpening,
  sample: (opts) => sampleEvent('ticket.submit', opts),
  embed: { color: 0x3498db },
});
