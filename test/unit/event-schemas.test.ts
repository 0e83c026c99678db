import { describeIssues, validateEvent } from '../../sdk/events.js';
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

  describe('event URLs are http(s) only (they become links in Discord, Teams and JSON)', () => {
    const hostile = [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      '\tjavascript:alert(1)',
      'java\tscript:alert(1)',
      '\u0000javascript:alert(1)',
      ' https://billing.example.com/t/1',
      'https:billing.example.com/t/1',
      'ftp://billing.example.com/t/1',
      '//billing.example.com/t/1',
    ];
    const order = sampleEvent('order.paid');
    const ticket = sampleEvent('ticket.submit');
    const cases: [string, string, () => unknown][] = [];
    for (const bad of hostile) {
      cases.push(['order.paid', 'order.invoiceUrl', () => ({ ...order, order: { ...order.order, invoiceUrl: bad } })]);
      cases.push(['ticket.submit', 'ticket.url', () => ({ ...ticket, ticket: { ...ticket.ticket, url: bad } })]);
      cases.push([
        'ticket.submit',
        'ticket.related.url',
        () => ({ ...ticket, ticket: { ...ticket.ticket, related: { name: 'VPS #12', url: bad } } }),
      ]);
    }

    it.each(cases.map(([event, field, make], i) => [field, JSON.stringify(hostile[Math.floor(i / 3)]), event, make] as const))(
      'refuses %s = %s, the field named',
      (field, _shown, event, make) => {
        const result = validateEvent(event as 'order.paid' | 'ticket.submit', make());
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.issues).toHaveLength(1);
          expect(result.issues[0]).toEqual({ path: field, message: expect.stringMatching(/^must be an http\(s\) URL/) });
          expect(describeIssues(result.issues)).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: must be an http\\(s\\) URL`));
        }
      },
    );

    it.each([
      'https://billing.example.com/t/1?tab=messages#last',
      'HTTP://Billing.Example.com/invoice/42',
      'http://[2606:4700::1111]:8443/i',
    ])('accepts %s', (good) => {
      expect(validateEvent('ticket.submit', { ...ticket, ticket: { ...ticket.ticket, url: good } }).ok).toBe(true);
      expect(validateEvent('order.paid', { ...order, order: { ...order.order, invoiceUrl: good } }).ok).toBe(true);
    });
  });

  describe('normalised at the boundary', () => {
    it('turns lone surrogates into U+FFFD in every text, keeping real pairs', () => {
      const t = sampleEvent('ticket.submit');
      const r = validateEvent('ticket.submit', {
        ...t,
        ticket: { ...t.ticket, subject: 'a\uD800b 😀', department: { id: 'd\uDC00', name: 'x\uDBFF' } },
        message: { content: '\uDC00start', author: { name: 'end\uD83D', staff: false } },
      });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.ticket.subject).toBe('a\uFFFDb 😀');
      expect(r.value.ticket.department).toEqual({ id: 'd\uFFFD', name: 'x\uFFFD' });
      expect(r.value.message).toEqual({ content: '\uFFFDstart', author: { name: 'end\uFFFD', staff: false } });
      expect(JSON.stringify(r.value)).not.toMatch(/\\ud[89a-f]/i);
    });

    it.each([
      ['https://bücher.example/t/1', 'https://xn--bcher-kva.example/t/1'],
      ['https://billing.example.com/factures/été?n=ü', 'https://billing.example.com/factures/%C3%A9t%C3%A9?n=%C3%BC'],
      ['HTTPS://Billing.Example.com/u/@here/t/1', 'https://billing.example.com/u/@here/t/1'],
      ['https://billing.example.com/t/<!channel>', 'https://billing.example.com/t/%3C!channel%3E'],
    ])('sends %s as its WHATWG href %s', (raw, href) => {
      const t = sampleEvent('ticket.submit');
      const r = validateEvent('ticket.submit', { ...t, ticket: { ...t.ticket, url: raw } });
      expect(r).toMatchObject({ ok: true, value: { ticket: { url: href } } });
    });

    it('refuses a URL that is too long once percent-encoded, naming the field', () => {
      const o = sampleEvent('order.paid');
      const r = validateEvent('order.paid', { ...o, order: { ...o.order, invoiceUrl: 'https://a.example/' + 'é'.repeat(1000) } });
      expect(r).toEqual({
        ok: false,
        issues: [{ path: 'order.invoiceUrl', message: 'must be at most 2048 characters once percent-encoded' }],
      });
    });
  });
});
