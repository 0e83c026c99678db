import type { Subscriber } from './subscriber.js';

export const orderPaid: Subscriber<'order.paid'> = {
  config: { event: 'order.paid' },
  handler: (payload, intake) => intake.accept('order.paid', payload),
};
