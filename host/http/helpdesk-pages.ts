/**
 * The helpdesk's pages. Staff (the signed-in admin, acting as one of the staff accounts):
 * `/admin/tickets`, `/admin/tickets/:id` with reply, close and claim, `/admin/staff`. Customers
 * (public, each ticket behind the key of its link): `/support` to open a ticket,
 * `/support/tickets/:id?key=…` to read and answer it. Answers given from a chat through a
 * module show here like any other.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ticketPriorities, type TicketPriority } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import { HelpdeskError, type HelpdeskService } from '../helpdesk/helpdesk-service.js';
import type { HostViews, RenderPage } from './host-views.js';
import { setFlash } from './request-context.js';

export interface HelpdeskPageDeps {
  helpdesk: HelpdeskService;
  views: HostViews;
  locale: Locale;
  timeZone: string;
  t(key: string, vars?: Record<string, string | number>): string;
  page: RenderPage;
}

const field = (body: unknown, name: string): string => {
  const v = ((body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
};

const ticketIdOf = (req: FastifyRequest): number => {
  const raw = (req.params as { id: string }).id;
  return /^\d{1,12}$/.test(raw) ? Number(raw) : -1;
};

export function mountHelpdeskPages(app: FastifyInstance, deps: HelpdeskPageDeps): void {
  const { helpdesk, views, t } = deps;
  const dtf = new Intl.DateTimeFormat(deps.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: deps.timeZone,
  });
  const fmt = (ms: number) => dtf.format(ms);
  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const page = (req: FastifyRequest, reply: FastifyReply, name: string, title: string, data: Record<string, unknown>) =>
    deps.page(req, reply, name, title, { fmt, ...data });
  const refusal = (err: unknown): string => (err instanceof HelpdeskError ? err.message : 'internal error');

  // ---- staff ----
  app.get('/admin/tickets', async (req, reply) => {
    const [tickets, staff] = await Promise.all([helpdesk.tickets(), helpdesk.staff.list()]);
    const names = new Map(staff.map((s) => [s.id, s.name]));
    return page(req, reply, 'tickets.njk', t('tickets.title'), {
      tickets: tickets.map((tk) => ({
        ...tk,
        assignedName: tk.assignedStaffId ? (names.get(tk.assignedStaffId) ?? tk.assignedStaffId) : null,
      })),
    });
  });

  app.get('/admin/tickets/:id', async (req, reply) => {
    const ticket = await helpdesk.ticket(ticketIdOf(req));
    if (!ticket) return reply.code(404).send({ error: 'not found' });
    const [messages, staff] = await Promise.all([helpdesk.messages(ticket.id), helpdesk.staff.list()]);
    return page(req, reply, 'ticket.njk', `#${ticket.id} ${ticket.subject}`, {
      ticket,
      messages,
      staff: staff.filter((s) => s.active),
      assigned: staff.find((s) => s.id === ticket.assignedStaffId) ?? null,
    });
  });

  const staffAction = (action: 'reply' | 'close' | 'assign') => async (req: FastifyRequest, reply: FastifyReply) => {
    const id = String(ticketIdOf(req));
    const staffId = field(req.body, 'staffId');
    try {
      const r =
        action === 'reply'
          ? await helpdesk.reply(id, { staffId, content: field(req.body, 'content') })
          : action === 'close'
            ? await helpdesk.close(id, { staffId })
            : await helpdesk.assign(id, staffId);
      setFlash(reply, r.ok ? { kind: 'ok', text: t(`tickets.${action}_ok`) } : { kind: 'error', text: r.message });
    } catch (err) {
      setFlash(reply, { kind: 'error', text: refusal(err) });
    }
    return reply.redirect(`/admin/tickets/${encodeURIComponent(id)}`, 303);
  };
  app.post('/admin/tickets/:id/reply', staffAction('reply'));
  app.post('/admin/tickets/:id/close', staffAction('close'));
  app.post('/admin/tickets/:id/assign', staffAction('assign'));

  app.get('/admin/staff', async (req, reply) => page(req, reply, 'staff.njk', t('staff.title'), { staff: await helpdesk.staff.list() }));
  app.post('/admin/staff', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const perms = [body.permissions].flat().filter((p): p is string => typeof p === 'string');
    try {
      await helpdesk.saveStaff({
        id: field(body, 'id').trim(),
        name: field(body, 'name').trim(),
        email: field(body, 'email').trim() || null,
        permissions: perms,
        active: field(body, 'active') !== 'no',
      });
      setFlash(reply, { kind: 'ok', text: t('staff.saved') });
    } catch (err) {
      setFlash(reply, { kind: 'error', text: refusal(err) });
    }
    return reply.redirect('/admin/staff', 303);
  });

  // ---- customers (public: each ticket behind its link's key) ----
  const supportPage = (reply: FastifyReply, name: string, data: Record<string, unknown>, status = 200) =>
    html(reply, views.fragment(name, { fmt, priorities: ticketPriorities, ...data }, deps.locale), status);
  const keyOf = (req: FastifyRequest) => String((req.query as { key?: unknown }).key ?? '');
  const isPriority = (p: string): p is TicketPriority => (ticketPriorities as readonly string[]).includes(p);

  app.get('/support', { config: { public: true } }, async (_req, reply) =>
    supportPage(reply, 'support-new.njk', { error: null, values: {} }),
  );
  // Anyone may post these: each address gets a few a minute (429 with Retry-After past them).
  const customerPost = { config: { public: true, rateLimit: { max: 20, timeWindow: 60_000 } }, bodyLimit: 64 * 1024 };
  app.post('/support/tickets', customerPost, async (req, reply) => {
    const b = req.body;
    const priority = field(b, 'priority');
    try {
      const { ticket, key } = await helpdesk.open({
        subject: field(b, 'subject'),
        department: field(b, 'department'),
        priority: isPriority(priority) ? priority : 'medium',
        customer: { firstName: field(b, 'firstName').trim(), lastName: field(b, 'lastName').trim(), email: field(b, 'email').trim() },
        content: field(b, 'content'),
      });
      return reply.redirect(`/support/tickets/${ticket.id}?key=${encodeURIComponent(key)}`, 303);
    } catch (err) {
      return supportPage(reply, 'support-new.njk', { error: refusal(err), values: b ?? {} }, 400);
    }
  });
  app.get('/support/tickets/:id', { config: { public: true } }, async (req, reply) => {
    const ticket = await helpdesk.forCustomer(ticketIdOf(req), keyOf(req));
    if (!ticket) return reply.code(404).send({ error: 'not found' });
    return supportPage(reply, 'support-ticket.njk', { ticket, messages: await helpdesk.messages(ticket.id), key: keyOf(req), error: null });
  });
  app.post('/support/tickets/:id/reply', customerPost, async (req, reply) => {
    const id = ticketIdOf(req);
    const key = field(req.body, 'key');
    try {
      await helpdesk.customerReply(id, key, field(req.body, 'content'));
    } catch (err) {
      if (err instanceof HelpdeskError && err.reason === 'ticket_not_found') return reply.code(404).send({ error: 'not found' });
      const ticket = await helpdesk.forCustomer(id, key);
      if (!ticket) return reply.code(404).send({ error: 'not found' });
      return supportPage(
        reply,
        'support-ticket.njk',
        { ticket, messages: await helpdesk.messages(ticket.id), key, error: refusal(err) },
        400,
      );
    }
    return reply.redirect(`/support/tickets/${id}?key=${encodeURIComponent(key)}`, 303);
  });
}
