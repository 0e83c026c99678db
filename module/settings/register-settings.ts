/**
 * Builds the settings services from the module context and mounts the pages and API.
 * The rendering and delivery slices are passed in already adapted to the settings ports.
 */
import type { ModuleContext } from '../../sdk/module-context.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import { ChatAppsStore } from '../helpdesk/chat-apps-store.js';
import { AuditStore } from './audit-store.js';
import type { DeliveryWrites } from '../delivery/index.js';
import { DeliveryLogQueries } from './delivery-log-queries.js';
import { mountSettings } from './mount-settings.js';
import type { Rendering, TestSender } from './ports.js';
import type { SettingsDeps } from './settings-deps.js';
import { WebhookService } from './webhook-service.js';

export interface SettingsParts {
  store: WebhookStore;
  rendering: Rendering;
  sender: TestSender;
  deliveryWrites: DeliveryWrites;
  metrics?: SettingsDeps['metrics'];
}

export function registerSettings(ctx: ModuleContext, parts: SettingsParts): SettingsDeps {
  const now = () => ctx.clock.now();
  const audit = new AuditStore(ctx.db, now);
  const deps: SettingsDeps = {
    service: new WebhookService(parts.store, audit, parts.rendering, ctx.network),
    audit,
    deliveries: new DeliveryLogQueries(ctx.db, parts.deliveryWrites),
    rendering: parts.rendering,
    sender: parts.sender,
    views: ctx.views,
    i18n: ctx.i18n,
    clock: ctx.clock,
    logger: ctx.logger,
    network: ctx.network,
    timeZone: ctx.timeZone,
    basePath: ctx.admin.basePath,
    sampleEvent: (event, opts) => sampleEvent(event, opts),
    // The host's own tools, when it offers them (a real CMS offers neither).
    simulatorPath: ctx.hostLinks.simulator,
    inboxUrl: ctx.hostLinks.inbox,
    receivers: ctx.hostLinks.receivers ?? [],
    chatApps: { store: new ChatAppsStore(ctx.settings, ctx.secrets), helpdesk: ctx.helpdesk, hooksPath: ctx.publicRoutes.basePath },
    metrics: parts.metrics,
  };
  mountSettings(ctx.admin, deps);
  return deps;
}
