/**
 * The set-up the two-way helpdesk tests share: the webhooks module enabled on a test host, a
 * staff member `alice` who may answer and claim but not close, and one open ticket from Carl.
 */
import type { Host } from '../../host/create-host.js';
import type { TicketPriority } from '../../sdk/events.js';
import { repoRoot } from '../fixtures/host-kit.js';
import { waitUntil } from '../faults/wait-until.js';

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
  // Fanned out before the caller adds webhooks: a webhook gets the events its fan-out finds it for,
  // and the engine's own thread gathers events for 10 ms before it looks.
  await waitUntil(
    async () => (await host.db('wh_events')).length === 0,
    () => 'the ticket is not fanned out yet',
  );
  return { ticketId: String(opened.ticket.id), key: opened.key };
}

/** The module's admin API on `host`, as the admin (bearer token). */
export const adminApi =
  (host: Host) =>
  (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${host.url}/admin/modules/webhooks/api${path}`, {
      method,
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

/**
 * The Slack app connected (its signing secret and bot token), `slackUser` linked to `alice`, and a
 * ticket webhook with helpdesk buttons posted by the app through `apiBase`'s chat.postMessage to
 * `channel`. Throws, naming the step, when the module refuses one.
 */
export async function slackAppWebhook(
  host: Host,
  o: { signingSecret: string; botToken: string; slackUser: string; apiBase: string; channel: string },
): Promise<void> {
  const api = adminApi(host);
  const steps: [string, () => Promise<Response>, number][] = [
    ['PUT /apps/slack', () => api('PUT', '/apps/slack', { signingSecret: o.signingSecret, botToken: o.botToken }), 200],
    ['PUT /apps/slack/links', () => api('PUT', '/apps/slack/links', { links: { [o.slackUser]: 'alice' } }), 200],
    [
      'POST /webhooks',
      () =>
        api('POST', '/webhooks', {
          name: 'Support (Slack app)',
          url: `${o.apiBase}/chat.postMessage?channel=${o.channel}`,
          platform: 'slack',
          events: ['ticket.submit', 'ticket.reply', 'ticket.close'],
          options: { helpdeskButtons: true },
        }),
      201,
    ],
  ];
  for (const [name, step, expected] of steps) {
    const res = await step();
    if (res.status !== expected) throw new Error(`${name} answered ${res.status}, not ${expected}: ${await res.text()}`);
  }
}
