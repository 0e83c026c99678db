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
  /** Language of the people's words in the sample (ticket subject and messages, order comment); default fr. */
  locale?: 'fr' | 'en';
}

/** What the sample customer and staff write, in each language (the simulator's conversations too). */
export const sampleTicketTexts = {
  fr: {
    subject: 'Mon serveur ne démarre plus',
    opening: 'Bonjour, mon VPS ne répond plus depuis ce matin. Pouvez-vous vérifier ?',
    staffReply: 'Bonjour, avez-vous essayé de redémarrer depuis le panel ?',
    customerReply: 'Oui, deux fois, sans effet. Il reste bloqué au démarrage.',
    reopen: 'Le problème est revenu ce soir, le VPS ne répond plus.',
    staffName: 'Support',
    orderComment: 'Merci de livrer le serveur en France.',
    departments: ['Support technique', 'Facturation', 'Commercial'],
  },
  en: {
    subject: 'My server no longer starts',
    opening: 'Hello, my VPS has not answered since this morning. Could you have a look?',
    staffReply: 'Hello, have you tried restarting it from the panel?',
    customerReply: 'Yes, twice, to no effect. It hangs while booting.',
    reopen: 'The problem came back tonight, the VPS no longer answers.',
    staffName: 'Support',
    orderComment: 'Please deliver the server in France.',
    departments: ['Technical support', 'Billing', 'Sales'],
  },
} as const;

const textsOf = (opts: SampleOptions) => sampleTicketTexts[opts.locale === 'en' ? 'en' : 'fr'];

const customers = [
  { id: 17, firstName: 'Camille', lastName: 'Martin', email: 'camille.martin@example.com' },
  { id: 42, firstName: 'Jean', lastName: 'Dupont', email: 'jean.dupont@example.com', group: 'vip' },
  { id: 73, firstName: 'Amélie', lastName: 'Rousseau', email: 'amelie.rousseau@example.com' },
];
const products = [
  { id: 3, name: 'VPS SSD 4 Go', group: 'VPS', price: 12.5, hostname: 'vps-{n}.clients.example.com' },
  { id: 8, name: 'Minecraft 8 Go', group: 'Minecraft', price: 19.99, hostname: 'mc-{n}.play.example.com' },
  { id: 12, name: 'Nom de domaine .fr', group: 'Domaines', price: 7.2, hostname: 'boulangerie-{n}.fr' },
];
const DAY = 86_400_000;
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
      comment: seq % 3 === 0 ? null : textsOf(opts).orderComment,
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
    subject: textsOf(opts).subject,
    department: { ...departments[seq % departments.length], name: textsOf(opts).departments[seq % departments.length] },
    customer: customers[seq % customers.length],
    priority: priorities[seq % priorities.length],
    createdAt: new Date(now - 3_600_000).toISOString(),
    url: `https://billing.example.com/admin/helpdesk/tickets/${500 + seq}`,
    related: { name: 'VPS SSD 4 Go #' + (2000 + seq), url: `https://billing.example.com/admin/services/${2000 + seq}` },
  };
}

function customerMessage(seq: number, opts: SampleOptions = {}) {
  const customer = customers[seq % customers.length];
  return {
    content: textsOf(opts).opening,
    author: { name: `${customer.firstName} ${customer.lastName}`, staff: false },
  };
}

/** An invoice of the sample customers for one of the products, due in a week. */
function sampleInvoice(opts: SampleOptions): EventMap['invoice.created']['invoice'] {
  const { seq, now } = ids(opts);
  const product = products[seq % products.length];
  const id = 3000 + seq;
  return {
    id,
    number: `FA-2026-${String(id).padStart(5, '0')}`,
    total: product.price,
    currency: 'EUR',
    customer: customers[seq % customers.length],
    dueDate: new Date(now + 7 * DAY).toISOString(),
    paymentGateway: gateways[seq % gateways.length],
    transactionId: null,
    items: [{ name: product.name, quantity: 1, price: product.price }],
    url: `https://billing.example.com/admin/invoices/${id}`,
  };
}

