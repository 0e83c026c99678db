/**
 * Default templates of the billing events (invoices, services, customers): a headline of the
 * event's own, then the lines its family shares. A line whose variables are all empty disappears
 * (template.ts), so the family's lines can name every field one of its events carries.
 */
import { eventSchemas, type EventMap, type EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import type { TemplateFamily } from './webhook-filters.js';
import type { EventDefinition, VariableSpec } from './event-definition.js';

export type Words = Record<Locale, string>;
export type Lines = Record<Locale, readonly string[]>;

/** `headline` (the event's) above `body` (its family's), in each locale. */
export function withHeadline(headline: Words, body: Lines): Record<Locale, string> {
  return { fr: [headline.fr, ...body.fr].join('\n'), en: [headline.en, ...body.en].join('\n') };
}

/** A customer's first and last name, as every event shows it. */
export const fullName = (c: { firstName: string; lastName: string }): string => `${c.firstName} ${c.lastName}`.trim();

/** A property that only some of a family's payloads carry, or undefined. */
export function extra<T>(payload: object, key: string): T | undefined {
  return (payload as Record<string, T | undefined>)[key];
}

/** What a billing family (invoices, services) gives each of its events. */
export interface FamilyParts<K extends EventName> {
  family: TemplateFamily;
  variables: VariableSpec<EventMap[K]>[];
  lines: Lines;
  reference(payload: EventMap[K]): string;
}

/**
 * The definition of a billing event: the sdk's schema and sample, its family's variables and
 * lines under its own headline, its colour; no filter of the fixed set applies to it.
 */
export function familyEvent<K extends EventName>(
  event: K,
  parts: FamilyParts<K>,
  headline: Words,
  color: number,
): EventDefinition<EventMap[K]> {
  return {
    name: event,
    schema: eventSchemas[event] as unknown as EventDefinition<EventMap[K]>['schema'],
    family: parts.family,
    variables: parts.variables,
    aliases: { username: 'user' },
    filters: [],
    matches: () => true,
    reference: parts.reference,
    sample: (opts) => sampleEvent(event, opts),
    embed: { color },
    defaultTemplate: withHeadline(headline, parts.lines),
  };
}
