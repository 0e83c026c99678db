/**
 * What the admin may change in the preview's sample event, so every condition, filter and role
 * ping can be tried before saving: the ticket's priority and department, the amount and the
 * payment gateway of an order or invoice. Applied to a copy; events without the field ignore it.
 */
import type { TicketPriority } from '../../sdk/events.js';

export interface SampleChoices {
  priority?: TicketPriority;
  /** A department's name (or id, as the webhook's filter may name it). */
  department?: string;
  amount?: number;
  gateway?: string;
}

type Loose = Record<string, unknown>;
const isRecord = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `payload` with the admin's choices applied (a deep copy; the definition's sample is untouched). */
export function withSampleChoices<P>(payload: P, choices: SampleChoices | undefined): P {
  if (!choices || Object.keys(choices).length === 0) return payload;
  const copy = structuredClone(payload) as Loose;
  const ticket = copy.ticket;
  if (isRecord(ticket)) {
    if (choices.priority) ticket.priority = choices.priority;
    if (choices.department?.trim()) {
      const name = choices.department.trim();
      // The sample's own department when named by its id or name, so a filter by id still matches.
      const current = isRecord(ticket.department) ? ticket.department : {};
      const same = String(current.id) === name || String(current.name).toLowerCase() === name.toLowerCase();
      ticket.department = same ? current : { id: name.toLowerCase().replace(/\s+/g, '-').slice(0, 64), name };
    }
  }
  for (const key of ['order', 'invoice']) {
    const money = copy[key];
    if (!isRecord(money)) continue;
    if (choices.amount !== undefined) money.total = choices.amount;
    if (choices.gateway?.trim()) money.paymentGateway = choices.gateway.trim();
  }
  return copy as P;
}
