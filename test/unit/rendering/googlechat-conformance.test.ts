/**
 * Google Chat conformance: every body of the random and hostile corpora (with and without the
 * card) is a valid `Message` of Google's discovery document for the Chat API (test/fixtures/specs/
 * google-chat), its query parameters are `spaces.messages.create`'s and valid, the message is
 * within 32,000 bytes, and a customer's text never forms a Chat token (`<users/all>`, `<url|label>`).
 *
 * The discovery document's schemas are turned into JSON Schema here: `$ref: "Thread"` points at
 * the definition of that name, and an object with declared properties takes no other property
 * (the API refuses unknown fields: "Invalid JSON payload received. Unknown name").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { renderMessage, type MessageBody } from '../../../module/rendering/index.js';
import { detectPlatform } from '../../../module/platforms/detect-platform.js';
import { defaultOptions, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { lonelySurrogates, specsDir } from '../../support/platform-contracts.js';
import { hostileEvents, randomCases, type Case } from './corpus.js';
import { hostileTicket, sample } from './helpers.js';

const require = createRequire(import.meta.url);
type AjvCtor = new (opts: Record<string, unknown>) => { compile: (s: unknown) => ValidateFunction };
const Ajv = (require('ajv') as { default: AjvCtor }).default;

interface Discovery {
  schemas: Record<string, Record<string, unknown>>;
  resources: {
    spaces: { resources: { messages: { methods: { create: { parameters: Record<string, { enum?: string[]; location: string }> } } } } };
  };
}
const discovery = JSON.parse(readFileSync(path.join(specsDir, 'google-chat/chat-api.json'), 'utf8')) as Discovery;

/** A discovery schema as JSON Schema (draft-07): refs into `definitions`, closed objects, `any` as no type, Google's formats kept as strings. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref') out.$ref = `#/definitions/${String(v)}`;
    else if (['id', 'description', 'enumDescriptions', 'readOnly', 'format', 'annotations', 'deprecated'].includes(k)) continue;
    else if (k === 'type' && v === 'any')
      continue; // the discovery format's "anything"
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, toJsonSchema(s)]));
    else out[k] = toJsonSchema(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
const definitions = Object.fromEntries(Object.entries(discovery.schemas).map(([name, s]) => [name, toJsonSchema(s)]));
const validateMessage = new Ajv({ strict: false, allErrors: true }).compile({ definitions, $ref: '#/definitions/Message' });
const createParams = discovery.resources.spaces.resources.messages.methods.create.parameters;

function violations(body: MessageBody, query: Record<string, string>): string[] {
  const v = lonelySurrogates(body).map((x) => x.kind);
  if (!validateMessage(body))
    v.push(`Message schema: ${(validateMessage.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
  for (const [name, value] of Object.entries(query)) {
    const p = createParams[name];
    if (!p || p.location !== 'query') v.push(`query parameter not in spaces.messages.create: ${name}`);
    else if (p.enum && !p.enum.includes(value)) v.push(`query ${name}=${value} not in its enum`);
  }
  if ('threadKey' in query) v.push('deprecated query threadKey (the body carries thread.threadKey)');
  if (Buffer.byteLength(JSON.stringify(body)) > 32_000) v.push('over 32,000 bytes');
  if (typeof body.text !== 'string' || !body.text.trim()) v.push('empty text');
  return v;
}

function render(c: Case, options: Partial<WebhookOptions>) {
  const templates = c.template === undefined ? {} : { order: c.template, ticket: c.template };
  const m = renderMessage({
    webhook: { platform: 'googlechat', templates, options: { ...defaultOptions(), ...c.options, ...options } },
    event: c.event,
    payload: c.payload,
    locale: c.locale,
    timeZone: 'Europe/Paris',
  });
  return { body: m.body, query: m.query ?? {} };
}

const cards: Partial<WebhookOptions>[] = [{ googleChatCard: false }, { googleChatCard: true }];
const hostileCases: Case[] = [
  ...hostileEvents().map((e) => ({ ...e, options: {}, locale: 'fr' as const })),
  ...(['ticket.submit', 'ticket.reply'] as const).map((event) => ({
    event,
    payload: hostileTicket(event),
    options: {},
    locale: 'en' as const,
  })),
];

describe('Google Chat bodies conform to the Chat API discovery document', () => {
  it('every body of the random and hostile corpora, with and without the card, is a valid Message', () => {
    const counts: Record<string, number> = {};
    let bodies = 0;
    for (const c of [...randomCases, ...hostileCases])
      for (const options of cards) {
        const { body, query } = render(c, options);
        for (const kind of new Set(violations(body, query).map((v) => v.split(':')[0]))) counts[kind] = (counts[kind] ?? 0) + 1;
        bodies++;
      }
    expect(bodies).toBeGreaterThan(500);
    expect(counts).toEqual({});
  });

  it("a ticket's events carry its thread key in the body and the reply option in the query; an order has neither", () => {
    for (const event of ['ticket.submit', 'ticket.reply', 'ticket.close'] as const) {
      const { body, query } = render({ event, payload: sample(event), options: {}, locale: 'fr' }, {});
      expect(body.thread).toEqual({ threadKey: `ticket-${sample(event).ticket.id}` });
      expect(query).toEqual({ messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' });
    }
    const order = render({ event: 'order.paid', payload: sample('order.paid'), options: {}, locale: 'fr' }, { googleChatCard: true });
    expect(order.body.thread).toBeUndefined();
    expect(order.query).toEqual({});
    expect(order.body.cardsV2).toEqual([
      {
        cardId: 'event',
        card: {
          header: { title: 'Commande payée' },
          sections: [
            {
              widgets: [
                { buttonList: { buttons: [{ text: 'Ouvrir', onClick: { openLink: { url: sample('order.paid').order.invoiceUrl } } }] } },
              ],
            },
          ],
        },
      },
    ]);
  });

  it("a customer's text never forms a Chat mention or link token", () => {
    const base = sample('ticket.submit');
    const payload = {
      ...base,
      ticket: { ...base.ticket, subject: '<users/all> <https://evil.example/reset|Reset your password>' },
      message: { content: 'hi <users/123456> <!here>', author: { name: '<users/all>', staff: false } },
    };
    const { body } = render(
      { event: 'ticket.submit', payload, template: '*%subject%* %content% <%url%|Ouvrir>', options: {}, locale: 'fr' },
      {},
    );
    const text = String(body.text);
    expect(text).not.toMatch(/<users\//);
    expect(text).not.toMatch(/<https:\/\/evil/);
    // The admin's own link token around a variable is kept.
    expect(text).toContain(`<${base.ticket.url}|Ouvrir>`);
  });

  it('the checks catch what they are for', () => {
    expect(violations({ text: 'x' }, {})).toEqual([]);
    expect(violations({ text: 'x', bogus: 1 }, {})[0]).toMatch(/^Message schema/);
    expect(violations({ text: 'x', thread: { threadKey: 1 } }, {})[0]).toMatch(/^Message schema/);
    expect(violations({ text: 'x' }, { messageReplyOption: 'REPLY_ALWAYS' })).toEqual([
      'query messageReplyOption=REPLY_ALWAYS not in its enum',
    ]);
    expect(violations({ text: 'x' }, { threadKey: 'a' })).toContain('deprecated query threadKey (the body carries thread.threadKey)');
  });

  it('detects incoming-webhook URLs (space, key and token), nothing else on that host', () => {
    expect(detectPlatform('https://chat.googleapis.com/v1/spaces/AAAAx1/messages?key=k&token=t')).toBe('googlechat');
    expect(detectPlatform('https://chat.googleapis.com/v1/spaces/AAAAx1/messages?key=k')).toBeNull();
    expect(detectPlatform('https://chat.googleapis.com/v1/spaces/AAAAx1?key=k&token=t')).toBeNull();
    expect(detectPlatform('https://chat.googleapis.com.evil.example/v1/spaces/A/messages?key=k&token=t')).toBeNull();
  });
});