/** A monthly service of the sample customers, due in a month. */
function sampleService(opts: SampleOptions): EventMap['service.created']['service'] {
  const { seq, now } = ids(opts);
  const product = products[seq % products.length];
  const id = 2000 + seq;
  return {
    id,
    name: `${product.name} #${id}`,
    hostname: product.hostname.replace('{n}', String(id)),
    product: { id: product.id, name: product.name, group: product.group },
    customer: customers[seq % customers.length],
    price: product.price,
    currency: 'EUR',
    billingCycle: 'monthly',
    expiresAt: new Date(now + 30 * DAY).toISOString(),
    url: `https://billing.example.com/admin/services/${id}`,
  };
}

type Sample<K extends EventName> = (opts: SampleOptions) => EventMap[K];
const invoiceSample =
  <K extends Extract<EventName, `invoice.${string}`>>(
    event: K,
    extra: (opts: SampleOptions) => Omit<EventMap[K], 'eventId' | 'occurredAt' | 'invoice'>,
    patch: Partial<EventMap[K]['invoice']> = {},
  ): Sample<K> =>
  (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_${event.replace('.', '_')}_${seq}`,
      occurredAt: iso,
      invoice: { ...sampleInvoice(opts), ...patch },
      ...extra(opts),
    } as EventMap[K];
  };
const serviceSample =
  <K extends Extract<EventName, `service.${string}`>>(
    event: K,
    extra: (opts: SampleOptions) => Omit<EventMap[K], 'eventId' | 'occurredAt' | 'service'>,
    patch: (opts: SampleOptions) => Partial<EventMap[K]['service']> = () => ({}),
  ): Sample<K> =>
  (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_${event.replace('.', '_')}_${seq}`,
      occurredAt: iso,
      service: { ...sampleService(opts), ...patch(opts) },
      ...extra(opts),
    } as EventMap[K];
  };
const none = () => ({});

