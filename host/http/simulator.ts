/**
 * The simulator stands in for the shop and the helpdesk: `POST /admin/simulate/{event}` emits the
 * event on the host bus (JSON body = payload, empty body = a realistic sample with a fresh id),
 * after checking it against the event map's schema. Answers: 202 {event, eventId}; 400 {error,
 * issues:[{path, message}]} naming the bad field; 404 for an unknown event.
 *
 * Ticket events with an empty body drive the host's real helpdesk, through the same service its
 * pages use, so ticket ids, links and threads are the helpdesk's: `ticket.submit` opens a ticket,
 * `ticket.reply` and `ticket.close` continue the last open one (a sample when none is open).
 * `continueTicket` answers or closes a chosen ticket (or the last open one) as staff or as its
 * customer; `conversation` runs a whole one: submit, replies taking turns, close.
 */
import type { EventEmitter2 } from 'eventemitter2';
import {
  describeIssues,
  eventNames,
  isEventName,
  ticketPriorities,
  validateEvent,
  type EventName,
  type TicketPriority,
} from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import { sampleEvent, sampleTicketTexts } from '../../sdk/sample-events.js';
import { HelpdeskError, type HelpdeskService } from '../helpdesk/helpdesk-service.js';
import type { Ticket } from '../helpdesk/helpdesk-store.js';

export type SimulateAnswer =
  | { status: 202; body: { event: EventName; eventId: string; ticketId?: number } }
  | { status: 400; body: { error: string; issues: { path: string; message: string }[] } }
  | { status: 404; body: { error: string } };

/** What a ticket action emitted, in order. */
export interface EmittedEvent {
  event: EventName;
  eventId: string;
}

export type TicketAnswer =
  | { status: 202; body: { ticketId: number; events: EmittedEvent[] } }
  | { status: 400 | 403 | 404 | 409; body: { error: string; reason: string } };

export type Author = 'staff' | 'customer';

export interface ContinueRequest {
  /** A ticket id, or `last`: the open ticket with the latest activity. */
  ticket: number | 'last';
  action: 'reply' | 'close';
  as: Author;
  /** The reply's text (default: a sample sentence in the host's language). */
  content?: string;
  /** The staff account acting (default: the first active one allowed to). */
  staffId?: string;
}

export interface ConversationRequest {
  /** Replies between the submit and the close, staff and customer taking turns (0 to 10, default 2). */
  replies?: number;
  priority?: TicketPriority;
}

/** Reads a ContinueRequest from a JSON or form body; a string says what is wrong. */
export function continueRequestOf(body: unknown): ContinueRequest | string {
  const b = (body ?? {}) as Record<string, unknown>;
  const rawTicket = String(b.ticket ?? 'last').trim();
  const ticket = rawTicket === 'last' || rawTicket === '' ? 'last' : /^\d{1,12}$/.test(rawTicket) ? Number(rawTicket) : null;
  if (ticket === null) return 'ticket: a ticket number or "last"';
  const action = b.action ?? 'reply';
  if (action !== 'reply' && action !== 'close') return 'action: "reply" or "close"';
  const as = b.as ?? 'staff';
  if (as !== 'staff' && as !== 'customer') return 'as: "staff" or "customer"';
  const content = typeof b.content === 'string' && b.content.trim() ? b.content : undefined;
  const staffId = typeof b.staffId === 'string' && b.staffId.trim() ? b.staffId.trim() : undefined;
  return { ticket, action, as, content, staffId };
}

/** Reads a ConversationRequest; a string says what is wrong. */
export function conversationRequestOf(body: unknown): ConversationRequest | string {
  const b = (body ?? {}) as Record<string, unknown>;
  const replies = b.replies === undefined || b.replies === '' ? 2 : Number(b.replies);
  if (!Number.isInteger(replies) || replies < 0 || replies > 10) return 'replies: a whole number from 0 to 10';
  const priority = b.priority === undefined || b.priority === '' ? undefined : String(b.priority);
  if (priority !== undefined && !(ticketPriorities as readonly string[]).includes(priority))
    return `priority: one of ${ticketPriorities.join(', ')}`;
  return { replies, priority: priority as TicketPriority | undefined };
}

const refusalStatus: Record<string, 400 | 403 | 404 | 409> = {
  invalid: 400,
  forbidden: 403,
  ticket_not_found: 404,
  ticket_closed: 409,
  staff_not_found: 409,
};

class Refused extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export class Simulator {
  private seq = 0;

  constructor(
    private readonly bus: EventEmitter2,
    private readonly now: () => number,
    private readonly helpdesk: HelpdeskService,
    private readonly locale: Locale,
  ) {
    // Distinct event ids across restarts too: the module deduplicates deliveries by event id.
    this.seq = Math.floor(now() / 1000) % 1_000_000_000;
  }

  readonly events = eventNames;

  sample(event: EventName): unknown {
    return sampleEvent(event, { seq: ++this.seq, now: this.now(), locale: this.locale });
  }

  /** `payload` undefined (empty body) means: fire a sample (a real ticket for the ticket events). */
  async fire(event: string, payload: unknown): Promise<SimulateAnswer> {
    if (!isEventName(event))
      return { status: 404, body: { error: `unknown event "${event.slice(0, 100)}"; known: ${eventNames.join(', ')}` } };
    if (payload === undefined) {
      const driven = await this.driveHelpdesk(event);
      if (driven) return driven;
    }
    const value = payload === undefined ? this.sample(event) : payload;
    const checked = validateEvent(event, value);
    if (!checked.ok) {
      const issues = checked.issues.slice(0, 50).map((i) => ({ path: i.path.slice(0, 200), message: i.message.slice(0, 500) }));
      return { status: 400, body: { error: `${event}: ${describeIssues(issues.slice(0, 5))}`, issues } };
    }
    // The module's listeners run through the scoped bus, which catches their failures.
    await this.bus.emitAsync(event, checked.value);
    return { status: 202, body: { event, eventId: checked.value.eventId } };
  }

