/**
 * The reference host's helpdesk: customers open and answer tickets, staff answer, close and
 * claim them — from the host's own pages or, through the HelpdeskPort, from a module (a chat).
 * Every change is checked here (the staff member exists, is active and holds the permission; the
 * ticket exists and is open), recorded, then announced on the bus with the event the host always
 * emits (`ticket.submit`, `ticket.reply`, `ticket.close`, and `ticket.assigned`), validated
 * against the sdk's schemas. Modules never write these tables.
 */
import crypto from 'node:crypto';
import type { EventEmitter2 } from 'eventemitter2';
import type { HelpdeskPort, HelpdeskRefusal, HelpdeskResult, StaffMember } from '../../sdk/helpdesk.js';
import { customerSchema, validateEvent, type EventName, type TicketPriority } from '../../sdk/events.js';
import type { Logger } from '../../sdk/module-context.js';
import type { HelpdeskStore, Ticket, TicketMessage } from './helpdesk-store.js';

const MAX_CONTENT = 20_000;

export class HelpdeskError extends Error {
  constructor(
    readonly reason: HelpdeskRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface NewTicket {
  subject: string;
  department: string;
  priority: TicketPriority;
  customer: { firstName: string; lastName: string; email: string };
  content: string;
}

/** The helpdesk's answer to a staff action: the port's, plus the id of the event announced. */
export type HostHelpdeskResult = HelpdeskResult & { eventId?: string };

/** The port's answer exactly as the sdk declares it (no host-only fields for modules). */
async function portAnswer(answer: Promise<HostHelpdeskResult>): Promise<HelpdeskResult> {
  const r = await answer;
  return r.ok ? { ok: true, ticketId: r.ticketId } : r;
}

const hashKey = (key: string) => crypto.createHash('sha256').update(key).digest('hex');

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\w]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase()
      .slice(0, 64) || 'general'
  );
}

export class HelpdeskService implements HelpdeskPort {
  constructor(
    private readonly store: HelpdeskStore,
    private readonly bus: EventEmitter2,
    private readonly now: () => number,
    /** The host's address as its staff reach it (links in events), known once it listens. */
    private readonly baseUrl: () => string,
    private readonly logger: Logger,
  ) {}

  readonly staff = {
    get: (id: string) => this.store.staff(id),
    list: () => this.store.allStaff(),
  };

  ticket(id: number): Promise<Ticket | null> {
    return id >= 0 ? this.store.ticket(id) : Promise.resolve(null);
  }

  tickets(): Promise<Ticket[]> {
    return this.store.tickets();
  }

  messages(ticketId: number): Promise<TicketMessage[]> {
    return this.store.messages(ticketId);
  }

