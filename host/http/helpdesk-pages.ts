/**
 * The helpdesk's route table. Staff (the signed-in admin, acting as one of the staff accounts):
 * `/admin/tickets`, `/admin/tickets/:id` with reply, close and assign, `/admin/staff`
 * (`ticket-staff-pages.ts`). Customers (public, each ticket behind the key of its link):
 * `/support` to open a ticket, `/support/tickets/:id?key=…` to read and answer it
 * (`support-pages.ts`). Answers given from a chat through a module show here like any other.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { HelpdeskPageDeps } from './helpdesk-page-kit.js';
import { openTicket, postCustomerReply, showCustomerTicket, showSupportForm } from './support-pages.js';
import { postAssignTicket, postCloseTicket, postStaff, postStaffReply, showStaff, showTicket, showTickets } from './ticket-staff-pages.js';

export type { HelpdeskPageDeps };

type HelpdeskHandler = (deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function mountHelpdeskPages(app: FastifyInstance, deps: HelpdeskPageDeps): void {
  const h =
    (fn: HelpdeskHandler): RouteHandlerMethod =>
    (req, reply) =>
      fn(deps, req, reply);

  app.get('/admin/tickets', h(showTickets));
  app.get('/admin/tickets/:id', h(showTicket));
  app.post('/admin/tickets/:id/reply', h(postStaffReply));
  app.post('/admin/tickets/:id/close', h(postCloseTicket));
  app.post('/admin/tickets/:id/assign', h(postAssignTicket));
  app.get('/admin/staff', h(showStaff));
  app.post('/admin/staff', h(postStaff));

  // Anyone may post these: each address gets a few a minute (429 with Retry-After past them).
  const customerPost = { config: { public: true, rateLimit: { max: 20, timeWindow: 60_000 } }, bodyLimit: 64 * 1024 };
  app.get('/support', { config: { public: true } }, h(showSupportForm));
  app.post('/support/tickets', customerPost, h(openTicket));
  app.get('/support/tickets/:id', { config: { public: true } }, h(showCustomerTicket));
  app.post('/support/tickets/:id/reply', customerPost, h(postCustomerReply));
}
