/**
 * Which events of its kinds a webhook receives (the filters and the condition set on its settings
 * page). Pure.
 * Empty lists and null mean "all"; each event's definition (module/events/) applies the filters
 * it supports, so a filter about orders never excludes a ticket and vice versa.
 */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import { definitionOf } from '../events/index.js';
import type { Webhook } from '../webhooks/webhook.js';
import { conditionMatches } from '../conditions/conditions.js';

export function matchesFilters(
  webhook: Pick<Webhook, 'events' | 'filters' | 'condition'> & { id?: number },
  event: EventName,
  payload: AnyEventPayload,
): boolean {
  if (!webhook.events.includes(event)) return false;
  const definition = definitionOf(event);
  // An operational event is never sent to the webhook it is about: no alert loop on a dead target.
  if (definition.aboutWebhook && webhook.id !== undefined && definition.aboutWebhook(payload) === webhook.id) return false;
  if (!definition.matches(webhook.filters, payload)) return false;
  // The condition (a CEL expression, bounded in cost when saved) is checked after the cheap filters.
  return !webhook.condition || conditionMatches(webhook.condition, event, payload);
}