  /** Adds or changes a staff account (the reference host has no staff sign-in: the admin acts as one). */
  async saveStaff(s: StaffMember): Promise<void> {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(s.id)) throw new HelpdeskError('invalid', 'id: 1 to 64 lower-case letters, digits, . _ -');
    if (!s.name || s.name.length > 200) throw new HelpdeskError('invalid', 'name: required, at most 200 characters');
    const known = ['*', 'tickets.reply', 'tickets.close', 'tickets.assign'];
    const bad = s.permissions.find((p) => !known.includes(p));
    if (bad) throw new HelpdeskError('invalid', `permissions: unknown "${bad.slice(0, 40)}" (known: ${known.join(', ')})`);
    await this.store.saveStaff(s, this.now());
  }

  ticketUrl(id: number): string {
    return `${this.baseUrl()}/admin/tickets/${id}`;
  }

  /** A customer opens a ticket: answers the ticket and the key of the customer's own link to it. */
  async open(input: NewTicket): Promise<{ ticket: Ticket; key: string; eventId: string | null }> {
    const content = this.content(input.content);
    const subject = input.subject.trim();
    if (!subject || subject.length > 1000) throw new HelpdeskError('invalid', 'subject: required, at most 1000 characters');
    const customer = customerSchema.safeParse(input.customer);
    if (!customer.success)
      throw new HelpdeskError('invalid', `customer: ${customer.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const key = crypto.randomBytes(24).toString('base64url');
    const at = this.now();
    const { ticket, message } = await this.store.createTicket(
      {
        subject,
        department: input.department.trim() || 'Support',
        priority: input.priority,
        status: 'open',
        customer: input.customer,
        customerKeyHash: hashKey(key),
        assignedStaffId: null,
        createdAt: at,
        updatedAt: at,
      },
      {
        authorKind: 'customer',
        staffId: null,
        authorName: `${input.customer.firstName} ${input.customer.lastName}`.trim(),
        content,
        createdAt: at,
      },
    );
    const eventId = await this.announce('ticket.submit', ticket, message);
    return { ticket, key, eventId };
  }

  /** The ticket, if `key` is the one of its customer's link. */
  async forCustomer(id: number, key: string): Promise<Ticket | null> {
    const ticket = await this.store.ticket(id);
    if (!ticket || typeof key !== 'string' || !key) return null;
    const a = Buffer.from(hashKey(key));
    const b = Buffer.from(ticket.customerKeyHash);
    return a.length === b.length && crypto.timingSafeEqual(a, b) ? ticket : null;
  }

  async customerReply(id: number, key: string, text: string): Promise<TicketMessage> {
    const ticket = await this.forCustomer(id, key);
    if (!ticket) throw new HelpdeskError('ticket_not_found', `ticket ${id}: not found`);
    return (await this.addCustomerReply(ticket, text)).message;
  }

  /**
   * The ticket's customer answers, on the host's own authority (its simulator, behind the admin
   * sign-in): what customerReply does once the link's key is checked.
   */
  async replyAsCustomer(id: number, text: string): Promise<{ message: TicketMessage; eventId: string | null }> {
    const ticket = await this.ticket(id);
    if (!ticket) throw new HelpdeskError('ticket_not_found', `ticket ${id}: not found`);
    return this.addCustomerReply(ticket, text);
  }

  /** The ticket's customer closes it, on the host's own authority (its simulator). */
  async closeAsCustomer(id: number): Promise<{ eventId: string | null }> {
    const ticket = await this.ticket(id);
    if (!ticket) throw new HelpdeskError('ticket_not_found', `ticket ${id}: not found`);
    if (ticket.status === 'closed') throw new HelpdeskError('ticket_closed', `ticket ${id} is closed`);
    const name = `${ticket.customer.firstName} ${ticket.customer.lastName}`.trim();
    return { eventId: await this.markClosed(ticket, { name, staff: false }) };
  }

  private async addCustomerReply(ticket: Ticket, text: string): Promise<{ message: TicketMessage; eventId: string | null }> {
    if (ticket.status === 'closed') throw new HelpdeskError('ticket_closed', `ticket ${ticket.id} is closed`);
    const at = this.now();
    const name = `${ticket.customer.firstName} ${ticket.customer.lastName}`.trim();
    const message = await this.store.addMessage(
      ticket.id,
      { authorKind: 'customer', staffId: null, authorName: name, content: this.content(text), createdAt: at },
      'open',
    );
    const eventId = await this.announce('ticket.reply', { ...ticket, status: 'open', updatedAt: at }, message);
    return { message, eventId };
  }

  private async markClosed(ticket: Ticket, closedBy: { name: string; staff: boolean }): Promise<string | null> {
    const at = this.now();
    await this.store.setStatus(ticket.id, 'closed', at);
    return this.announce('ticket.close', { ...ticket, status: 'closed', updatedAt: at }, null, closedBy);
  }

  reply(ticketId: string, input: { staffId: string; content: string }): Promise<HelpdeskResult> {
    return portAnswer(this.staffReply(ticketId, input));
  }

  close(ticketId: string, input: { staffId: string }): Promise<HelpdeskResult> {
    return portAnswer(this.staffClose(ticketId, input));
  }

  /** reply(), answering also the id of the event announced (the host's simulator shows it). */
  staffReply(ticketId: string, input: { staffId: string; content: string }): Promise<HostHelpdeskResult> {
    return this.asStaff(ticketId, input.staffId, 'tickets.reply', async (ticket, staff) => {
      const at = this.now();
      const message = await this.store.addMessage(
        ticket.id,
        { authorKind: 'staff', staffId: staff.id, authorName: staff.name, content: this.content(input.content), createdAt: at },
        'answered',
      );
      return this.announce('ticket.reply', { ...ticket, status: 'answered', updatedAt: at }, message);
    });
  }

  /** close(), answering also the id of the event announced. */
  staffClose(ticketId: string, input: { staffId: string }): Promise<HostHelpdeskResult> {
    return this.asStaff(ticketId, input.staffId, 'tickets.close', (ticket, staff) =>
      this.markClosed(ticket, { name: staff.name, staff: true }),
    );
  }

  assign(ticketId: string, staffId: string): Promise<HelpdeskResult> {
    return this.asStaff(ticketId, staffId, 'tickets.assign', async (ticket, staff) => {
      const at = this.now();
      await this.store.assign(ticket.id, staff.id, at);
      await this.emitChecked('ticket.assigned', ticket.id, {
        eventId: `ticket-${ticket.id}-assigned-${at}`,
        occurredAt: new Date(at).toISOString(),
        ticket: this.ticketPayload({ ...ticket, assignedStaffId: staff.id }),
        staff: { id: staff.id, name: staff.name },
      });
      // The port answers the sdk's shape; ticket.assigned's id is not the simulator's to show.
      return null;
    });
  }

  /** Checks the staff member and the ticket, then runs the action; a refusal is an answer, not a throw. */
  private async asStaff(
    ticketId: string,
    staffId: string,
    permission: string,
    act: (ticket: Ticket, staff: StaffMember) => Promise<string | null>,
  ): Promise<HostHelpdeskResult> {
    try {
      const id = /^\d{1,12}$/.test(String(ticketId)) ? Number(ticketId) : NaN;
      const ticket = Number.isSafeInteger(id) ? await this.store.ticket(id) : null;
      if (!ticket) throw new HelpdeskError('ticket_not_found', `ticket ${String(ticketId).slice(0, 40)}: not found`);
      const staff = await this.store.staff(String(staffId));
      if (!staff || !staff.active)
        throw new HelpdeskError('staff_not_found', `staff ${String(staffId).slice(0, 64)}: not found or inactive`);
      if (!staff.permissions.includes('*') && !staff.permissions.includes(permission))
        throw new HelpdeskError('forbidden', `${staff.name} may not do this (needs ${permission})`);
      if (ticket.status === 'closed') throw new HelpdeskError('ticket_closed', `ticket ${ticket.id} is closed`);
      const eventId = await act(ticket, staff);
      return { ok: true, ticketId: String(ticket.id), ...(eventId ? { eventId } : {}) };
    } catch (err) {
      if (err instanceof HelpdeskError) return { ok: false, reason: err.reason, message: err.message };
      throw err;
    }
  }

  private content(text: string): string {
    const content = String(text ?? '').trim();
    if (!content) throw new HelpdeskError('invalid', 'content: required');
    if (content.length > MAX_CONTENT) throw new HelpdeskError('invalid', `content: at most ${MAX_CONTENT} characters`);
    return content;
  }

  private ticketPayload(t: Ticket) {
    return {
      id: t.id,
      subject: t.subject,
      department: { id: slug(t.department), name: t.department },
      customer: t.customer,
      priority: t.priority,
      createdAt: new Date(t.createdAt).toISOString(),
      url: this.ticketUrl(t.id),
    };
  }

  /** Emits the event for a change already recorded; answers its id (null when its schema refused it). */
  private async announce(
    event: EventName,
    ticket: Ticket,
    message: TicketMessage | null,
    closedBy?: { name: string; staff: boolean },
  ): Promise<string | null> {
    const payload = {
      ...(closedBy ? { closedBy } : {}),
      eventId: message ? `ticket-${ticket.id}-message-${message.id}` : `ticket-${ticket.id}-closed-${ticket.updatedAt}`,
      occurredAt: new Date(message?.createdAt ?? ticket.updatedAt).toISOString(),
      ticket: this.ticketPayload(ticket),
      message: message ? { content: message.content, author: { name: message.authorName, staff: message.authorKind === 'staff' } } : null,
    };
    return this.emitChecked(event, ticket.id, payload);
  }

  /** Validated against the sdk's schema, then emitted. */
  private async emitChecked(event: EventName, ticketId: number, payload: unknown): Promise<string | null> {
    const checked = validateEvent(event, payload);
    // What the host records is what it announces; a payload its own schema refuses is a host bug.
    if (!checked.ok) {
      this.logger.error(
        `helpdesk: ${event} for ticket ${ticketId} not emitted: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      );
      return null;
    }
    await this.bus.emitAsync(event, checked.value);
    return checked.value.eventId;
  }
}
