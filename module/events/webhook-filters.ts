/**
 * What an event's definition says of the webhooks that listen to it: its template family and the
 * filters it reads. Declared here, below the webhooks, so events never import the webhook model.
 */
import type { TicketPriority } from '../../sdk/events.js';

/**
 * Templates are per family: the shop's orders, the helpdesk's tickets, invoices, services and
 * customers (each event's definition says which); the events of a family share their variables.
 */
export type TemplateFamily = 'order' | 'ticket' | 'invoice' | 'service' | 'customer' | 'webhooks';
export const templateFamilies: readonly TemplateFamily[] = ['order', 'ticket', 'invoice', 'service', 'customer', 'webhooks'];

export interface WebhookFilters {
  /** Department ids or names; empty = all. */
  departments: string[];
  /** Empty = all. */
  priorities: TicketPriority[];
  /** Orders below this total are not sent; null = all. */
  minOrderTotal: number | null;
  /** Gateway names, case-insensitive; empty = all. */
  paymentGateways: string[];
  /** For ticket.reply: whose replies are sent. */
  replyAuthors: 'staff' | 'customer' | 'both';
  /**
   * For ticket.awaiting_staff: how long a customer's message waits for a staff answer before the
   * webhook is reminded, in minutes (default 240: 4 h).
   */
  awaitingStaffMinutes: number;
}
