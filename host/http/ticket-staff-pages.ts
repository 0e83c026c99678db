/**
 * The staff's side of the helpdesk (the signed-in admin, acting as one of the staff accounts):
 * `/admin/tickets`, `/admin/tickets/:id` with reply, close and assign, `/admin/staff`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dateFormat, field, refusal, ticketIdOf, type HelpdeskPageDeps } from './helpdesk-page-kit.js';
import { setFlash } from './request-context.js';

function staffPage(
  deps: HelpdeskPageDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  title: string,
  data: Record<string, unknown>,
) {
  return deps.page(req, reply, name, title, { fmt: dateFormat(deps), ...data });
}

/** `GET /admin/tickets`. */
export async function showTickets(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  const [tickets, staff] = await Promise.all([deps.helpdesk.tickets(), deps.helpdesk.staff.list()]);
  const names = new Map(staff.map((s) => [s.id, s.name]));
  return staffPage(deps, req, reply, 'tickets.njk', deps.t('tickets.title'), {
    tickets: tickets.map((tk) => ({
      ...tk,
      assignedName: tk.assignedStaffId ? (names.get(tk.assignedStaffId) ?? tk.assignedStaffId) : null,
    })),
  });
}

/** `GET /admin/tickets/:id`. */
export async function showTicket(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  const { helpdesk } = deps;
  const ticket = await helpdesk.ticket(ticketIdOf(req));
  if (!ticket) return reply.code(404).send({ error: 'not found' });
  const [messages, staff] = await Promise.all([helpdesk.messages(ticket.id), helpdesk.staff.list()]);
  return staffPage(deps, req, reply, 'ticket.njk', `#${ticket.id} ${ticket.subject}`, {
    ticket,
    messages,
    staff: staff.filter((s) => s.active),
    assigned: staff.find((s) => s.id === ticket.assignedStaffId) ?? null,
  });
}

/** A staff action on a ticket, back to the ticket with how it went. */
async function staffAction(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply, action: 'reply' | 'close' | 'assign') {
  const { helpdesk } = deps;
  const id = String(ticketIdOf(req));
  const staffId = field(req.body, 'staffId');
  try {
    const r =
      action === 'reply'
        ? await helpdesk.reply(id, { staffId, content: field(req.body, 'content') })
        : action === 'close'
          ? await helpdesk.close(id, { staffId })
          : await helpdesk.assign(id, staffId);
    setFlash(reply, r.ok ? { kind: 'ok', text: deps.t(`tickets.${action}_ok`) } : { kind: 'error', text: r.message });
  } catch (err) {
    setFlash(reply, { kind: 'error', text: refusal(err) });
  }
  return reply.redirect(`/admin/tickets/${encodeURIComponent(id)}`, 303);
}

/** `POST /admin/tickets/:id/reply {staffId, content}`. */
export async function postStaffReply(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  return staffAction(deps, req, reply, 'reply');
}

/** `POST /admin/tickets/:id/close {staffId}`. */
export async function postCloseTicket(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  return staffAction(deps, req, reply, 'close');
}

/** `POST /admin/tickets/:id/assign {staffId}`. */
export async function postAssignTicket(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  return staffAction(deps, req, reply, 'assign');
}

/** `GET /admin/staff`. */
export async function showStaff(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  return staffPage(deps, req, reply, 'staff.njk', deps.t('staff.title'), { staff: await deps.helpdesk.staff.list() });
}

/** `POST /admin/staff {id, name, email, permissions, active}`: creates or changes a staff account. */
export async function postStaff(deps: HelpdeskPageDeps, req: FastifyRequest, reply: FastifyReply) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const perms = [body.permissions].flat().filter((p): p is string => typeof p === 'string');
  try {
    await deps.helpdesk.saveStaff({
      id: field(body, 'id').trim(),
      name: field(body, 'name').trim(),
      email: field(body, 'email').trim() || null,
      permissions: perms,
      active: field(body, 'active') !== 'no',
    });
    setFlash(reply, { kind: 'ok', text: deps.t('staff.saved') });
  } catch (err) {
    setFlash(reply, { kind: 'error', text: refusal(err) });
  }
  return reply.redirect('/admin/staff', 303);
}
