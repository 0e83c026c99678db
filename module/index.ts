/**
 * Composition root: wires the module's parts into the host's context. No logic here.
 * Data flows one way: bus -> subscriber -> render -> outbox -> dispatcher -> HTTP.
 */
import 'reflect-metadata';
import type { ModuleContext, ModuleInstance } from '../sdk/module-context.js';
import { migrations } from '../migrations/index.js';
import { subscribeAll } from './subscribers/index.js';
import { WebhookStore } from './webhooks/webhook-store.js';
import { TOKENS } from './tokens.js';
import { createRenderingPort } from './rendering/rendering-port.js';
import { registerSettings } from './settings/register-settings.js';
import { requeueWrites } from './settings/delivery-log-queries.js';

export { migrations };

export async function register(ctx: ModuleContext): Promise<ModuleInstance> {
  const { container } = ctx;
  container.register(TOKENS.ctx, { useValue: ctx });
  const webhookStore = new WebhookStore(ctx.db, ctx.secrets, () => ctx.clock.now());
  container.register(TOKENS.webhookStore, { useValue: webhookStore });

  const unsubscribe = subscribeAll({
    bus: ctx.bus,
    logger: ctx.logger,
    intake: {
      // Seam: replaced by the outbox intake (render + enqueue) in the delivery slice.
      accept: async (event, payload) => ctx.logger.info(`webhooks: received ${event}`, { eventId: payload.eventId }),
    },
  });

  // Settings pages and JSON API (module/settings/).
  registerSettings(ctx, {
    store: webhookStore,
    rendering: createRenderingPort(ctx.timeZone),
    // Seams until the delivery slice lands: its Sender answers "Send test", its outbox replays and wakes.
    sender: { send: async () => ({ outcome: 'retry', statusCode: null, error: 'sender not wired yet', durationMs: 0 }) },
    deliveryWrites: requeueWrites(ctx.db, () => ctx.clock.now(), () => undefined),
  });

  return {
    async shutdown() {
      unsubscribe();
    },
  };
}
