/** `customer.registered`: a new customer account was created on the shop. */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';
import { fullName, withHeadline, type Lines } from './event-template.js';

/** The lines under the headline of the customer family's templates. */
export const customerLines: Lines = {
  fr: [
    ':envelope: **E-mail :** %email%',
    ':office: **Société :** %company%',
    ':earth_africa: **Pays :** %country%',
    ':link: **Fiche client :** %url%',
  ],
  en: [
    ':envelope: **Email:** %email%',
    ':office: **Company:** %company%',
    ':earth_africa: **Country:** %country%',
    ':link: **Customer record:** %url%',
  ],
};

export const customerRegistered = defineEvent<EventMap['customer.registered']>({
  name: 'customer.registered',
  schema: eventSchemas['customer.registered'],
  family: 'customer',
  variables: [
    { name: 'id', kind: 'trusted', value: (p) => (p.customer.id === undefined ? undefined : String(p.customer.id)) },
    { name: 'user', kind: 'untrusted-line', value: (p) => fullName(p.customer) },
    { name: 'email', kind: 'untrusted-line', value: (p) => p.customer.email },
    { name: 'company', kind: 'untrusted-line', value: (p) => p.customer.company },
    { name: 'country', kind: 'trusted', value: (p) => p.customer.country },
    { name: 'customerGroup', kind: 'trusted', value: (p) => p.customer.group },
    { name: 'url', kind: 'link', value: (p) => p.customer.url },
  ],
  aliases: { username: 'user' },
  filters: [],
  matches: () => true,
  reference: (p) => String(p.customer.id ?? p.customer.email),
  sample: (opts) => sampleEvent('customer.registered', opts),
  embed: { color: 0x5865f2 },
  defaultTemplate: withHeadline({ fr: ':wave: Nouveau client : %user%', en: ':wave: New customer: %user%' }, customerLines),
});
