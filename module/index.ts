/**
 * Composition root: wires the module's parts into the host's context. No logic here.
 * Data flows one way: bus -> subscriber -> persist -> fan out and render -> dispatcher -> HTTP.
 * The parts are built here by hand, not resolved from `ctx.container`: the graph is a dozen
 * objects built once per start, each constructor says what it needs, and nothing else resolves
 * them (the host disposes the module's child container at shutdown all the same).
 */
import type { ModuleContext, ModuleInstance } from '../sdk/module-context.js';
import { migrations } from '../migrations/index.js';
import { subscribeAll } from './subscribers/index.js';
import { WebhookStore } from './webhooks/webhook-store.js';
import { checkWebhookSeals } from './webhooks/seal-check.js';
import { createRenderingPort } from './rendering/rendering-port.js';
import { registerSettings } from './settings/register-settings.js';
import { AuditStore } from './settings/audit-store.js';
import { createDelivery, PROMETHEUS_CONTENT_TYPE, readDeliverySettings } from './delivery/index.js';
import { registerHelpdesk } from './helpdesk/register-helpdesk.js';
import { ChatAppsStore } from './helpdesk/chat-apps-store.js';
import { slack } from './platforms/slack/index.js';
import type { Platform } from './platforms/index.js';
import { KnexTicketThreadStore } from './delivery/ticket-thread-store.js';
import { ChatEventStore } from './delivery/chat-event-store.js';
import { createDeliveryOnThread, type DeliveryFront } from './delivery/engine-thread.js';

export { migrations };

export async function register(ctx: ModuleContext): Promise<ModuleInstance> {
  const webhookStore = new WebhookStore(ctx.db, ctx.secrets, () => ctx.clock.now());
  await checkWebhookSeals(webhookStore, ctx.logger);

  // Delivery (module/delivery/): outbox intake, dispatcher, sender; the engine on its own thread
  // where it can start (unless `delivery.engineThread` is false), else on the host's thread. The
  // Slack app's bot token posts the messages of webhooks whose URL is chat.postMessage.
  const chatApps = new ChatAppsStore(ctx.settings, ctx.secrets);
  const { engineThread, engineNice, engineHeapMb, engineYield, ...read } = await readDeliverySettings(ctx.settings, ctx.logger);
  const settings = { ...read, botToken: async (platform: Platform) => (platform === slack.id ? chatApps.slackBotToken() : null) };
  const delivery: DeliveryFront =
    (engineThread !== false
      ? createDeliveryOnThread(ctx, webhookStore, { ...settings, engineNice, engineHeapMb, engineYield, asked: engineThread === true })
      : null) ?? createDelivery(ctx, webhookStore, settings);

  const unsubscribe = subscribeAll({ bus: ctx.bus, logger: ctx.logger, intake: delivery.intake });

  // Settings pages and JSON API (module/settings/).
  registerSettings(ctx, {
    store: webhookStore,
    rendering: createRenderingPort(ctx.timeZone, ctx.hostLinks.receivers ?? []),
    sender: delivery.testSender,
    deliveryWrites: delivery.writes,
    metrics: { scrape: () => delivery.metrics.scrape(), contentType: PROMETHEUS_CONTENT_TYPE },
  });
  // Two-way helpdesk (module/helpdesk/): staff act on tickets from Discord.
  // Tickets' chat threads and chat events acted on: the same tables the delivery engine writes.
  registerHelpdesk(ctx, {
    threads: new KnexTicketThreadStore(ctx.db, () => ctx.clock.now()),
    chatEvents: new ChatEventStore(ctx.db, () => ctx.clock.now()),
    audit: new AuditStore(ctx.db, () => ctx.clock.now()),
  });
  delivery.start();

  return {
    async shutdown() {
      unsubscribe();
      await delivery.stop();
    },
  };
}
