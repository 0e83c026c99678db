import { validateEvent } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';

describe('event schemas', () => {
  it.each(['order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close'] as const)('accepts the sample %s', (event) => {
    expect(validateEvent(event, sampleEvent(event, { seq: 4 }))).toEqual({ ok: true, value: sampleEvent(event, { seq: 4 }) });
  });

  it.each([['evt\u0000nul'], ['evt with space'], ['évt'], ['']])('refuses event id %j naming the field', (eventId) => {
    const result = validateEvent('order.paid', { ...sampleEvent('order.paid'), eventId });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(new Set(result.issues.map((i) => i.path))).toEqual(new Set(['eventId']));
  });

  it('names a nested bad field by its dotted path', () => {
    const bad = sampleEvent('order.paid');
    const result = validateEvent('order.paid', { ...bad, order: { ...bad.order, customer: { ...bad.order.customer, email: 'nope' } } });
    expect(result).toEqual({ ok: false, issues: [{ path: 'order.customer.email', message: expect.stringMatching(/email/i) }] });
  });
});
