/**
 * The rendering corpus the conformance and golden tests share: a seeded sample of the property
 * tests' random events, templates and options (hostile text, lone surrogates, non-ASCII URLs),
 * fixed hostile events, every combination of the options each platform reads, and one ticket's
 * whole life for coalescing.
 */
import fc from 'fast-check';
import { validateEvent, type EventMap, type EventName } from '../../../sdk/events.js';
import { renderMessage, type MessageBody } from '../../../module/rendering/index.js';
import { defaultOptions, templateFamilies, type Platform, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { options as optionsArb, template as templateArb, validEvent } from './arbitraries.js';
import { sample } from './helpers.js';

export type AnyPayload = EventMap[EventName];
export interface Case {
  event: EventName;
  payload: AnyPayload;
  template?: string;
  options: Partial<WebhookOptions>;
  locale: 'fr' | 'en';
}

export const valid = <K extends EventName>(event: K, raw: unknown): EventMap[K] => {
  const r = validateEvent(event, raw);
  if (!r.ok) throw new Error(`fixture ${event} is invalid: ${JSON.stringify(r.issues)}`);
  return r.value;
};

/** Events built to break what the independent run found broken (README of issue 11). */
export function hostileEvents(): { event: EventName; payload: AnyPayload }[] {
  const submit = sample('ticket.submit');
  const ticket = {
    ...submit.ticket,
    subject: '[Réinitialiser votre mot de passe](https://evil.example/reset) a\uD800b',
    url: 'https://billing.example.com/u/@here/t/1',
    customer: { ...submit.ticket.customer, firstName: 'Jean', lastName: '@everyone', email: 'jean@allo.fr' },
    related: { name: 'VPS été', url: 'https://billing.example.com/services/été' },
  };
  const content = `@everyone écrivez à jean@allo.fr ou voyez https://billing.example.com/u/@here/t/1 &amp; <b>gras</b> ${'&<> '.repeat(3500)}`;
  const order = sample('order.paid');
  return [
    {
      event: 'ticket.submit',
      payload: valid('ticket.submit', { ...submit, eventId: 'evt.901.submit', ticket, message: { ...submit.message, content } }),
    },
    {
      event: 'ticket.reply',
      payload: valid('ticket.reply', {
        ...sample('ticket.reply'),
        eventId: 'evt.901.reply',
        ticket,
        message: { content: '@here <!channel> \uDC00', author: { name: 'Support', staff: true } },
      }),
    },
    { event: 'ticket.close', payload: valid('ticket.close', { ...sample('ticket.close'), eventId: 'evt.901.close', ticket }) },
    {
      event: 'order.paid',
      payload: valid('order.paid', {
        ...order,
        eventId: 'msg.22.evt.901.paid',
        order: {
          ...order.order,
          invoiceUrl: 'https://billing.example.com/factures/été?n=1&m=ü',
          comment: 'jean@allo.fr @all',
          customer: ticket.customer,
        },
      }),
    },
  ];
}

const discordThreads: Partial<WebhookOptions>[] = [
  { threadId: null, threadName: null },
  { threadId: '123456789012345678', threadName: null },
  { threadId: '0123456789012345678', threadName: null },
  { threadId: null, threadName: '%subject%' },
  { threadId: '123456789012345678', threadName: 'Ticket %id%' },
];
const identities: Partial<WebhookOptions>[] = [
  { username: null, avatarUrl: null },
  { username: 'Support ClientX', avatarUrl: 'https://cdn.example.com/a.png' },
  { username: '\u200B\u200B', avatarUrl: 'https://cdn.example.com/é.png' },
];
const rolePings: Partial<WebhookOptions>[] = [
  { rolePing: null },
  { rolePing: { roleIds: ['123456789012345678', '0123456789012345678'], priorities: [] } },
];
const product = (...dims: Partial<WebhookOptions>[][]): Partial<WebhookOptions>[] =>
  dims.reduce<Partial<WebhookOptions>[]>((acc, dim) => acc.flatMap((a) => dim.map((d) => ({ ...a, ...d }))), [{}]);

/** Every combination of the options each platform reads (the others cannot change its body). */
export function optionGrid(platform: Platform): Partial<WebhookOptions>[] {
  switch (platform) {
    case 'discord':
      return product([{ mode: 'plain' }, { mode: 'embed' }], identities, discordThreads, rolePings);
    case 'slack':
    case 'mattermost':
    case 'rocketchat':
      return product([{ slackBlocks: false }, { slackBlocks: true }], identities);
    case 'telegram':
      return product(
        [{ telegramParseMode: 'HTML' }, { telegramParseMode: 'MarkdownV2' }],
        [{ telegramChatId: '-100123' }, { telegramChatId: '@canal_support' }],
      );
    default:
      return [{}];
  }
}

export function render(platform: Platform, c: Case): { body: MessageBody; query: Record<string, string> } {
  const templates = c.template === undefined ? {} : Object.fromEntries(templateFamilies.map((f) => [f, c.template]));
  const m = renderMessage({
    webhook: { platform, templates, options: { ...defaultOptions(), ...c.options } },
    event: c.event,
    payload: c.payload,
    locale: c.locale,
    timeZone: 'Europe/Paris',
  });
  return { body: m.body, query: m.query ?? {} };
}

export const SEED = 1101;
export const randomCases: Case[] = fc
  .sample(fc.tuple(validEvent, templateArb, optionsArb, fc.constantFrom<'fr' | 'en'>('fr', 'en')), { seed: SEED, numRuns: 250 })
  .map(([{ event, payload }, template, options, locale]) => ({ event, payload, template, options, locale }));

export const fixedCases = (platform: Platform): Case[] =>
  hostileEvents().flatMap(({ event, payload }) =>
    optionGrid(platform).flatMap((options) =>
      [undefined, '**%subject%** %url% %email%\n%content%\n<%url%|Ouvrir> <!%subject%>'].map((template) => ({
        event,
        payload,
        template,
        options,
        locale: 'fr' as const,
      })),
    ),
  );

/** One ticket's life packed into one request: submit, two replies, close (same ticket, same url). */
export function ticketLife(): { event: EventName; payload: AnyPayload }[] {
  const seq = 7;
  const submit = sample('ticket.submit', seq);
  const reply = sample('ticket.reply', seq);
  return [
    { event: 'ticket.submit', payload: submit },
    { event: 'ticket.reply', payload: { ...reply, eventId: 'evt_r1' } },
    {
      event: 'ticket.reply',
      payload: { ...reply, eventId: 'evt_r2', message: { content: 'Redémarré, merci !', author: { name: 'Camille', staff: false } } },
    },
    { event: 'ticket.close', payload: { ...sample('ticket.close', seq) } },
  ];
}
