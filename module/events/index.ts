/**
 * The module's events: one definition per file, listed here. Everything that depends on which
 * event it handles asks this registry (subscribers, variables, formatters, filters, the settings
 * form, the preview) instead of comparing event names. `registerEvent` adds one more (an event
 * another package emits, or a test fixture) and returns how to take it back.
 */
import type { EventName } from '../../sdk/events.js';
import type { EventDefinition } from './event-definition.js';
import { orderPaid } from './order-paid.js';
import { ticketClose } from './ticket-close.js';
import { ticketReply } from './ticket-reply.js';
import { ticketSubmit } from './ticket-submit.js';

export type { EventDefinition, FilterField, ValueFormat, VariableKind, VariableSpec } from './event-definition.js';
export { defineEvent, titleKey } from './event-definition.js';

const registry = new Map<string, EventDefinition>();
for (const d of [orderPaid, ticketSubmit, ticketReply, ticketClose]) registry.set(d.name, d as EventDefinition);

/** Every known event's definition, in the order the settings page lists them. */
export function eventDefinitions(): EventDefinition[] {
  return [...registry.values()];
}

/** Every known event's name. */
export function knownEventNames(): EventName[] {
  return [...registry.keys()] as EventName[];
}

export function isKnownEvent(name: unknown): name is EventName {
  return typeof name === 'string' && registry.has(name);
}

/** The definition of `name`; an unknown name is a programming error (names are validated at the edges). */
export function definitionOf(name: string): EventDefinition {
  const d = registry.get(name);
  if (!d) throw new Error(`webhooks: no definition for event "${name}"`);
  return d;
}

/** Adds an event definition; returns the function that removes it. A name already defined is refused. */
export function registerEvent<P>(definition: EventDefinition<P>): () => void {
  if (registry.has(definition.name)) throw new Error(`webhooks: event "${definition.name}" is already defined`);
  registry.set(definition.name, definition as EventDefinition);
  return () => {
    if (registry.get(definition.name) === (definition as EventDefinition)) registry.delete(definition.name);
  };
}
