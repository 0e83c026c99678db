/**
 * Installing code is an operator's decision, and each one is on record: every install or update
 * of a module's code names the admin who asked (the bearer token, or which session) and from
 * where, in the host's log and in its notifications.
 */
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Locale, Logger, Translator } from '../../sdk/module-context.js';
import type { NotificationStore } from '../context/notifications-store.js';
import { sessionIdOf } from './auth.js';

export interface InstallAudit {
  /** `how`: upload, host folder, host archive, marketplace; `version`: the version now in place. */
  record(req: FastifyRequest, what: { name: string; version: string; how: string }): Promise<void>;
}

/** The admin behind a request: never the session id itself, only a short fingerprint of it. */
export function actorOf(req: FastifyRequest): string {
  if (req.auth === 'bearer') return 'admin (bearer token)';
  const id = sessionIdOf(req);
  return id ? `admin (session ${crypto.createHash('sha256').update(id).digest('hex').slice(0, 8)})` : 'admin';
}

export function installAudit(notifications: NotificationStore, log: Logger, translator: Translator, locale: Locale): InstallAudit {
  return {
    async record(req, what) {
      const actor = actorOf(req);
      log.info(`audit: module ${what.name} ${what.version} installed (${what.how}) by ${actor} from ${req.ip}`, {
        audit: 'module.install',
        actor,
        ip: req.ip,
      });
      await notifications
        .add('host', {
          level: 'info',
          title: translator.t('notifications.module_installed', { name: what.name, version: what.version }, locale),
          body: translator.t('notifications.module_installed_by', { how: what.how, actor, ip: req.ip }, locale),
          href: '/admin/modules',
        })
        .catch((err: Error) => log.error(`audit: could not record the install of ${what.name}`, { error: err.message }));
    },
  };
}
