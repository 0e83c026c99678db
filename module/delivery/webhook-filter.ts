/**
 * Which events of its kinds a webhook receives (the filters set on its settings page). Pure.
 * Empty lists and null mean "all"; each event's definition (module/events/) applies the filters
 * it supports, so a filter about orders never excludes a ticket and vice versa.
 */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import { definitionOf } from '../events/index.js';
import type { Webhook } from '../webhooks/webhook.js';

export function matchesFilters(webhook: Pick<Webhook, 'events' | 'filters'>, event: EventName, payload: AnyEventPayload): boolean {
  if (!webhook.events.includes(event)) return false;
  return definitionOf(event).matches(webhook.filters, payload);
}
