/**
 * The bus side of the module: one listener per event definition (module/events/), which validates
 * the payload with the definition's schema and hands it to the intake. Nothing here names an event.
 */
import type { EventEmitter2 } from 'eventemitter2';
import type { z } from 'zod';
import { describeIssues, validateWith, type AnyEventPayload, type EventName } from '../../sdk/events.js';
import type { Logger } from '../../sdk/module-context.js';
import { eventDefinitions } from '../events/index.js';
import type { EventIntake } from './subscriber.js';

export interface SubscriptionDeps {
  bus: EventEmitter2;
  intake: EventIntake;
  logger: Logger;
  /** Told about each malformed event, for the settings page's notices. */
  onRejected?: (event: EventName, reason: string) => void;
}

/**
 * Subscribes one listener per event definition to the bus and returns the function that unsubscribes them.
 * A listener validates the payload and never throws into the host: a malformed event or a
 * failing enqueue is logged with what is wrong and where, and the host's emit carries on.
 */
export function subscribeAll({ bus, intake, logger, onRejected }: SubscriptionDeps): () => void {
  const listeners = eventDefinitions().map((definition) => {
    const event = definition.name as EventName;
    const listener = async (payload: unknown): Promise<void> => {
      // Each definition's schema is its event's payload schema (the sdk's for the host's events).
      const checked = validateWith(definition.schema as z.ZodType<AnyEventPayload>, payload);
      if (!checked.ok) {
        const reason = describeIssues(checked.issues);
        logger.error(`webhooks: ignored malformed ${event} event`, { event, reason });
        onRejected?.(event, reason);
        return;
      }
      logger.debug(`webhooks: received ${event}`, { event, eventId: checked.value.eventId });
      try {
        await intake.accept(event, checked.value);
      } catch (err) {
        logger.error(`webhooks: could not enqueue ${event} event`, {
          event,
          eventId: checked.value.eventId,
          error: (err as Error).message,
        });
      }
    };
    bus.on(event, listener);
    return { event, listener };
  });
  return () => listeners.forEach(({ event, listener }) => bus.off(event, listener));
}
