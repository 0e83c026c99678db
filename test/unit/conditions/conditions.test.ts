/**
 * Conditions (CEL through @marcbachmann/cel-js): a syntax error and a type error name their
 * position, ten conditions a hosting provider would write give what they should on real payloads,
 * a costly or dangerous expression is refused before it is saved, and the fixed filters still
 * apply beside a condition.
 */
import { sampleEvent } from '../../../sdk/sample-events.js';
import { validateEvent, type EventMap, type EventName } from '../../../sdk/events.js';
import { checkCondition, conditionMatches } from '../../../module/conditions/conditions.js';
import { LIST_CAP, TEXT_CAP } from '../../../module/conditions/cel-schema.js';
import { MAX_CONDITION_COST } from '../../../module/conditions/condition-cost.js';
import { matchesFilters } from '../../../module/delivery/webhook-filter.js';
import { defaultFilters } from '../../../module/webhooks/webhook.js';

const valid = <K extends EventName>(event: K, patch: (p: EventMap[K]) => void = () => {}): EventMap[K] => {
  const raw = structuredClone(sampleEvent(event, { seq: 2 }));
  patch(raw);
  const r = validateEvent(event, raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};

describe('conditions', () => {
  it('names the position of a syntax error', () => {
    const r = checkCondition('order.total >= 100 &&', ['order.paid']);
    expect(r).toMatchObject({ ok: false, problem: { line: 1, column: 22, message: expect.stringMatching(/Unexpected token/) } });
    const two = checkCondition('ticket.priority == "high"\n  && ticket.subject.contains("urgent"', ['ticket.submit']);
    expect(two).toMatchObject({ ok: false, problem: { line: 2 } });
  });

  it('refuses an unknown field, a text compared with a number and a non-boolean, naming the event and the position', () => {
    expect(checkCondition('order.totl >= 100', ['order.paid'])).toMatchObject({
      ok: false,
      problem: { event: 'order.paid', line: 1, column: 7, message: 'No such key: totl' },
    });
    expect(checkCondition('order.total >= "100"', ['order.paid'])).toMatchObject({
      ok: false,
      problem: { event: 'order.paid', message: 'no such overload: double >= string' },
    });
    expect(checkCondition('ticket.subject > 3', ['ticket.submit'])).toMatchObject({ ok: false, problem: { message: /no such overload/ } });
    expect(checkCondition('order.total', ['order.paid'])).toMatchObject({ ok: false, problem: { message: /not a boolean/ } });
    // Typed against each event the webhook listens to: `order` does not exist for a ticket.
    expect(checkCondition('order.total >= 100', ['order.paid', 'ticket.submit'])).toMatchObject({
      ok: false,
      problem: { event: 'ticket.submit', message: /order/ },
    });
  });

  it.each<[string, EventName, (p: never) => void, boolean]>([
    [
      'order.total >= 100 && order.paymentGateway == "Stripe"',
      'order.paid',
      (p: EventMap['order.paid']) => void ((p.order.total = 150), (p.order.paymentGateway = 'Stripe')),
      true,
    ],
    [
      'order.total >= 100 && order.paymentGateway == "Stripe"',
      'order.paid',
      (p: EventMap['order.paid']) => void ((p.order.total = 99.99), (p.order.paymentGateway = 'Stripe')),
      false,
    ],
    [
      'ticket.subject.contains("urgent")',
      'ticket.submit',
      (p: EventMap['ticket.submit']) => void (p.ticket.subject = 'Serveur down, urgent !'),
      true,
    ],
    [
      'ticket.priority in ["high", "urgent"] && ticket.department.name == "Support technique"',
      'ticket.reply',
      (p: EventMap['ticket.reply']) => void ((p.ticket.priority = 'urgent'), (p.ticket.department = { id: 1, name: 'Support technique' })),
      true,
    ],
    ['!message.author.staff', 'ticket.reply', (p: EventMap['ticket.reply']) => void (p.message.author.staff = true), false],
    [
      'service.product.group == "VPS"',
      'service.suspended',
      (p: EventMap['service.suspended']) => void (p.service.product.group = 'VPS'),
      true,
    ],
    ['customer.group == "vip"', 'customer.registered', (p: EventMap['customer.registered']) => void (p.customer.group = 'vip'), true],
    [
      'invoice.customer.group == "vip" || invoice.total > 500.0',
      'invoice.payment_failed',
      (p: EventMap['invoice.payment_failed']) => void ((p.invoice.customer.group = null), (p.invoice.total = 20)),
      false,
    ],
    [
      'daysLeft <= 3 && service.billingCycle == "annually"',
      'service.expiring',
      (p: EventMap['service.expiring']) => void ((p.daysLeft = 2), (p.service.billingCycle = 'annually')),
      true,
    ],
    [
      'order.items.exists(i, i.name.startsWith("Minecraft")) && size(order.items) < 5',
      'order.paid',
      (p: EventMap['order.paid']) => void (p.order.items = [{ name: 'Minecraft 8 Go', quantity: 1, price: 19.99 }]),
      true,
    ],
    [
      'has(ticket.related) && ticket.related.name.contains("VPS")',
      'ticket.submit',
      (p: EventMap['ticket.submit']) => void (p.ticket.related = null),
      false,
    ],
    [
      'event == "invoice.refunded" && refund.amount >= 10.0',
      'invoice.refunded',
      (p: EventMap['invoice.refunded']) => void (p.refund.amount = 12.5),
      true,
    ],
  ])('%s on %s gives what it should', (condition, event, patch, expected) => {
    expect(checkCondition(condition, [event])).toMatchObject({ ok: true });
    expect(conditionMatches(condition, event, valid(event, patch as never))).toBe(expected);
  });

  it('refuses an expression whose worst cost is over the limit, and regular expressions', () => {
    const nested = 'order.items.all(a, order.items.all(b, order.items.exists(c, a.name + b.name == c.name)))';
    const r = checkCondition(nested, ['order.paid']);
    expect(r).toMatchObject({ ok: false, problem: { message: expect.stringMatching(/too costly/) } });
    expect(checkCondition('order.items.exists(i, i.name.contains("VPS"))', ['order.paid'])).toMatchObject({ ok: true });
    const one = checkCondition('order.items.exists(i, i.name.contains("VPS"))', ['order.paid']);
    expect(one.ok && one.cost).toBeLessThan(MAX_CONDITION_COST);
    // The second check was answered from the compiled cache: the same cost, not 0.
    const fresh = checkCondition('order.items.exists(i, i.name.contains("VPN"))', ['order.paid']);
    expect(one.ok && one.cost).toBeGreaterThan(0);
    expect(one).toEqual(fresh);
    expect(checkCondition('ticket.subject.matches("(a+)+$")', ['ticket.submit'])).toMatchObject({
      ok: false,
      problem: { message: expect.stringMatching(/regular expressions/) },
    });
    expect(checkCondition('x'.repeat(1001), ['order.paid'])).toMatchObject({ ok: false, problem: { message: /longer than/ } });
    // Parse-time limits: a deeply nested expression is refused before anything else.
    expect(checkCondition('('.repeat(40) + 'true' + ')'.repeat(40), ['order.paid'])).toMatchObject({ ok: false });
  });

  it('counts the texts a condition builds: concatenating names for each line is refused, naming the cost and the culprit', () => {
    const r = checkCondition('order.items.map(a, a.name + a.name).exists(s, s.contains("q"))', ['order.paid']);
    // A line's name is at most 500 characters (its schema), so each `+` builds up to 1000, once per line.
    expect(r).toMatchObject({
      ok: false,
      problem: {
        event: 'order.paid',
        line: 1,
        column: 20,
        message: expect.stringMatching(
          /^too costly to evaluate \(estimated [\d,]+, at most 20,000\); the costliest part: `a\.name \+ a\.name` builds a text of up to 1,000 characters, 50 times \(50,000\)$/,
        ),
      },
    });
  });

  it("types a list's elements: inside a macro a double plus an int, or a line's unknown field, is refused on save", () => {
    // Declared as list<map>, the lines were `dyn`: these passed the check and failed on every event.
    expect(checkCondition('order.items.exists(i, i.price + 1 > 10)', ['order.paid'])).toEqual({
      ok: false,
      problem: { event: 'order.paid', line: 1, column: 23, message: expect.stringContaining('no such overload: double + int') },
    });
    expect(checkCondition('order.items.exists(i, i.colour == "red")', ['order.paid'])).toMatchObject({
      ok: false,
      problem: { event: 'order.paid', line: 1 },
    });
    const order = valid('order.paid', (p) => void (p.order.items = [{ name: 'VPS', quantity: 3, price: 19.99 }]));
    expect(conditionMatches('order.items.exists(i, i.quantity + 1 > 3 && i.name == "VPS")', 'order.paid', order)).toBe(true);
  });

  it('does not count a `+` of numbers as building a text, in a macro or not', () => {
    for (const condition of [
      'order.items.exists(i, i.price + 1.0 > 10.0)',
      'order.items.exists(i, i.quantity + 1 > 10)',
      'order.items.map(i, i.quantity + i.quantity).exists(q, q > 4)',
      'order.total + 1.0 > 100.0',
    ]) {
      const r = checkCondition(condition, ['order.paid']);
      expect(r).toMatchObject({ ok: true });
      // Far from the limit: a `+` of texts in the same place would cost over 50 × 500.
      expect(r.ok && r.cost).toBeLessThan(MAX_CONDITION_COST / 4);
    }
    const order = valid('order.paid', (p) => void (p.order.items = [{ name: 'VPS', quantity: 1, price: 19.99 }]));
    expect(conditionMatches('order.items.exists(i, i.price + 1.0 > 10.0)', 'order.paid', order)).toBe(true);
    expect(conditionMatches('order.items.exists(i, i.price + 1.0 > 30.0)', 'order.paid', order)).toBe(false);
  });

  it.each<[string, EventName, RegExp]>([
    // Nested maps: a text per pair of lines.
    [
      'order.items.map(a, order.items.map(b, a.name + b.name)).size() > 0',
      'order.paid',
      /`a\.name \+ b\.name` builds a text .*2,500 times/,
    ],
    // A chain of concatenations outside any macro: each `+` builds the texts so far.
    [
      'message.content + message.content + message.content == ""',
      'ticket.reply',
      /`message\.content \+ message\.content \+ message\.content` builds a text of up to 12,288 characters/,
    ],
    // `+` of lists: the list built, and the body run once per element of both.
    [
      '(order.items + order.items + order.items).exists(i, i.name.contains("x") || i.name.endsWith("y") || i.name.startsWith("z"))',
      'order.paid',
      /runs its body up to 150 times/,
    ],
    // Text functions that build a text: a lowered copy of each line's name, a joined list, a split text iterated.
    [
      'order.items.exists(a, a.name.lowerAscii() == "x")',
      'order.paid',
      /`a\.name\.lowerAscii\(\)` builds a text of up to 500 characters, 50 times/,
    ],
    ['order.items.map(a, a.name).join(" ").contains("x")', 'order.paid', /builds a text of up to 25,049 characters/],
    [
      'message.content.split(" ").exists(w, w.contains("x"))',
      'ticket.reply',
      /`w\.contains\("x"\)` reads texts of up to 4,096 characters, 4,097 times/,
    ],
  ])('refuses %s, naming what makes it costly', (condition, event, culprit) => {
    const r = checkCondition(condition, [event]);
    expect(r).toMatchObject({
      ok: false,
      problem: { message: expect.stringMatching(/^too costly to evaluate \(estimated [\d,]+, at most 20,000\)/) },
    });
    expect(r.ok || r.problem.message).toMatch(culprit);
  });

  it('accepts small texts built per line and a whole text lowered once', () => {
    for (const [condition, event] of [
      ['order.items.exists(i, string(i.quantity) + " x" == "2 x")', 'order.paid'],
      ['ticket.subject.lowerAscii().contains("urgent") || message.content.lowerAscii().contains("urgent")', 'ticket.reply'],
      ['"[VPS] " + ticket.subject == "[VPS] down"', 'ticket.reply'],
    ] as const)
      expect(checkCondition(condition, [event])).toMatchObject({ ok: true });
  });

  it('sees capped texts and lists, so a huge payload cannot make it slow or wrong at the far end', () => {
    const big = valid('ticket.submit', (p) => void (p.message.content = 'a'.repeat(TEXT_CAP) + 'urgent'));
    expect(conditionMatches('message.content.contains("urgent")', 'ticket.submit', big)).toBe(false);
    expect(conditionMatches('message.content.size() == ' + TEXT_CAP, 'ticket.submit', big)).toBe(true);
    const many = valid(
      'order.paid',
      (p) => void (p.order.items = Array.from({ length: 500 }, (_, i) => ({ name: `l${i}`, quantity: 1, price: 1 }))),
    );
    expect(conditionMatches(`size(order.items) == ${LIST_CAP}`, 'order.paid', many)).toBe(true);
  });

  it('lets nothing through when the condition fails while evaluating or does not compile', () => {
    const close = valid('ticket.close', (p) => void (p.message = null));
    expect(conditionMatches('message.content.contains("x")', 'ticket.close', close)).toBe(false);
    expect(conditionMatches('order.total >', 'order.paid', valid('order.paid'))).toBe(false);
  });

  it('applies beside the fixed filters: both must let the event through', () => {
    const order = valid('order.paid', (p) => void ((p.order.total = 150), (p.order.paymentGateway = 'PayPal')));
    const webhook = (condition: string | null, minOrderTotal: number | null) => ({
      events: ['order.paid' as EventName],
      filters: { ...defaultFilters(), minOrderTotal },
      condition,
    });
    expect(matchesFilters(webhook(null, null), 'order.paid', order)).toBe(true);
    expect(matchesFilters(webhook('order.paymentGateway == "PayPal"', 100), 'order.paid', order)).toBe(true);
    expect(matchesFilters(webhook('order.paymentGateway == "PayPal"', 200), 'order.paid', order)).toBe(false);
    expect(matchesFilters(webhook('order.paymentGateway == "Stripe"', 100), 'order.paid', order)).toBe(false);
  });
});
