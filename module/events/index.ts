/**
 * The module's events: one definition per file, listed here. Everything that depends on which
 * event it handles asks this registry (subscribers, variables, formatters, filters, the settings
 * form, the preview) instead of comparing event names. `registerEvent` adds one more (an event
 * another package emits, or a test fixture) and returns how to take it back.
 */
import type { EventName } from '../../sdk/events.js';
import type { EventDefinition } from './event-definition.js';
import { customerRegistered } from './customer-registered.js';
import { invoiceCancelled } from './invoice-cancelled.js';
import { invoiceCreated } from './invoice-created.js';
import { invoiceOverdue } from './invoice-overdue.js';
import { invoicePaid } from './invoice-paid.js';
import { invoicePaymentFailed } from './invoice-payment-failed.js';
import { invoiceRefunded } from './invoice-refunded.js';
import { orderPaid } from './order-paid.js';
import { serviceCancelled } from './service-cancelled.js';
import { serviceCreated } from './service-created.js';
import { serviceDelivered } from './service-delivered.js';
import { serviceDeliveryFailed } from './service-delivery-failed.js';
import { serviceExpired } from './service-expired.js';
import { serviceExpiring } from './service-expiring.js';
import { serviceRenewed } from './service-renewed.js';
import { serviceSuspended } from './service-suspended.js';
import { serviceUnsuspended } from './service-unsuspended.js';
import { serviceUpgraded } from './service-upgraded.js';
import { ticketAssigned } from './ticket-assigned.js';
import { ticketAwaitingStaff } from './ticket-awaiting-staff.js';
import { ticketClose } from './ticket-close.js';
import { ticketReopen } from './ticket-reopen.js';
import { ticketReply } from './ticket-reply.js';
import { ticketSubmit } from './ticket-submit.js';
import { webhooksDeliveryFailed } from './webhooks-delivery-failed.js';
import { webhooksDisabled } from './webhooks-disabled.js';
import { webhooksPaused } from './webhooks-paused.js';
import { webhooksRecovered } from './webhooks-recovered.js';

export type { EventDefinition, FilterField, TicketThreadKind, ValueFormat, VariableKind, VariableSpec } from './event-definition.js';
export { defineEvent, titleKey } from './event-definition.js';
export { DEFAULT_AWAITING_STAFF_MINUTES } from './ticket-awaiting-staff.js';

const registry = new Map<string, EventDefinition>();
// The settings page lists them in this order: the shop, the helpdesk, then billing and customers,
// then the module's own alerts (the sdk's eventSchemas keeps the same order).
const definitions = [
  orderPaid,
  ticketSubmit,
  ticketReply,
  ticketClose,
  ticketReopen,
  invoiceCreated,
  invoicePaid,
  invoicePaymentFailed,
  invoiceRefunded,
  invoiceCancelled,
  invoiceOverdue,
  serviceCreated,
  serviceDelivered,
  serviceDeliveryFailed,
  serviceRenewed,
  serviceUpgraded,
  serviceSuspended,
  serviceUnsuspended,
  serviceExpiring,
  serviceExpired,
  serviceCancelled,
  customerRegistered,
  ticketAssigned,
  ticketAwaitingStaff,
  webhooksDisabled,
  webhooksPaused,
  webhooksDeliveryFailed,
  webhooksRecovered,
];
for (const d of definitions) registry.set(d.name, d as EventDefinition);

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
