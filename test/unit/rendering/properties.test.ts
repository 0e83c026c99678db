/**
 * Property tests: random payloads that pass the event schemas, random templates and random
 * options. No formatter throws, every body is within its platform's limits, and no Discord body
 * can mention anyone but the role ids the admin configured (and only when the ping applies).
 */
import fc from 'fast-check';
import { validateEvent, type EventMap, type EventName } from '../../../sdk/events.js';
import {
  combineBodies,
  discordProblems,
  renderMessage,
  slackProblems,
  teamsProblems,
  telegramProblems,
  MATTERMOST,
  ROCKETCHAT,
  SLACK,
  type MessageBody,
} from '../../../module/rendering/index.js';
import { allNames } from '../../../module/rendering/variables.js';
import { defaultOptions, platforms, type Platform, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { ticketPriorities } from '../../../sdk/events.js';

const nasty = fc.constantFrom(
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
);
const piece = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), nasty);
const text = (max: number) => fc.array(piece, { maxLength: 12 }).map((p) => p.join('').slice(0, max));
const long = fc
  .tuple(fc.integer({ min: 1000, max: 12_000 }), fc.constantFrom('a', 'é', '😀', '&', '<', '*', '@everyone ', '<p>x</p>', 'word\n'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));
const bigText = (max: number) => fc.oneof({ weight: 4, arbitrary: text(max) }, { weight: 1, arbitrary: long.map((s) => s.slice(0, max)) });
const url = fc.webUrl({ size: 'small' });
const id = fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.nat());
const isoDate = fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString());
const customer = fc.record({ firstName: bigText(200), lastName: text(200), email: fc.emailAddress() });

const orderPayload = fc.record({
  eventId: fc.string({ minLength: 1, maxLength: 20 }),
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
const ticketPayload = fc.record({ eventId: fc.string({ minLength: 1, maxLength: 20 }), occurredAt: isoDate, ticket, message });
const closePayload = fc.record({
  eventId: fc.string({ minLength: 1, maxLength: 20 }),
  occurredAt: isoDate,
  ticket,
  message: fc.option(message),
});

const event = fc.constantFrom<EventName>('order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close');
const payloadFor = (e: EventName) => (e === 'order.paid' ? orderPayload : e === 'ticket.close' ? closePayload : ticketPayload);
/** A payload that passed validateEvent, as the delivery code receives it. */
const validEvent = event.chain((e) =>
  (payloadFor(e) as fc.Arbitrary<unknown>)
    .map((raw) => validateEvent(e, raw))
    .filter((r) => r.ok)
    .map((r) => ({ event: e, payload: (r as { ok: true; value: EventMap[EventName] }).value })),
);

const variableRefs = fc.constantFrom(
  ...[...new Set(['order.paid', 'ticket.submit'].flatMap((e) => allNames(e as EventName)))].map((n) => `%${n}%`),
);
const template = fc.oneof(
  fc.array(fc.oneof(variableRefs, variableRefs, piece), { maxLength: 30 }).map((p) => p.join('')),
  fc
    .tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 2000, max: 9000 }))
    .map(([s, n]) => (s + '**x** %subject% %content% %comment%\n').repeat(Math.ceil(n / 40))),
);
const snowflake = fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n }).map(String);
const options: fc.Arbitrary<WebhookOptions> = fc.record({
  mode: fc.constantFrom('plain' as const, 'embed' as const),
  color: fc.option(fc.integer({ min: 0, max: 0xffffff })),
  username: fc.option(fc.oneof(text(100), fc.constantFrom('Discord', 'clyde bot', 'ok'))),
  avatarUrl: fc.option(fc.oneof(url, fc.string())),
  rolePing: fc.option(
    fc.record({ roleIds: fc.array(fc.oneof(snowflake, fc.string()), { maxLength: 5 }), priorities: fc.subarray([...ticketPriorities]) }),
  ),
  threadId: fc.option(fc.oneof(snowflake, fc.string())),
  threadName: fc.option(fc.oneof(text(200), variableRefs)),
  coalesce: fc.boolean(),
  slackBlocks: fc.boolean(),
  telegramChatId: fc.option(fc.string({ minLength: 1, maxLength: 20 })),
  telegramParseMode: fc.constantFrom('HTML' as const, 'MarkdownV2' as const),
});

function limitProblems(platform: Platform, body: MessageBody): string[] {
  switch (platform) {
    case 'discord':
      return discordProblems(body);
    case 'slack':
      return slackProblems(body, SLACK.text);
    case 'mattermost':
      return slackProblems(body, MATTERMOST.text);
    case 'rocketchat':
      return slackProblems(body, ROCKETCHAT.text);
    case 'teams':
      return teamsProblems(body);
    case 'telegram':
      return telegramProblems(body);
    default:
      return typeof body.type === 'string' && typeof body.data === 'object' ? [] : ['not a JSON event'];
  }
}

