/**
 * fast-check arbitraries shared by the rendering property tests and the conformance tests:
 * payloads that pass the event schemas (hostile text, long text, mention syntax, lone
 * surrogates, non-ASCII URLs), templates, and every webhook option.
 */
import fc from 'fast-check';
import { ticketPriorities, validateEvent, type EventMap, type EventName } from '../../../sdk/events.js';
import { allNames } from '../../../module/rendering/variables.js';
import type { WebhookOptions } from '../../../module/webhooks/webhook.js';

export const nasty = fc.constantFrom(
  '@everyone',
  '@here',
  '@channel',
  '<@123456789012345678>',
  '<@&123456789012345678>',
  '<#123456789012345678>',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<script>alert(1)</script>',
  '<b>b</b>',
  '<p>',
  '**',
  '*',
  '_',
  '`',
  '```',
  '\\',
  '&amp;',
  '&',
  '<',
  '>',
  '\n',
  '\n\n',
  '😀',
  'é',
  '\u200B',
  ':pushpin:',
  '%id%',
  '||',
  '~',
  '#',
  '-',
  '.',
  '!',
  '[x](https://e.example)',
  '@',
  ' ',
  // Trusted-looking text inside customer text, and what a UTF-16 string can hold but UTF-8 cannot.
  'jean@allo.fr',
  'https://billing.example.com/u/@here/t/1',
  '[Réinitialiser votre mot de passe](https://evil.example/reset)',
  '\uD800',
  'a\uDC00b',
  '&gt;',
  'channel',
);
export const piece = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), nasty);
export const text = (max: number) => fc.array(piece, { maxLength: 12 }).map((p) => p.join('').slice(0, max));
const long = fc
  .tuple(fc.integer({ min: 1000, max: 12_000 }), fc.constantFrom('a', 'é', '😀', '&', '<', '*', '@everyone ', '<p>x</p>', 'word\n'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));
const bigText = (max: number) => fc.oneof({ weight: 4, arbitrary: text(max) }, { weight: 1, arbitrary: long.map((s) => s.slice(0, max)) });
/** Links as hosts send them: ASCII, non-ASCII (IDN host, accented path), and mention-like path words. */
export const url = fc.oneof(
  { weight: 4, arbitrary: fc.webUrl({ size: 'small' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'https://billing.example.com/u/@here/t/1',
      'https://billing.example.com/u/@everyone/tickets/902',
      'https://billing.example.com/factures/été/1001?ref=ü',
      'https://bücher.example/t/1',
      'https://billing.example.com/t/<!channel>',
      'https://billing.example.com/t/a%20b',
    ),
  },
);
const id = fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.nat());
const isoDate = fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString());
const customer = fc.record({
  firstName: bigText(200),
  lastName: text(200),
  email: fc.oneof(fc.emailAddress(), fc.constantFrom('jean@allo.fr', 'here@everyone.example')),
});

/** Event ids as hosts send them, dots and colons included (`evt.901.paid`). */
const eventId = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('evt.901.paid', 'order:1001', 'evt_ticket_submit_1'));

const orderPayload = fc.record({
  eventId,
  occurredAt: isoDate,
  order: fc.record({
    id,
    total: fc.double({ min: 0, max: 1e12, noNaN: true }),
    currency: fc.constantFrom('EUR', 'USD', 'JPY', 'GBP', 'XOF', 'ZZZ'),
    customer,
    paymentGateway: text(100),
    transactionId: fc.option(text(200)),
    comment: fc.option(bigText(100_000)),
    invoiceUrl: url,
    items: fc.constant([]),
  }),
});
const ticket = fc.record({
  id,
  subject: bigText(1000),
  department: fc.record({ id: fc.nat(), name: text(200) }),
  customer,
  priority: fc.constantFrom(...ticketPriorities),
  createdAt: isoDate,
  url,
  related: fc.option(fc.record({ name: text(500), url })),
});
const message = fc.record({ content: bigText(1_000_000), author: fc.record({ name: text(200), staff: fc.boolean() }) });
const ticketPayload = fc.record({ eventId, occurredAt: isoDate, ticket, message });
const closePayload = fc.record({
  eventId,
  occurredAt: isoDate,
  ticket,
  message: fc.option(message),
});

export const event = fc.constantFrom<EventName>('order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close');
export const payloadFor = (e: EventName) => (e === 'order.paid' ? orderPayload : e === 'ticket.close' ? closePayload : ticketPayload);
/** A payload that passed validateEvent, as the delivery code receives it. */
export const validEvent = event.chain((e) =>
  (payloadFor(e) as fc.Arbitrary<unknown>)
    .map((raw) => validateEvent(e, raw))
    .filter((r) => r.ok)
    .map((r) => ({ event: e, payload: (r as { ok: true; value: EventMap[EventName] }).value })),
);

export const variableRefs = fc.constantFrom(
  ...[...new Set(['order.paid', 'ticket.submit'].flatMap((e) => allNames(e as EventName)))].map((n) => `%${n}%`),
);
/** Slack tokens an admin may write around variables (a link to %url%, and mention tokens a value must never complete). */
const slackTokens = fc.constantFrom('<%url%|Ouvrir>', '<!%subject%>', '<@%user%>', '<!here>', '<#%departmentName%>');
export const template = fc.oneof(
  fc.array(fc.oneof(variableRefs, variableRefs, piece), { maxLength: 30 }).map((p) => p.join('')),
  fc.array(fc.oneof(variableRefs, slackTokens, piece), { maxLength: 12 }).map((p) => p.join('')),
  fc
    .tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 2000, max: 9000 }))
    .map(([s, n]) => (s + '**x** %subject% %content% %comment%\n').repeat(Math.ceil(n / 40))),
);
export const snowflake = fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n }).map(String);
export const options: fc.Arbitrary<WebhookOptions> = fc.record({
  mode: fc.constantFrom('plain' as const, 'embed' as const),
  color: fc.option(fc.integer({ min: 0, max: 0xffffff })),
  username: fc.option(fc.oneof(text(100), fc.constantFrom('Discord', 'clyde bot', 'ok', '\u200B\u200B', '\u200D\uFEFF'))),
  avatarUrl: fc.option(fc.oneof(url, fc.string())),
  rolePing: fc.option(
    fc.record({
      roleIds: fc.array(fc.oneof(snowflake, fc.string(), fc.constant('0123456789012345678')), { maxLength: 5 }),
      priorities: fc.subarray([...ticketPriorities]),
    }),
  ),
  threadId: fc.option(fc.oneof(snowflake, fc.string(), fc.constant('0123456789012345678'))),
  threadName: fc.option(fc.oneof(text(200), variableRefs)),
  threadPerTicket: fc.boolean(),
  threadTitle: fc.option(fc.oneof(text(200), variableRefs, template)),
  threadTags: fc.array(
    fc.record({
      when: fc.oneof(fc.constantFrom(...ticketPriorities, 'Support', 'ventes', '3'), text(20)),
      tagId: fc.oneof(snowflake, fc.string()),
    }),
    { maxLength: 8 },
  ),
  statusCard: fc.constantFrom('off' as const, 'close' as const, 'each' as const),
  coalesce: fc.boolean(),
  slackBlocks: fc.boolean(),
  telegramChatId: fc.option(fc.string({ minLength: 1, maxLength: 20 })),
  telegramParseMode: fc.constantFrom('HTML' as const, 'MarkdownV2' as const),
});
