/** The host's notifications (`/admin/notifications`): what modules and installs reported, and marking them read. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { groupNotifications } from '../context/group-notifications.js';
import { hostWords, renderHostPage, type PageDeps } from './host-page-kit.js';

/** `GET /admin/notifications`. */
export async function showNotifications(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const t = hostWords(deps);
  const dtf = new Intl.DateTimeFormat(deps.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: deps.timeZone,
  });
  return renderHostPage(deps, req, reply, 'notifications.njk', t('notifications.title'), {
    // A repeated identical notification is one line with its count (issue 29).
    items: groupNotifications(await deps.notifications.list()),
    fmt: (ms: number) => dtf.format(ms),
  });
}

/** `POST /admin/notifications/read`. */
export async function markNotificationsRead(deps: PageDeps, _req: FastifyRequest, reply: FastifyReply) {
  await deps.notifications.markAllRead();
  return reply.redirect('/admin/notifications', 303);
}
