/** `ticket.assigned`: a staff member took the ticket (the host's pages, or a chat's Claim button). */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { ticketParts, ticketVariables } from './ticket-event.js';
import { withHeadline } from './event-template.js';

type Payload = EventMap['ticket.assigned'];

export const ticketAssigned = defineEvent<Payload>({
  name: 'ticket.assigned',
  schema: eventSchemas['ticket.assigned'],
  ...ticketParts<Payload>('assigned'),
  variables: [
    ...ticketVariables<Payload>('assigned').filter((v) => v.name !== 'content' && v.name !== 'author'),
    { name: 'staff', kind: 'untrusted-line', value: (p) => p.staff.name },
  ],
  sample: (opts) => sampleEvent('ticket.assigned', opts),
  embed: { color: 0x9b59b6 },
  defaultTemplate: withHeadline(
    { fr: ':raising_hand: %staff% prend en charge le ticket n° %id%', en: ':raising_hand: %staff% took ticket #%id%' },
    {
      fr: [':speech_balloon: **Sujet :** %subject%', ':bust_in_silhouette: **Client :** %user%', ':arrow_right: %url%'],
      en: [':speech_balloon: **Subject:** %subject%', ':bust_in_silhouette: **Customer:** %user%', ':arrow_right: %url%'],
    },
  ),
});
