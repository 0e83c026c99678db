/**
 * What the four operational events share (the module's alerts about its own webhooks, after
 * Svix's `EndpointDisabled` and `MessageAttemptExhausted`): one variable list, the lines of the
 * default template, and their subject — an alert about a webhook never goes to that webhook.
 */
import type { EventMap, OpsEventName, OpsEventPayload } from '../../sdk/events.js';
import type { EventDefinition, VariableSpec } from './event-definition.js';
import { titleKey } from './event-definition.js';
import { extra, familyEvent, type Lines, type Words } from './event-template.js';

/** The variables of every operational event; a field an event does not carry is empty. */
export function webhooksVariables(event: OpsEventName): VariableSpec<OpsEventPayload>[] {
  const delivery = (p: OpsEventPayload) =>
    extra<{ id: number; event: string; eventId: string; reference?: string | null; attempts: number }>(p, 'delivery');
  return [
    { name: 'id', kind: 'trusted', value: (p) => String(p.webhook.id) },
    // Typed by an admin, but shown on other platforms than its own: treated as a customer's line.
    { name: 'name', kind: 'untrusted-line', value: (p) => p.webhook.name },
    { name: 'platform', kind: 'trusted', value: (p) => p.webhook.platform },
    // Masked when stored (never the URL itself: it is a credential).
    { name: 'urlHint', kind: 'untrusted-line', value: (p) => p.webhook.urlHint },
    // A platform's words (a response body), so never trusted.
    { name: 'reason', kind: 'untrusted', value: (p) => extra<string>(p, 'reason') },
    {
      name: 'failures',
      kind: 'trusted',
      value: (p) => (extra<number>(p, 'failures') === undefined ? undefined : String(extra<number>(p, 'failures'))),
    },
    {
      name: 'event',
      kind: 'trusted',
      value: (p, f) => {
        const d = delivery(p);
        return d ? `${f.label(titleKey(d.event))} (${d.event})` : undefined;
      },
    },
    { name: 'reference', kind: 'untrusted-line', value: (p) => delivery(p)?.reference },
    { name: 'attempts', kind: 'trusted', value: (p) => (delivery(p) ? String(delivery(p)!.attempts) : undefined) },
    {
      name: 'failingSince',
      kind: 'trusted',
      value: (p, f) => {
        const since = extra<string>(p, 'failingSince');
        return since ? f.date(since) : undefined;
      },
    },
    { name: 'action', kind: 'trusted', value: (_p, f) => f.label(titleKey(event)) },
  ];
}

/** The lines under each operational event's headline. */
export const webhooksLines: Lines = {
  fr: [
    ':satellite: **Webhook :** %name% (n° %id%, %platform%)',
    ':link: **Adresse :** %urlHint%',
    ':information_source: **Raison :** %reason%',
    ':incoming_envelope: **Événement :** %event%',
    ':bookmark: **Référence :** %reference%',
    ':repeat: **Tentatives :** %attempts%',
    ':x: **Envois abandonnés :** %failures%',
    ':clock3: **En échec depuis :** %failingSince%',
  ],
  en: [
    ':satellite: **Webhook:** %name% (#%id%, %platform%)',
    ':link: **Address:** %urlHint%',
    ':information_source: **Reason:** %reason%',
    ':incoming_envelope: **Event:** %event%',
    ':bookmark: **Reference:** %reference%',
    ':repeat: **Attempts:** %attempts%',
    ':x: **Deliveries given up:** %failures%',
    ':clock3: **Failing since:** %failingSince%',
  ],
};

/** Everything an operational event's definition holds but its headline and colour. */
export function webhooksEvent<K extends OpsEventName>(event: K, headline: Words, color: number): EventDefinition<EventMap[K]> {
  const definition = familyEvent(
    event,
    {
      family: 'webhooks',
      variables: webhooksVariables(event) as VariableSpec<EventMap[K]>[],
      lines: webhooksLines,
      reference: (p) => `#${p.webhook.id}`,
    },
    headline,
    color,
  );
  // No `%user%` here: no customer is involved.
  return { ...definition, aliases: {}, aboutWebhook: (p) => p.webhook.id };
}