const samples: { [K in EventName]: (opts: SampleOptions) => EventMap[K] } = {
  'order.paid': orderPaid,
  'ticket.submit': (opts) => {
    const { seq, iso } = ids(opts);
    return { eventId: `evt_ticket_submit_${seq}`, occurredAt: iso, ticket: sampleTicket(opts), message: customerMessage(seq, opts) };
  },
  'ticket.reply': (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_ticket_reply_${seq}`,
      occurredAt: iso,
      ticket: sampleTicket(opts),
      message: { content: textsOf(opts).staffReply, author: { name: textsOf(opts).staffName, staff: true } },
    };
  },
  'ticket.close': (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_ticket_close_${seq}`,
      occurredAt: iso,
      ticket: sampleTicket(opts),
      message: null,
      closedBy: { name: 'Support', staff: true },
    };
  },
  'ticket.reopen': (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_ticket_reopen_${seq}`,
      occurredAt: iso,
      ticket: sampleTicket(opts),
      message: { content: textsOf(opts).reopen, author: customerMessage(seq).author },
    };
  },
  'invoice.created': invoiceSample('invoice.created', none),
  'invoice.paid': invoiceSample('invoice.paid', none, { transactionId: 'txn_8F3A91C2' }),
  'invoice.payment_failed': invoiceSample('invoice.payment_failed', () => ({ reason: 'Carte refusée par la banque (fonds insuffisants)' })),
  'invoice.refunded': invoiceSample('invoice.refunded', (opts) => ({
    refund: { amount: sampleInvoice(opts).total, reason: 'Service annulé dans les 14 jours' },
  })),
  'invoice.cancelled': invoiceSample('invoice.cancelled', () => ({ reason: 'Commande annulée par le client' })),
  'invoice.overdue': (opts) => {
    const { now } = ids(opts);
    return invoiceSample('invoice.overdue', () => ({ daysOverdue: 5 }), { dueDate: new Date(now - 5 * DAY).toISOString() })(opts);
  },
  'service.created': serviceSample('service.created', none),
  'service.delivered': serviceSample('service.delivered', none),
  'service.delivery_failed': serviceSample('service.delivery_failed', () => ({
    reason: 'Le serveur Proxmox pve-02 ne répond pas (délai dépassé)',
  })),
  'service.renewed': serviceSample('service.renewed', (opts) => ({ previousExpiresAt: new Date(ids(opts).now).toISOString() })),
  'service.upgraded': serviceSample(
    'service.upgraded',
    () => ({ previousProduct: { id: 2, name: 'VPS SSD 2 Go', group: 'VPS' } }),
    (opts) => ({ ...vpsOf(opts), price: 19.5 }),
  ),
  'service.suspended': serviceSample('service.suspended', () => ({ reason: 'Facture impayée depuis 10 jours' })),
  'service.unsuspended': serviceSample('service.unsuspended', none),
  'service.expiring': (opts) => {
    const { now } = ids(opts);
    return serviceSample(
      'service.expiring',
      () => ({ daysLeft: 3 }),
      () => ({ expiresAt: new Date(now + 3 * DAY).toISOString() }),
    )(opts);
  },
  'service.expired': (opts) => {
    const { now } = ids(opts);
    return serviceSample('service.expired', none, () => ({ expiresAt: new Date(now - DAY).toISOString() }))(opts);
  },
  'service.cancelled': serviceSample('service.cancelled', () => ({ reason: 'Je n’en ai plus besoin' })),
  'customer.registered': (opts) => {
    const { seq, iso } = ids(opts);
    const customer = customers[seq % customers.length];
    return {
      eventId: `evt_customer_registered_${seq}`,
      occurredAt: iso,
      customer: {
        ...customer,
        id: customer.id + seq * 100,
        company: seq % 2 ? 'Boulangerie Martin SARL' : null,
        country: 'FR',
        url: `https://billing.example.com/admin/customers/${customer.id + seq * 100}`,
      },
    };
  },
  'ticket.assigned': (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_ticket_assigned_${seq}`,
      occurredAt: iso,
      ticket: sampleTicket(opts),
      staff: { id: 'sophie', name: 'Sophie Bernard' },
    };
  },
  'ticket.awaiting_staff': (opts) => {
    const { seq, iso, now } = ids(opts);
    return {
      eventId: `evt_ticket_awaiting_staff_${seq}`,
      occurredAt: iso,
      ticket: sampleTicket(opts),
      message: customerMessage(seq),
      waitingSince: new Date(now - 4 * 3_600_000).toISOString(),
      delayMinutes: 240,
    };
  },
  'webhooks.disabled': opsSample('webhooks.disabled', () => ({
    reason: 'Discord: 404 Unknown Webhook (code 10015): the webhook was deleted',
  })),
  'webhooks.paused': opsSample('webhooks.paused', () => ({ reason: 'rate limited (429) 12 times in a row for 10 min' })),
  'webhooks.delivery_failed': opsSample('webhooks.delivery_failed', (opts) => ({
    reason: 'gave up after 8 attempts: HTTP 503',
    failures: 1,
    delivery: {
      id: 9000 + (opts.seq ?? 1),
      event: 'order.paid',
      eventId: `evt_order_${opts.seq ?? 1}`,
      reference: String(1000 + (opts.seq ?? 1)),
      attempts: 8,
    },
  })),
  'webhooks.recovered': opsSample('webhooks.recovered', (opts) => ({
    failingSince: new Date(ids(opts).now - 2 * 3_600_000).toISOString(),
    failures: 3,
  })),
};

/** An operational event's sample: about a Discord webhook of the shop, its URL masked. */
function opsSample<K extends Extract<EventName, `webhooks.${string}`>>(
  event: K,
  extra: (opts: SampleOptions) => Omit<EventMap[K], 'eventId' | 'occurredAt' | 'webhook'>,
): Sample<K> {
  return (opts) => {
    const { seq, iso } = ids(opts);
    return {
      eventId: `evt_${event.replace('.', '_')}_${seq}`,
      occurredAt: iso,
      webhook: { id: 9001, name: 'Boutique (Discord)', platform: 'discord', urlHint: 'https://discord.com/api/webhooks/1234…/••••' },
      ...extra(opts),
    } as EventMap[K];
  };
}

/** The VPS product for an upgrade sample (an upgrade stays in its group). */
function vpsOf(opts: SampleOptions): Partial<EventMap['service.upgraded']['service']> {
  const id = 2000 + (opts.seq ?? 1);
  return { name: `VPS SSD 4 Go #${id}`, hostname: `vps-${id}.clients.example.com`, product: { id: 3, name: 'VPS SSD 4 Go', group: 'VPS' } };
}

export function sampleEvent<K extends EventName>(event: K, opts: SampleOptions = {}): EventMap[K] {
  return samples[event](opts);
}
