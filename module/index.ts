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

export { migrations };

export async function register(ctx: ModuleContext): Promise<ModuleInstance> {
  const { container } = ctx;
  container.register(TOKENS.ctx, { useValue: ctx });
  container.register(TOKENS.webhookStore, { useValue: new WebhookStore(ctx.db, ctx.secrets, () => ctx.clock.now()) });

  const unsubscribe = subscribeAll({
    bus: ctx.bus,
    logger: ctx.logger,
    intake: {
      // Seam: replaced by the outbox intake (render + enqueue) in the delivery slice.
      accept: async (event, payload) => ctx.logger.info(`webhooks: received ${event}`, { eventId: payload.eventId }),
    },
  });

  return {
    async shutdown() {
      unsubscribe();
    },
  };
}
