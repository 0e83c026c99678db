import { sampleEvent } from '../../../sdk/sample-events.js';
import { validateEvent } from '../../../sdk/events.js';
import { withSampleChoices } from '../../../module/events/sample-choices.js';

describe('withSampleChoices', () => {
  it('sets a ticket’s priority and department on a copy, and the payload stays valid', () => {
    const base = sampleEvent('ticket.submit', { seq: 1 });
    const chosen = withSampleChoices(base, { priority: 'urgent', department: 'Commercial' });
    expect(chosen.ticket.priority).toBe('urgent');
    expect(chosen.ticket.department).toEqual({ id: 'commercial', name: 'Commercial' });
    expect(base.ticket.priority).not.toBe('urgent');
    expect(validateEvent('ticket.submit', chosen).ok).toBe(true);
  });

  it('keeps the sample’s own department (and its id) when the admin names it by id or name', () => {
    const base = sampleEvent('ticket.submit', { seq: 1 });
    const dept = base.ticket.department;
    expect(withSampleChoices(base, { department: String(dept.id) }).ticket.department).toEqual(dept);
    expect(withSampleChoices(base, { department: dept.name.toUpperCase() }).ticket.department).toEqual(dept);
  });

  it('sets an order’s or invoice’s amount and gateway; events without them are left alone', () => {
    const order = withSampleChoices(sampleEvent('order.paid', { seq: 1 }), { amount: 150, gateway: 'Stripe', priority: 'high' });
    expect([order.order.total, order.order.paymentGateway]).toEqual([150, 'Stripe']);
    expect(validateEvent('order.paid', order).ok).toBe(true);
    const invoice = withSampleChoices(sampleEvent('invoice.paid', { seq: 1 }), { amount: 0 });
    expect(invoice.invoice.total).toBe(0);
    const customer = sampleEvent('customer.registered', { seq: 1 });
    expect(withSampleChoices(customer, { amount: 5, priority: 'low' })).toEqual(customer);
  });

  it('returns the sample itself when nothing is chosen', () => {
    const base = sampleEvent('ticket.reply', { seq: 2 });
    expect(withSampleChoices(base, undefined)).toBe(base);
    expect(withSampleChoices(base, {})).toBe(base);
  });
});
