/**
 * Which events of its kinds a webhook receives (the filters set on its settings page). Pure.
 * Empty lists and null mean "all"; a filter about orders never excludes a ticket and vice versa.
 */
import type { AnyEventPayload, EventMap, EventName } from '../../sdk/events.js';
import type { Webhook } from '../webhooks/webhook.js';

const lower = (s: string) => s.trim().toLowerCase();

export function matchesFilters(webhook: Pick<Webhook, 'events' | 'filters'>, event: EventName, payload: AnyEventPayload): boolean {
  if (!webhook.events.includes(event)) return false;
  const f = webhook.filters;
  if (event === 'order.paid') {
    const order = (payload as EventMap['order.paid']).order;
    if (f.minOrderTotal !== null && f.minOrderTotal !== undefined && order.total < f.minOrderTotal) return false;
    if (f.paymentGateways.length > 0 && !f.paymentGateways.map(lower).includes(lower(order.paymentGateway))) return false;
    return true;
  }
  const { ticket } = payload as EventMap['ticket.submit'] | EventMap['ticket.close'];
  if (f.departments.length > 0) {
    // A department is named by its id or its name (case-insensitive), whichever the admin typed.
    const id = String(ticket.department.id);
    const name = lower(ticket.department.name);
    if (!f.departments.some((d) => String(d).trim() === id || lower(String(d)) === name)) return false;
  }
  if (f.priorities.length > 0 && !f.priorities.includes(ticket.priority)) return false;
  if (event === 'ticket.reply') {
    const staff = (payload as EventMap['ticket.reply']).message.author.staff;
    if (f.replyAuthors === 'staff' && !staff) return false;
    if (f.replyAuthors === 'customer' && staff) return false;
  }
  return true;
}
