/** Makes the ModuleContext a module's register(ctx) receives: every member of sdk/module-context.ts. */
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger as Pino } from 'pino';
import type { HelpdeskPort } from '../../sdk/helpdesk.js';
import type { ChatApiBases, HostLinks, Clock, HostProfile, Locale, ModuleContext, Secrets } from '../../sdk/module-context.js';
import type { HostViews } from '../http/host-views.js';
import type { ContextParts } from '../modules/module-registry.js';
import { sdkLogger } from './logger.js';
import { createModuleViews } from './module-views.js';
import type { NotificationStore } from './notifications-store.js';
import { createSettings } from './settings-store.js';
import { createTranslator } from './translator.js';

export interface HostServices {
  db: Knex;
  pino: Pino;
  secrets: Secrets;
  clock: Clock;
  locale: Locale;
  timeZone: string;
  profile: HostProfile;
  hostVersion: string;
  allowPrivateNetworks: boolean;
  notifications: NotificationStore;
  views: HostViews;
  helpdesk: HelpdeskPort | null;
  hostLinks: HostLinks;
  chatApiBases: ChatApiBases;
}

export function buildModuleContext(host: HostServices, parts: ContextParts): ModuleContext {
  const { manifest, dir, routes, publicRoutes, bus, container } = parts;
  const i18n = createTranslator(path.join(dir, 'lang'), host.locale);
  const now = () => host.clock.now();
  return {
    manifest,
    moduleDir: dir,
    hostVersion: host.hostVersion,
    profile: host.profile,
    container,
    bus,
    db: host.db,
    timeZone: host.timeZone,
    settings: createSettings(host.db, manifest.uuid, now),
    admin: routes,
    views: createModuleViews(dir, i18n, routes.basePath, host.views),
    i18n,
    logger: sdkLogger(host.pino.child({ module: manifest.uuid })),
    secrets: host.secrets,
    clock: host.clock,
    notifications: { notify: (n) => host.notifications.add(manifest.uuid, n) },
    network: { allowLoopback: host.profile === 'development', allowPrivate: host.allowPrivateNetworks },
    publicRoutes,
    helpdesk: host.helpdesk,
    hostLinks: host.hostLinks,
    chatApiBases: host.chatApiBases,
  };
}
