/**
 * `ticket.awaiting_staff`: raised by the module (module/delivery/awaiting-staff.ts) when a
 * customer's message has waited longer than the webhook's delay for a staff answer. Each webhook
 * chooses its delay (`filters.awaitingStaffMinutes`); a reminder carries the delay it was
 * scheduled for, and goes to the webhooks that chose that delay.
 */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { withHeadline } from './event-template.js';
import { ticketMatches, ticketParts, ticketVariables } from './ticket-event.js';

type Payload = EventMap['ticket.awaiting_staff'];

/** The reminder delay of a webhook that never chose one (4 h). */
export const DEFAULT_AWAITING_STAFF_MINUTES = 240;

/** `4 h`, `1 h 30 min`, `45 min`, `2 j`/`2 d`. */
export function waitWords(minutes: number, locale: string): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [days ? `${days} ${locale === 'fr' ? 'j' : 'd'}` : '', hours ? `${hours} h` : '', mins ? `${mins} min` : ''];
  return parts.filter(Boolean).join(' ');
}

export const ticketAwaitingStaff = defineEvent<Payload>({
  name: 'ticket.awaiting_staff',
  schema: eventSchemas['ticket.awaiting_staff'],
  ...ticketParts<Payload>('awaiting_staff'),
  variables: [
    ...ticketVariables<Payload>('awaiting_staff'),
    { name: 'waitingSince', kind: 'trusted', value: (p, f) => f.date(p.waitingSince) },
    { name: 'delay', kind: 'trusted', value: (p, f) => waitWords(p.delayMinutes, f.locale) },
  ],
  filters: ['departments', 'priorities', 'awaitingStaffMinutes'],
  matches: (f, p) => ticketMatches(f, p) && (f.awaitingStaffMinutes ?? DEFAULT_AWAITING_STAFF_MINUTES) === p.delayMinutes,
  sample: (opts) => sampleEvent('ticket.awaiting_staff', opts),
  embed: { color: 0xe74c3c },
  defaultTemplate: withHeadline(
    {
      fr: ':hourglass_flowing_sand: Le ticket n° %id% attend une réponse du support depuis %delay%',
      en: ':hourglass_flowing_sand: Ticket #%id% has waited %delay% for a staff answer',
    },
    {
      fr: [
        ':speech_balloon: **Sujet :** %subject%',
        ':department_store: **Département :** %departmentName%',
        ':vertical_traffic_light: **Priorité :** %priority%',
        ':bust_in_silhouette: **Client :** %user%',
        ':clock3: **Dernier message du client :** %waitingSince%',
        ':memo: **Message :** %content%',
        ':arrow_right: Cliquez ici pour y répondre : %url%',
      ],
      en: [
        ':speech_balloon: **Subject:** %subject%',
        ':department_store: **Department:** %departmentName%',
        ':vertical_traffic_light: **Priority:** %priority%',
        ':bust_in_silhouette: **Customer:** %user%',
        ':clock3: **Customer wrote:** %waitingSince%',
        ':memo: **Message:** %content%',
        ':arrow_right: Click here to answer: %url%',
      ],
    },
  ),
});
