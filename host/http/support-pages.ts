/**
 * The customer's side of the helpdesk (public, each ticket behind the key of its link):
 * `/support` to open a ticket, `/support/tickets/:id?key=…` to read and answer it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ticketPriorities, type TicketPriority } from '../../sdk/events.js';
import { HelpdeskError } from '../helpdesk/helpdesk-service.js';
import { dateFormat, field, refusal, ticketIdOf, type HelpdeskPageDeps } from './helpdesk-page-kit.js';
import { html } from './host-page-kit.js';

function supportPage(deps: HelpdeskPageDeps, reply: FastifyReply, name: string, data: Record<string, unknown>, status = 200) {
  return html(reply, deps.views.fragment(name, { fmt: dateFormat(deps), priorities: ticketPriorities, ...data }, deps.locale), status);
}
const keyOf = (req: FastifyRequest) => String((req.query as { key?: unknown }).key ?? '');
const isPriority = (p: string): p is TicketPriority => (ticketPriorities as readonly string[]).includes(p);

/** `GET /support`: the form to open a ticket. */
export async function showSupportForm(deps: HelpdeskPageDeps, _req: FastifyRequest, reply: FastifyReply) {
  return supportPage(deps, reply, 'support-new.njk', { error: null, values: {} });
}

/** `POST /support/tickets`: opens the ticket and goes to its page (its link holds the key). */
export async function openTicket(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  const b = req.body;
  const priority = field(b, 'priority');
  try {
    const { ticket, key } = await deps.helpdesk.open({
      subject: field(b, 'subject'),
      department: field(b, 'department'),
      priority: isPriority(priority) ? priority : 'medium',
      customer: { firstName: field(b, 'firstName').trim(), lastName: field(b, 'lastName').trim(), email: field(b, 'email').trim() },
      content: field(b, 'content'),
    });
    return reply.redirect(`/support/tickets/${ticket.id}?key=${encodeURIComponent(key)}`, 303);
  } catch (err) {
    return supportPage(deps, reply, 'support-new.njk', { error: refusal(err), values: b ?? {} }, 400);
  }
}

/** `GET /support/tickets/:id?key=`: 404 unless the key is the ticket's. */
export async function showCustomerTicket(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  const ticket = await deps.helpdesk.forCustomer(ticketIdOf(req), keyOf(req));
  if (!ticket) return reply.code(404).send({ error: 'not found' });
  return supportPage(deps, reply, 'support-ticket.njk', {
    ticket,
    messages: await deps.helpdesk.messages(ticket.id),
    key: keyOf(req),
    error: null,
  });
}

/** `POST /support/tickets/:id/reply {key, content}`. */
export async function postCustomerReply(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  const { helpdesk } = deps;
  const id = ticketIdOf(req);
  const key = field(req.body, 'key');
  try {
    await helpdesk.customerReply(id, key, field(req.body, 'content'));
  } catch (err) {
    if (err instanceof HelpdeskError && err.reason === 'ticket_not_found') return reply.code(404).send({ error: 'not found' });
    const ticket = await helpdesk.forCustomer(id, key);
    if (!ticket) return reply.code(404).send({ error: 'not found' });
    return supportPage(
      deps,
      reply,
      'support-ticket.njk',
      { ticket, messages: await helpdesk.messages(ticket.id), key, error: refusal(err) },
      400,
    );
  }
  return reply.redirect(`/support/tickets/${id}?key=${encodeURIComponent(key)}`, 303);
}
