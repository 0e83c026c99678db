/**
 * What the ten service events share (ClientXCMS's service created, delivered, delivery failed,
 * renewed, upgraded, suspended, unsuspended, expired, cancelled, plus expiring): one variable
 * list, so one family template reads any of them, and the lines of the default template.
 */
import type { EventMap, ServiceEventName, ServiceEventPayload } from '../../sdk/events.js';
import type { EventDefinition, ValueFormat, VariableSpec } from './event-definition.js';
import { titleKey } from './event-definition.js';
import { extra, familyEvent, fullName, type FamilyParts, type Lines, type Words } from './event-template.js';

const cycles = new Set(['monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially', 'onetime']);
/** The billing cycle in the locale when it is one of the usual ones, else as the host wrote it. */
const cycleWord = (cycle: string | null | undefined, f: ValueFormat) =>
  cycle && cycles.has(cycle.toLowerCase()) ? f.label(`rendering.cycle.${cycle.toLowerCase()}`) : cycle;

/** The variables of every service event; a field an event does not carry is empty. */
export function serviceVariables(event: ServiceEventName): VariableSpec<ServiceEventPayload>[] {
  return [
    { name: 'id', kind: 'trusted', value: (p) => String(p.service.id) },
    { name: 'name', kind: 'untrusted-line', value: (p) => p.service.name },
    { name: 'hostname', kind: 'untrusted-line', value: (p) => p.service.hostname },
    { name: 'product', kind: 'trusted', value: (p) => p.service.product.name },
    { name: 'productGroup', kind: 'trusted', value: (p) => p.service.product.group },
    { name: 'previousProduct', kind: 'trusted', value: (p) => extra<{ name: string }>(p, 'previousProduct')?.name },
    { name: 'user', kind: 'untrusted-line', value: (p) => fullName(p.service.customer) },
    { name: 'customerGroup', kind: 'trusted', value: (p) => p.service.customer.group },
    { name: 'price', kind: 'trusted', value: (p, f) => f.price(p.service.price, p.service.currency) },
    { name: 'billingCycle', kind: 'trusted', value: (p, f) => cycleWord(p.service.billingCycle, f) },
    { name: 'expiresAt', kind: 'trusted', value: (p, f) => (p.service.expiresAt ? f.date(p.service.expiresAt) : undefined) },
    {
      name: 'previousExpiresAt',
      kind: 'trusted',
      value: (p, f) => {
        const previous = extra<string | null>(p, 'previousExpiresAt');
        return previous ? f.date(previous) : undefined;
      },
    },
    {
      name: 'daysLeft',
      kind: 'trusted',
      value: (p) => (extra<number>(p, 'daysLeft') === undefined ? undefined : String(extra<number>(p, 'daysLeft'))),
    },
    { name: 'reason', kind: 'untrusted', value: (p) => extra<string | null>(p, 'reason') },
    { name: 'action', kind: 'trusted', value: (_p, f) => f.label(titleKey(event)) },
    { name: 'url', kind: 'link', value: (p) => p.service.url },
    { name: 'email', kind: 'untrusted-line', value: (p) => p.service.customer.email, legacy: true },
  ];
}

/** The lines under each service event's headline. */
export const serviceLines: Lines = {
  fr: [
    ':package: **Produit :** %product% (%productGroup%)',
    ':arrow_up: **Ancienne offre :** %previousProduct%',
    ':globe_with_meridians: **Nom d’hôte :** %hostname%',
    ':bust_in_silhouette: **Client :** %user%',
    ':moneybag: **Prix :** %price%',
    ':repeat: **Facturation :** %billingCycle%',
    ':calendar: **Échéance :** %expiresAt%',
    ':information_source: **Raison :** %reason%',
    ':link: **Service :** %url%',
  ],
  en: [
    ':package: **Product:** %product% (%productGroup%)',
    ':arrow_up: **Previous plan:** %previousProduct%',
    ':globe_with_meridians: **Hostname:** %hostname%',
    ':bust_in_silhouette: **Customer:** %user%',
    ':moneybag: **Price:** %price%',
    ':repeat: **Billing:** %billingCycle%',
    ':calendar: **Due:** %expiresAt%',
    ':information_source: **Reason:** %reason%',
    ':link: **Service:** %url%',
  ],
};

/** Everything a service event's definition holds but its headline and colour. */
export function serviceEvent<K extends ServiceEventName>(event: K, headline: Words, color: number): EventDefinition<EventMap[K]> {
  const parts: FamilyParts<K> = {
    family: 'service',
    variables: serviceVariables(event) as VariableSpec<EventMap[K]>[],
    lines: serviceLines,
    reference: (p) => String(p.service.id),
  };
  return familyEvent(event, parts, headline, color);
}