/** Role ids the admin configured and that apply to this event (what Discord may ping). */
function expectedRoles(e: EventName, payload: EventMap[EventName], o: WebhookOptions): string[] {
  if (!o.rolePing || e === 'order.paid') return [];
  const priority = (payload as EventMap['ticket.submit']).ticket.priority;
  if (o.rolePing.priorities.length && !o.rolePing.priorities.includes(priority)) return [];
  return [...new Set(o.rolePing.roleIds.filter((r) => /^\d{17,20}$/.test(r)))];
}

const RUNS = 120;

describe('rendering properties', () => {
  it('every platform: never throws and every body is within its limits', () => {
    fc.assert(
      fc.property(
        validEvent,
        template,
        options,
        fc.constantFrom(...platforms),
        fc.constantFrom('fr' as const, 'en' as const),
        ({ event: e, payload }, t, o, platform, locale) => {
          const { body } = renderMessage({
            webhook: { platform, templates: { order: t, ticket: t }, options: o },
            event: e,
            payload,
            locale,
            timeZone: 'Europe/Paris',
          });
          expect(limitProblems(platform, body)).toEqual([]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('Discord: allowed_mentions never parses anything, and roles are only the configured ones when the ping applies', () => {
    fc.assert(
      fc.property(validEvent, template, options, ({ event: e, payload }, t, o) => {
        const { body } = renderMessage({
          webhook: { platform: 'discord', templates: { order: t, ticket: t }, options: o },
          event: e,
          payload,
          locale: 'fr',
          timeZone: 'UTC',
        });
        const roles = expectedRoles(e, payload, o);
        expect(body.allowed_mentions).toEqual(roles.length ? { parse: [], roles } : { parse: [] });
      }),
      { numRuns: RUNS },
    );
  });

  it('Discord: with a template that writes no mention itself, the text holds no mention but the configured role pings', () => {
    const cleanTemplate = template.map((t) => t.replace(/[<@]/g, ''));
    // The thread name is admin-written too: cleaned the same way.
    const cleanOptions = options.map((o) => ({ ...o, threadName: o.threadName && o.threadName.replace(/[<@]/g, '') }));
    fc.assert(
      fc.property(validEvent, cleanTemplate, cleanOptions, ({ event: e, payload }, t, o) => {
        const { body } = renderMessage({
          webhook: { platform: 'discord', templates: { order: t, ticket: t }, options: o },
          event: e,
          payload,
          locale: 'en',
          timeZone: 'UTC',
        });
        const shown = JSON.stringify([body.content ?? '', body.embeds ?? [], body.thread_name ?? '']);
        expect(shown).not.toMatch(/@(everyone|here)/i);
        expect(shown).not.toMatch(/<(@!?|#)\d/);
        const pinged = [...shown.matchAll(/<@&(\d+)>/g)].map((m) => m[1]);
        for (const r of pinged) expect(expectedRoles(e, payload, o)).toContain(r);
      }),
      { numRuns: RUNS },
    );
  });

  it('Slack: untrusted text never produces a <...> control sequence', () => {
    const cleanTemplate = template.map((t) => t.replace(/[<>]/g, ''));
    fc.assert(
      fc.property(validEvent, cleanTemplate, options, ({ event: e, payload }, t, o) => {
        const { body } = renderMessage({
          webhook: { platform: 'slack', templates: { order: t, ticket: t }, options: o },
          event: e,
          payload,
          locale: 'fr',
          timeZone: 'UTC',
        });
        expect(body.text as string).not.toMatch(/[<>]/);
      }),
      { numRuns: RUNS },
    );
  });

  it('combineBodies: every combined body fits, counts add up, order is kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(validEvent, template), { minLength: 1, maxLength: 12 }),
        options,
        fc.constantFrom<Platform>('discord', 'slack', 'rocketchat', 'mattermost', 'telegram'),
        (items, o, platform) => {
          const bodies = items.map(
            ([{ event: e, payload }, t]) =>
              renderMessage({
                webhook: { platform, templates: { order: t, ticket: t }, options: { ...defaultOptions(), ...o } },
                event: e,
                payload,
                locale: 'fr',
                timeZone: 'UTC',
              }).body,
          );
          const combined = combineBodies(platform, bodies);
          expect(combined.reduce((n, c) => n + c.count, 0)).toBe(bodies.length);
          let at = 0;
          for (const c of combined) {
            expect(limitProblems(platform, c.body)).toEqual([]);
            if (c.count === 1) expect(c.body).toBe(bodies[at]);
            at += c.count;
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
