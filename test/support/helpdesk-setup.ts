/**
 * The set-up the two-way helpdesk tests share: the webhooks module enabled on a test host, a
 * staff member `alice` who may answer and claim but not close, and one open ticket from Carl.
 */
import type { Host } from '../../host/create-host.js';
import type { TicketPriority } from '../../sdk/events.js';
import { repoRoot } from '../fixtures/host-kit.js';

export async function helpdeskWithTicket(
  host: Host,
  ticket: { subject: string; department: string; priority: TicketPriority; content: string },
): Promise<{ ticketId: string; key: string }> {
  await host.modules.installFromFolder(repoRoot);
  const rec = await host.modules.enable('webhooks');
  if (rec.error) throw new Error(`webhooks did not start: ${rec.error}`);
  await host.helpdesk.saveStaff({
    id: 'alice',
    name: 'Alice (staff)',
    email: null,
    permissions: ['tickets.reply', 'tickets.assign'],
    active: true,
  });
  const opened = await host.helpdesk.open({ ...ticket, customer: { firstName: 'Carl', lastName: 'Client', email: 'carl@example.com' } });
  return { ticketId: String(opened.ticket.id), key: opened.key };
}
