/**
 * Realistic sample payloads, one per event. The host's simulator fires them, the module's
 * preview and "send test" render them, and tests start from them (Vendure's mock events).
 * Pure: the caller passes the sequence number and the time.
 */
import type { EventMap, EventName } from './events.js';

export interface SampleOptions {
  /** Makes ids and event ids distinct between calls. */
  seq?: number;
  /** Epoch ms used for occurredAt/createdAt. */
  now?: number;
}

const customers = [
  { id: 17, firstName: 'Camille', lastName: 'Martin', email: 'camille.martin@example.com' },
  { id: 42, firstName: 'Jean', lastName: 'Dupont', email: 'jean.dupont@example.com' },
  { id: 73, firstName: 'Amélie', lastName: 'Rousseau', email: 'amelie.rousseau@example.com' },
];
const products = [
  { name: 'VPS SSD 4 Go', price: 12.5 },
  { name: 'Minecraft 8 Go', price: 19.99 },
  { name: 'Nom de domaine .fr', price: 7.2 },
];
const gateways = ['PayPal', 'Stripe', 'Wallet'];
const departments = [
  { id: 1, name: 'Support technique' },
  { id: 2, name: 'Facturation' },
  { id: 3, name: 'Commercial' },
];
const priorities = ['low', 'medium', 'high', 'urgent'] as const;

function ids(opts: SampleOptions): { seq: number; iso: string; now: number } {
  const seq = opts.seq ?? 1;
  const now = opts.now ?? Date.UTC(2026, 10, 29, 9, 30, 0);
  return { seq, now, iso: new Date(now).toISOString() };
}

function orderPaid(opts: SampleOptions): EventMap['order.paid'] {
  const { seq, iso } = ids(opts);
  const product = products[seq % products.length];
  const quantity = 1 + (seq % 2);
  return {
    eventId: `evt_order_${seq}`,
    occurredAt: iso,
    order: {
      id: 1000 + seq,
      total: Math.round(product.price * quantity * 100) / 100,
      currency: 'EUR',
      customer: customers[seq % customers.length],
      paymentGateway: gateways[seq % gateways.length],
      transactionId: `txn_${(0x5f3a91 * seq).toString(16).toUpperCase()}`,
      comment: seq % 3 === 0 ? null : 'Merci de livrer le serveur en France.',
      invoiceUrl: `https://billing.example.com/invoices/${1000 + seq}`,
      items: [{ name: product.name, quantity, price: product.price }],
    },
  };
}

/** A ticket of the sample customers, one hour old. */
export function sampleTicket(opts: SampleOptions = {}): EventMap['ticket.submit']['ticket'] {
  const { seq, now } = ids(opts);
  return {
    id: 500 + seq,
    subject: 'Mon serveur ne démarre plus',
    department: departments[seq % departments.length],
    customer: customers[seq % customers.length],
    priority: priorities[seq % priorities.length],
    createdAt: new Date(now - 3_600_000).toISOString(),
    url: `https://billing.example.com/admin/helpdesk/tickets/${500 + seq}`,
    related: { name: 'VPS SSD 4 Go #' + (2000 + seq), url: `https://billing.example.com/admin/services/${2000 + seq}` },
  };
}

function customerMessage(seq: number) {
  const customer = customers[seq % customers.length];
  return {
    content: 'Bonjour, mon VPS ne répond plus depuis ce matin. Pouvez-vous vérifier ?',
    author: { name: `${customer.firstName} ${customer.lastName}`, staff: false },
  };
}

const samples: { [K in EventName]: (opts: SampleOptions) => EventMap[K] } = {
  'order.paid': orderPaid,
  'ticket.submit': (opts) => {
    const { seq, iso } = ids(opts);
    return { eventId: `evt_ticket_submit_${seq}`, occurredAt: iso, ticket: sampleTicket(opts), message: customerMessage(seq) };
  },
  'ticket.reply': (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_ticket_reply_${seq}`,
      occurredAt: iso,
      ticket: sampleTicket(opts),
      message: { content: 'Bonjour, avez-vous essayé de redémarrer depuis le panel ?', author: { name: 'Support', staff: true } },
    };
  },
  'ticket.close': (opts) => {
    const { seq, iso } = ids(opts);
    return { eventId: `evt_ticket_close_${seq}`, occurredAt: iso, ticket: sampleTicket(opts), message: null };
  },
};

export function sampleEvent<K extends EventName>(event: K, opts: SampleOptions = {}): EventMap[K] {
  return samples[event](opts);
}
