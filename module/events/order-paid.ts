/** `order.paid`: a customer's order was paid (the shop family). */
import { eventSchemas, type EventMap } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { defineEvent } from './event-definition.js';

type OrderPaid = EventMap['order.paid'];
const lower = (s: string) => s.trim().toLowerCase();
const fullName = (c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`.trim();

export const orderPaid = defineEvent<OrderPaid>({
  name: 'order.paid',
  schema: eventSchemas['order.paid'],
  family: 'order',
  variables: [
    { name: 'id', kind: 'trusted', value: (p) => String(p.order.id) },
    { name: 'price', kind: 'trusted', value: (p, f) => f.price(p.order.total, p.order.currency) },
    { name: 'user', kind: 'untrusted-line', value: (p) => fullName(p.order.customer) },
    { name: 'paymentType', kind: 'trusted', value: (p) => p.order.paymentGateway },
    { name: 'transactionId', kind: 'untrusted-line', value: (p) => p.order.transactionId },
    { name: 'comment', kind: 'untrusted', value: (p) => p.order.comment },
    { name: 'url', kind: 'link', value: (p) => p.order.invoiceUrl },
    { name: 'email', kind: 'untrusted-line', value: (p) => p.order.customer.email, legacy: true },
  ],
  aliases: { username: 'user' },
  filters: ['minOrderTotal', 'paymentGateways'],
  matches(f, p) {
    if (f.minOrderTotal !== null && f.minOrderTotal !== undefined && p.order.total < f.minOrderTotal) return false;
    return f.paymentGateways.length === 0 || f.paymentGateways.map(lower).includes(lower(p.order.paymentGateway));
  },
  reference: (p) => String(p.order.id),
  sample: (opts) => sampleEvent('order.paid', opts),
  embed: { color: 0x2ecc71 },
});
