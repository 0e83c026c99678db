import type { EventEmitter2 } from 'eventemitter2';
import { describeIssues, validateEvent, type EventName } from '../../sdk/events.js';
import type { Logger } from '../../sdk/module-context.js';
import { orderPaid } from './order-paid.js';
import { ticketSubmit } from './ticket-submit.js';
import { ticketReply } from './ticket-reply.js';
import { ticketClose } from './ticket-close.js';
import type { EventIntake, Subscriber } from './subscriber.js';

export const subscribers = [orderPaid, ticketSubmit, ticketReply, ticketClose] as Subscriber<EventName>[];

export interface SubscriptionDeps {
  bus: EventEmitter2;
  intake: EventIntake;
  logger: Logger;
  /** Told about each malformed event, for the settings page's notices. */
  onRejected?: (event: EventName, reason: string) => void;
}

/**
 * Subscribes every subscriber to the bus and returns the function that unsubscribes them.
 * A listener validates the payload and never throws into the host: a malformed event or a
 * failing enqueue is logged with what is wrong and where, and the host's emit carries on.
 */
export function subscribeAll({ bus, intake, logger, onRejected }: SubscriptionDeps): () => void {
  const listeners = subscribers.map((sub) => {
    const event = sub.config.event;
    const listener = async (payload: unknown): Promise<void> => {
      const checked = validateEvent(event, payload);
      if (!checked.ok) {
        const reason = describeIssues(checked.issues);
        logger.error(`webhooks: ignored malformed ${event} event`, { event, reason });
        onRejected?.(event, reason);
        return;
      }
      logger.debug(`webhooks: received ${event}`, { event, eventId: checked.value.eventId });
      try {
        await sub.handler(checked.value, intake);
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
