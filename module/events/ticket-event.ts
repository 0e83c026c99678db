/**
 * What the three helpdesk events share: their variables, aliases and filters. Each event's own
 * file (ticket-submit.ts, ticket-reply.ts, ticket-close.ts) adds its schema, sample and colour.
 */
import type { TicketEventPayload } from '../../sdk/events.js';
import type { WebhookFilters } from './webhook-filters.js';
import type { EventDefinition, FilterField, TicketThreadKind, VariableSpec } from './event-definition.js';

const lower = (s: string) => s.trim().toLowerCase();
const fullName = (c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`.trim();

/** The variables of a ticket event; `%action%` names `action` (submit, reply, close) in the locale. */
export function ticketVariables<P extends TicketEventPayload>(action: string): VariableSpec<P>[] {
  return [
    { name: 'id', kind: 'trusted', value: (p) => String(p.ticket.id) },
    { name: 'subject', kind: 'untrusted-line', value: (p) => p.ticket.subject },
    { name: 'departmentName', kind: 'trusted', value: (p) => p.ticket.department.name },
    { name: 'user', kind: 'untrusted-line', value: (p) => fullName(p.ticket.customer) },
    { name: 'priority', kind: 'trusted', value: (p, f) => f.label(`rendering.priority.${p.ticket.priority}`) },
    { name: 'created_at', kind: 'trusted', value: (p, f) => f.date(p.ticket.createdAt) },
    { name: 'action', kind: 'trusted', value: (_p, f) => f.label(`rendering.action.${action}`) },
    { name: 'url', kind: 'link', value: (p) => p.ticket.url },
    { name: 'content', kind: 'untrusted', value: (p) => p.message?.content },
    { name: 'author', kind: 'untrusted-line', value: (p) => p.message?.author.name },
    { name: 'relatedUri', kind: 'link', value: (p) => p.ticket.related?.url },
    { name: 'related', kind: 'untrusted-line', value: (p) => p.ticket.related?.name },
    { name: 'email', kind: 'untrusted-line', value: (p) => p.ticket.customer.email, legacy: true },
  ];
}

export const ticketAliases = { username: 'user', relatedUrl: 'relatedUri' } as const;
export const ticketFilters: FilterField[] = ['departments', 'priorities'];

/** Department (by id or name, case-insensitive, whichever the admin typed) and priority. */
export function ticketMatches(f: WebhookFilters, p: TicketEventPayload): boolean {
  const { ticket } = p;
  if (f.departments.length > 0) {
    const id = String(ticket.department.id);
    const name = lower(ticket.department.name);
    if (!f.departments.some((d) => String(d).trim() === id || lower(String(d)) === name)) return false;
  }
  return f.priorities.length === 0 || f.priorities.includes(ticket.priority);
}

/** The parts every ticket event has in common. */
export function ticketParts<P extends TicketEventPayload>(
  action: string,
  thread: TicketThreadKind = action === 'submit' || action === 'close' ? action : 'reply',
): Pick<EventDefinition<P>, 'family' | 'variables' | 'aliases' | 'filters' | 'matches' | 'priority' | 'reference' | 'thread'> {
  return {
    thread,
    family: 'ticket',
    variables: ticketVariables<P>(action),
    aliases: ticketAliases,
    filters: ticketFilters,
    matches: ticketMatches,
    priority: (p) => p.ticket.priority,
    reference: (p) => String(p.ticket.id),
  };
}
