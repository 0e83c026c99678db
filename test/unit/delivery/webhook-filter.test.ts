import { sampleEvent } from '../../../sdk/sample-events.js';
import { matchesFilters } from '../../../module/delivery/webhook-filter.js';
import { defaultFilters, type WebhookFilters } from '../../../module/webhooks/webhook.js';
import type { EventName } from '../../../sdk/events.js';

const hook = (filters: Partial<WebhookFilters>, events: EventName[] = ['order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close']) => ({
  events,
  filters: { ...defaultFilters(), ...filters },
});

describe('matchesFilters', () => {
  const order = sampleEvent('order.paid', { seq: 1 });
  order.order.total = 50;
  order.order.paymentGateway = 'Stripe';
  const ticket = sampleEvent('ticket.submit', { seq: 1 });
  ticket.ticket.department = { id: 2, name: 'Facturation' };
  ticket.ticket.priority = 'high';

  it('passes everything with the default filters, only for listened events', () => {
    expect(matchesFilters(hook({}), 'order.paid', order)).toBe(true);
    expect(matchesFilters(hook({}), 'ticket.submit', ticket)).toBe(true);
    expect(matchesFilters(hook({}, ['ticket.submit']), 'order.paid', order)).toBe(false);
  });

  it('applies the minimum order total', () => {
    expect(matchesFilters(hook({ minOrderTotal: 50 }), 'order.paid', order)).toBe(true);
    expect(matchesFilters(hook({ minOrderTotal: 50.01 }), 'order.paid', order)).toBe(false);
  });

  it('matches payment gateways case-insensitively', () => {
    expect(matchesFilters(hook({ paymentGateways: ['stripe '] }), 'order.paid', order)).toBe(true);
    expect(matchesFilters(hook({ paymentGateways: ['PayPal'] }), 'order.paid', order)).toBe(false);
  });

  it('matches departments by id or by name', () => {
    expect(matchesFilters(hook({ departments: ['2'] }), 'ticket.submit', ticket)).toBe(true);
    expect(matchesFilters(hook({ departments: ['facturation'] }), 'ticket.submit', ticket)).toBe(true);
    expect(matchesFilters(hook({ departments: ['1', 'Commercial'] }), 'ticket.submit', ticket)).toBe(false);
  });

  it('applies priorities to tickets', () => {
    expect(matchesFilters(hook({ priorities: ['high', 'urgent'] }), 'ticket.submit', ticket)).toBe(true);
    expect(matchesFilters(hook({ priorities: ['low'] }), 'ticket.submit', ticket)).toBe(false);
  });

  it('never lets a ticket filter drop an order, nor an order filter drop a ticket', () => {
    expect(matchesFilters(hook({ departments: ['99'], priorities: ['low'] }), 'order.paid', order)).toBe(true);
    expect(matchesFilters(hook({ minOrderTotal: 1e9, paymentGateways: ['None'] }), 'ticket.submit', ticket)).toBe(true);
  });

  it('filters replies by author', () => {
    const staffReply = sampleEvent('ticket.reply', { seq: 1 });
    staffReply.message.author.staff = true;
    const customerReply = sampleEvent('ticket.reply', { seq: 2 });
    customerReply.message.author.staff = false;
    expect(matchesFilters(hook({ replyAuthors: 'staff' }), 'ticket.reply', staffReply)).toBe(true);
    expect(matchesFilters(hook({ replyAuthors: 'staff' }), 'ticket.reply', customerReply)).toBe(false);
    expect(matchesFilters(hook({ replyAuthors: 'customer' }), 'ticket.reply', staffReply)).toBe(false);
    expect(matchesFilters(hook({ replyAuthors: 'both' }), 'ticket.reply', customerReply)).toBe(true);
    // replyAuthors is about replies only: a new ticket from a customer passes a staff-only filter.
    expect(matchesFilters(hook({ replyAuthors: 'staff' }), 'ticket.submit', ticket)).toBe(true);
  });
});
