/** The reference host's helpdesk tables (host_staff, host_tickets, host_ticket_messages), through knex. */
import type { Knex } from 'knex';
import type { StaffMember } from '../../sdk/helpdesk.js';
import type { TicketPriority } from '../../sdk/events.js';

export type TicketStatus = 'open' | 'answered' | 'closed';

export interface Ticket {
  id: number;
  subject: string;
  department: string;
  priority: TicketPriority;
  status: TicketStatus;
  customer: { firstName: string; lastName: string; email: string };
  customerKeyHash: string;
  assignedStaffId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface TicketMessage {
  id: number;
  ticketId: number;
  authorKind: 'customer' | 'staff';
  staffId: string | null;
  authorName: string;
  content: string;
  createdAt: number;
}

type Row = Record<string, unknown>;

function ticketOf(r: Row): Ticket {
  return {
    id: Number(r.id),
    subject: String(r.subject),
    department: String(r.department),
    priority: r.priority as TicketPriority,
    status: r.status as TicketStatus,
    customer: { firstName: String(r.customer_first_name), lastName: String(r.customer_last_name), email: String(r.customer_email) },
    customerKeyHash: String(r.customer_key_hash),
    assignedStaffId: (r.assigned_staff_id as string | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function messageOf(r: Row): TicketMessage {
  return {
    id: Number(r.id),
    ticketId: Number(r.ticket_id),
    authorKind: r.author_kind as TicketMessage['authorKind'],
    staffId: (r.staff_id as string | null) ?? null,
    authorName: String(r.author_name),
    content: String(r.content),
    createdAt: Number(r.created_at),
  };
}

function staffOf(r: Row): StaffMember {
  return {
    id: String(r.id),
    name: String(r.name),
    email: (r.email as string | null) ?? null,
    permissions: JSON.parse(String(r.permissions)) as string[],
    active: Boolean(r.active),
  };
}

/**
 * Inserts one row and answers its id on every database: knex's mysql client ignores
 * `.returning()` (and says so), its driver answers `[insertId]`; the others answer `[{id}]`.
 */
async function insertOne(db: Knex | Knex.Transaction, table: string, row: Row): Promise<number> {
  const mysql = /mysql|maria/.test(String((db.client as { dialect?: unknown }).dialect ?? ''));
  const insert = db(table).insert(row);
  const [first] = (await (mysql ? insert : insert.returning('id'))) as Array<number | { id: number }>;
  return Number(typeof first === 'object' ? first.id : first);
}

export class HelpdeskStore {
  constructor(private readonly db: Knex) {}

  async createTicket(
    t: Omit<Ticket, 'id'>,
    first: Omit<TicketMessage, 'id' | 'ticketId'>,
  ): Promise<{ ticket: Ticket; message: TicketMessage }> {
    return this.db.transaction(async (trx) => {
      const id = await insertOne(trx, 'host_tickets', {
        subject: t.subject,
        department: t.department,
        priority: t.priority,
        status: t.status,
        customer_first_name: t.customer.firstName,
        customer_last_name: t.customer.lastName,
        customer_email: t.customer.email,
        customer_key_hash: t.customerKeyHash,
        assigned_staff_id: t.assignedStaffId,
        created_at: t.createdAt,
        updated_at: t.updatedAt,
      });
      const messageId = await insertOne(trx, 'host_ticket_messages', this.messageRow(id, first));
      return { ticket: { ...t, id }, message: { ...first, id: messageId, ticketId: id } };
    });
  }

  private messageRow(ticketId: number, m: Omit<TicketMessage, 'id' | 'ticketId'>): Row {
    return {
      ticket_id: ticketId,
      author_kind: m.authorKind,
      staff_id: m.staffId,
      author_name: m.authorName,
      content: m.content,
      created_at: m.createdAt,
    };
  }

  /** Adds a message and sets the ticket's status in one transaction. */
  async addMessage(ticketId: number, m: Omit<TicketMessage, 'id' | 'ticketId'>, status: TicketStatus): Promise<TicketMessage> {
    return this.db.transaction(async (trx) => {
      const id = await insertOne(trx, 'host_ticket_messages', this.messageRow(ticketId, m));
      await trx('host_tickets').where({ id: ticketId }).update({ status, updated_at: m.createdAt });
      return { ...m, id, ticketId };
    });
  }

  async setStatus(ticketId: number, status: TicketStatus, at: number): Promise<void> {
    await this.db('host_tickets').where({ id: ticketId }).update({ status, updated_at: at });
  }

  async assign(ticketId: number, staffId: string, at: number): Promise<void> {
    await this.db('host_tickets').where({ id: ticketId }).update({ assigned_staff_id: staffId, updated_at: at });
  }

  async ticket(id: number): Promise<Ticket | null> {
    const row = (await this.db('host_tickets').where({ id }).first()) as Row | undefined;
    return row ? ticketOf(row) : null;
  }

  async tickets(limit = 200): Promise<Ticket[]> {
    const rows = (await this.db('host_tickets').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit)) as Row[];
    return rows.map(ticketOf);
  }

  async messages(ticketId: number): Promise<TicketMessage[]> {
    const rows = (await this.db('host_ticket_messages').where({ ticket_id: ticketId }).orderBy('id')) as Row[];
    return rows.map(messageOf);
  }

  async staff(id: string): Promise<StaffMember | null> {
    const row = (await this.db('host_staff').where({ id }).first()) as Row | undefined;
    return row ? staffOf(row) : null;
  }

  async allStaff(): Promise<StaffMember[]> {
    return ((await this.db('host_staff').orderBy('name')) as Row[]).map(staffOf);
  }

  async saveStaff(s: StaffMember, at: number): Promise<void> {
    const row = { name: s.name, email: s.email, permissions: JSON.stringify(s.permissions), active: s.active };
    const updated = await this.db('host_staff').where({ id: s.id }).update(row);
    if (!updated) await this.db('host_staff').insert({ id: s.id, ...row, created_at: at });
  }
}
