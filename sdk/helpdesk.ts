/**
 * The host's helpdesk, as a module may act on it (issue: two-way helpdesk). The module never
 * writes the host's tickets: it asks the host, which checks the staff member's own permissions,
 * records the change and then emits its usual event (`ticket.reply`, `ticket.close`,
 * `ticket.assigned`), which flows out like any other.
 */

/** A member of the host's staff, as the host knows them. */
export interface StaffMember {
  id: string;
  name: string;
  email: string | null;
  /** What they may do on tickets: `tickets.reply`, `tickets.close`, `tickets.assign`, or `*`. */
  permissions: string[];
  active: boolean;
}

export type HelpdeskRefusal = 'ticket_not_found' | 'staff_not_found' | 'forbidden' | 'ticket_closed' | 'invalid';

/** What the host answers: done, or refused with a reason a chat message can show. */
export type HelpdeskResult = { ok: true; ticketId: string } | { ok: false; reason: HelpdeskRefusal; message: string };

export interface HelpdeskPort {
  /** A staff answer on the ticket (reopens nothing: a closed ticket refuses with `ticket_closed`). */
  reply(ticketId: string, input: { staffId: string; content: string }): Promise<HelpdeskResult>;
  close(ticketId: string, input: { staffId: string }): Promise<HelpdeskResult>;
  /** The staff member takes the ticket (a claim): `staffId` both acts and is assigned. */
  assign(ticketId: string, staffId: string): Promise<HelpdeskResult>;
  staff: {
    get(id: string): Promise<StaffMember | null>;
    list(): Promise<StaffMember[]>;
  };
}
