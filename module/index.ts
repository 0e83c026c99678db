/**
 * Composition root: wires the module's parts into the host's context. No logic here.
 * Data flows one way: bus -> subscriber -> render -> outbox -> dispatcher -> HTTP.
 */
import 'reflect-metadata';
import type { ModuleContext, ModuleInstance } from '../sdk/module-context.js';
import { migrations } from '../migrations/index.js';
import { subscribeAll } from './subscribers/index.js';
import { WebhookStore } from './webhooks/webhook-store.js';
import { checkWebhookSeals } from './webhooks/seal-check.js';
import { TOKENS } from './tokens.js';
import { createRenderingPort } from './rendering/rendering-port.js';
import { registerSettings } from './settings/register-settings.js';
import { createDelivery, readDeliverySettings } from './delivery/index.js';

export { migrations };

export async function register(ctx: ModuleContext): Promise<ModuleInstance> {
  const { container } = ctx;
  container.register(TOKENS.ctx, { useValue: ctx });
  const webhookStore = new WebhookStore(ctx.db, ctx.secrets, () => ctx.clock.now());
  container.register(TOKENS.webhookStore, { useValue: webhookStore });
  await checkWebhookSeals(webhookStore, ctx.logger);

  // Delivery (module/delivery/): outbox intake, dispatcher, sender.
  const delivery = createDelivery(ctx, webhookStore, await readDeliverySettings(ctx.settings, ctx.logger));
  container.register(TOKENS.outboxStore, { useValue: delivery.outbox });
  container.register(TOKENS.dispatcher, { useValue: delivery.dispatcher });
  container.register(TOKENS.httpClient, { useValue: delivery.sender });

  const unsubscribe = subscribeAll({ bus: ctx.bus, logger: ctx.logger, intake: delivery.intake });

  // Settings pages and JSON API (module/settings/).
  registerSettings(ctx, {
    store: webhookStore,
    rendering: createRenderingPort(ctx.timeZone),
    sender: delivery.sender,
    deliveryWrites: delivery.writes,
  });
  delivery.start();

  return {
    async shutdown() {
      unsubscribe();
      await delivery.stop();
    },
  };
}