  /** The open tickets, latest activity first (the page's choice of a ticket to continue). */
  async openTickets(limit = 20): Promise<Ticket[]> {
    return (await this.helpdesk.tickets()).filter((t) => t.status !== 'closed').slice(0, limit);
  }

  /** Answers or closes a ticket as staff or as its customer. */
  continueTicket(req: ContinueRequest): Promise<TicketAnswer> {
    return this.answer(async () => {
      const ticket = await this.pick(req.ticket);
      return { ticketId: ticket.id, events: [await this.act(ticket.id, req)] };
    });
  }

  /** A whole conversation on a new ticket: submit, `replies` replies (staff first, then turns), close by staff. */
  conversation(req: ConversationRequest = {}): Promise<TicketAnswer> {
    return this.answer(async () => {
      const opened = await this.open(req.priority);
      const events = [opened.emitted];
      for (let i = 0; i < (req.replies ?? 2); i++)
        events.push(await this.act(opened.ticketId, { action: 'reply', as: i % 2 === 0 ? 'staff' : 'customer' }));
      events.push(await this.act(opened.ticketId, { action: 'close', as: 'staff' }));
      return { ticketId: opened.ticketId, events };
    });
  }

  private async answer(run: () => Promise<{ ticketId: number; events: EmittedEvent[] }>): Promise<TicketAnswer> {
    try {
      return { status: 202, body: await run() };
    } catch (err) {
      if (err instanceof Refused) return { status: err.status, body: { error: err.message, reason: err.reason } };
      if (err instanceof HelpdeskError)
        return { status: refusalStatus[err.reason] ?? 400, body: { error: err.message, reason: err.reason } };
      throw err;
    }
  }

  /** An empty ticket.submit opens a real ticket; an empty reply or close continues the last open one. */
  private async driveHelpdesk(event: EventName): Promise<SimulateAnswer | null> {
    if (event !== 'ticket.submit' && event !== 'ticket.reply' && event !== 'ticket.close') return null;
    if (event === 'ticket.submit') {
      const opened = await this.open();
      return { status: 202, body: { ...opened.emitted, ticketId: opened.ticketId } };
    }
    const [last] = await this.openTickets(1);
    if (!last) return null;
    const r = await this.continueTicket({ ticket: last.id, action: event === 'ticket.reply' ? 'reply' : 'close', as: 'staff' });
    if (r.status !== 202) return { status: 400, body: { error: r.body.error, issues: [] } };
    return { status: 202, body: { ...r.body.events[0], ticketId: r.body.ticketId } };
  }

  private async open(priority?: TicketPriority): Promise<{ ticketId: number; emitted: EmittedEvent }> {
    const sample = sampleEvent('ticket.submit', { seq: ++this.seq, now: this.now(), locale: this.locale });
    const { ticket, eventId } = await this.helpdesk.open({
      subject: sample.ticket.subject,
      department: sample.ticket.department.name,
      priority: priority ?? sample.ticket.priority,
      customer: {
        firstName: sample.ticket.customer.firstName,
        lastName: sample.ticket.customer.lastName,
        email: sample.ticket.customer.email,
      },
      content: sample.message.content,
    });
    return { ticketId: ticket.id, emitted: this.emitted('ticket.submit', eventId) };
  }

  private async pick(which: number | 'last'): Promise<Ticket> {
    if (which === 'last') {
      const [last] = await this.openTickets(1);
      if (!last) throw new Refused(409, 'no_open_ticket', 'no open ticket: open one first (ticket.submit or a conversation)');
      return last;
    }
    const ticket = await this.helpdesk.ticket(which);
    if (!ticket) throw new Refused(404, 'ticket_not_found', `ticket ${which}: not found`);
    return ticket;
  }

  private async act(ticketId: number, req: Omit<ContinueRequest, 'ticket'>): Promise<EmittedEvent> {
    const texts = sampleTicketTexts[this.locale];
    const event: EventName = req.action === 'reply' ? 'ticket.reply' : 'ticket.close';
    if (req.as === 'customer') {
      const r =
        req.action === 'reply'
          ? await this.helpdesk.replyAsCustomer(ticketId, req.content ?? texts.customerReply)
          : await this.helpdesk.closeAsCustomer(ticketId);
      return this.emitted(event, r.eventId);
    }
    const staffId = req.staffId ?? (await this.staffFor(req.action === 'reply' ? 'tickets.reply' : 'tickets.close'));
    const r =
      req.action === 'reply'
        ? await this.helpdesk.staffReply(String(ticketId), { staffId, content: req.content ?? texts.staffReply })
        : await this.helpdesk.staffClose(String(ticketId), { staffId });
    if (!r.ok) throw new Refused(refusalStatus[r.reason] ?? 400, r.reason, r.message);
    return this.emitted(event, r.eventId ?? null);
  }

  private async staffFor(permission: string): Promise<string> {
    const staff = (await this.helpdesk.staff.list()).find(
      (s) => s.active && (s.permissions.includes('*') || s.permissions.includes(permission)),
    );
    if (!staff) throw new Refused(409, 'staff_not_found', `no active staff account holds ${permission}: add one on /admin/staff`);
    return staff.id;
  }

  private emitted(event: EventName, eventId: string | null): EmittedEvent {
    // The helpdesk records first, then announces; an announcement its schema refused is logged there.
    if (!eventId) throw new Refused(400, 'invalid', `${event}: recorded, but not announced (see the host log)`);
    return { event, eventId };
  }
}
