/**
 * Conformance: every body the formatters produce, checked against the platforms' published
 * contracts (test/support/platform-contracts.ts: Discord's OpenAPI, the Adaptive Card schemas,
 * Slack's and Telegram's rules, the Standard Webhooks signature computed from the spec), not
 * against the module's own limit code. Inputs: a seeded sample of the property tests' random
 * events, templates and options (hostile text, lone surrogates, non-ASCII URLs), fixed hostile
 * events, every combination of the options each platform reads, and coalesced batches
 * (including one ticket's submit, two replies and close). Each test counts the failing bodies
 * by kind and expects none, so a failure says how many bodies broke which rule.
 */
import fc from 'fast-check';
import type { EventName } from '../../../sdk/events.js';
import { combineBodies, listVariables, signStandardWebhook, type MessageBody } from '../../../module/rendering/index.js';
import { knownEventNames } from '../../../module/events/index.js';
import { platforms, type Platform } from '../../../module/webhooks/webhook.js';
import { Sender } from '../../../module/delivery/sender.js';
import { JsonSink } from '../../support/json-sink.js';
import {
  discordViolations,
  lonelySurrogates,
  slackLikeViolations,
  standardWebhooksViolations,
  teamsViolations,
  telegramViolations,
  type Violation,
} from '../../support/platform-contracts.js';
import { options as optionsArb, template as templateArb, validEvent } from './arbitraries.js';
import { fixedCases, optionGrid, randomCases, render, SEED, ticketLife, valid, type AnyPayload, type Case } from './corpus.js';
import { sample } from './helpers.js';

/* The corpus (random, hostile and option-grid cases) lives in corpus.ts, shared with the golden test. */

/**
 * The url a JSON body must carry unchanged: the event's own link (the order's invoice, the ticket's,
 * the invoice's…); none for the module's operational events, which have no link.
 */
function eventUrl(e: EventName, p: AnyPayload): string | undefined {
  const subject = p as unknown as Record<string, { url?: string; invoiceUrl?: string } | undefined>;
  const key = e.split('.')[0];
  if (key === 'webhooks') return undefined;
  return subject[key]!.invoiceUrl ?? subject[key]!.url ?? '';
}

function violations(platform: Platform, c: Case, body: MessageBody, query: Record<string, string>): Violation[] {
  switch (platform) {
    case 'discord':
      return discordViolations(body, query);
    case 'slack':
    case 'mattermost':
    case 'rocketchat':
      return slackLikeViolations(platform, body);
    case 'teams':
      return teamsViolations(body);
    case 'telegram':
      return telegramViolations(body);
    case 'googlechat':
      // Checked against Google's discovery document in googlechat-conformance.test.ts.
      return lonelySurrogates(body);
    default: {
      const v = lonelySurrogates(body);
      const data = body.data as Record<string, unknown> | undefined;
      if (body.type !== c.event || typeof body.timestamp !== 'string' || !data)
        v.push({ kind: 'json: {type, timestamp, data}', detail: '' });
      else if (data.url !== eventUrl(c.event, c.payload))
        v.push({ kind: "json: data.url is not the event's url", detail: String(data.url) });
      return v;
    }
  }
}

/** Failing bodies per kind (a body counts once per kind). */
function tally(into: Record<string, number>, found: Violation[], examples: Record<string, string>): void {
  for (const kind of new Set(found.map((v) => v.kind))) {
    into[kind] = (into[kind] ?? 0) + 1;
    examples[kind] ??= found.find((v) => v.kind === kind)!.detail.slice(0, 160);
  }
}

/** Customer-written fields, by key, that every event's hostile variant fills with hostile text. */
const customerText = new Set([
  'firstName',
  'lastName',
  'name',
  'subject',
  'reason',
  'hostname',
  'company',
  'content',
  'comment',
  'transactionId',
  // The operational events' webhook address hint.
  'urlHint',
]);
const hostileText = '@everyone <!channel> **gras** &amp; <b>x</b> _a_ [lien](https://evil.example) \uD800 ';

/** `value` with every customer-written string replaced by hostile text (long in one field). */
function hostile(value: unknown, key = ''): unknown {
  if (typeof value === 'string')
    return customerText.has(key) ? hostileText.repeat(key === 'reason' || key === 'content' ? 120 : 2).slice(0, 1900) : value;
  if (Array.isArray(value)) return value.map((v) => hostile(v, key));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hostile(v, k)]));
  return value;
}

/**
 * Every event the module defines (module/events/), not only the four of the random cases: its
 * samples and a hostile variant, with the default template and one naming every variable it has.
 */
const everyEventCases = (platform: Platform): Case[] =>
  knownEventNames().flatMap((event) => {
    const samples = [1, 2, 3].map((seq) => sample(event, seq));
    const payloads = [...samples, valid(event, hostile(samples[0]))];
    const allVariables = listVariables(event, 'fr')
      .map((v) => `**${v.name}** ${v.name}`)
      .join('\n');
    return payloads.flatMap((payload) =>
      optionGrid(platform).flatMap((options) =>
        [undefined, allVariables].map((template) => ({ event, payload, template, options, locale: 'en' as const })),
      ),
    );
  });

describe('conformance to the platforms published contracts', () => {
  for (const platform of platforms) {
    it(`${platform}: every body of random events, hostile events and every option combination conforms`, () => {
      const counts: Record<string, number> = {};
      const examples: Record<string, string> = {};
      let bodies = 0;
      for (const c of [...randomCases, ...fixedCases(platform), ...everyEventCases(platform)]) {
        const { body, query } = render(platform, c);
        tally(counts, violations(platform, c, body, query), examples);
        bodies++;
      }
      expect(bodies).toBeGreaterThan(250);
      expect({ counts, examples }).toEqual({ counts: {}, examples: {} });
    });
  }

  for (const platform of ['discord', 'slack', 'mattermost', 'rocketchat'] as const) {
    it(`${platform}: every coalesced request conforms (random batches and one ticket's whole life)`, () => {
      const counts: Record<string, number> = {};
      const examples: Record<string, string> = {};
      const batches = fc.sample(fc.tuple(fc.array(fc.tuple(validEvent, templateArb), { minLength: 2, maxLength: 10 }), optionsArb), {
        seed: SEED,
        numRuns: 40,
      });
      const cases: Case[][] = batches.map(([items, options]) =>
        items.map(([{ event, payload }, template]) => ({ event, payload, template, options, locale: 'fr' as const })),
      );
      for (const options of optionGrid(platform))
        for (const template of [undefined, '**%subject%**\n%content%'])
          cases.push(ticketLife().map(({ event, payload }) => ({ event, payload, template, options, locale: 'fr' as const })));
      for (const batch of cases) {
        const rendered = batch.map((c) => render(platform, c));
        for (const combined of combineBodies(
          platform,
          rendered.map((r) => r.body),
        )) {
          const first = batch[0];
          tally(counts, violations(platform, first, combined.body, rendered[0].query), examples);
        }
      }
      expect({ counts, examples }).toEqual({ counts: {}, examples: {} });
    });
  }

  it('json: every request is signed the Standard Webhooks way (HMAC computed here from the spec)', async () => {
    const sink = await new JsonSink().start();
    try {
      const sender = new Sender({ network: { allowLoopback: true, allowPrivate: false }, now: () => Date.UTC(2026, 10, 29, 9, 30) });
      const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
      const counts: Record<string, number> = {};
      const examples: Record<string, string> = {};
      const cases = [...randomCases.slice(0, 60), ...fixedCases('json'), ...everyEventCases('json')];
      for (const c of cases) {
        const { body } = render('json', c);
        // The id the dispatcher gives a delivery: msg_<webhook id>_<event id>.
        const result = await sender.deliver({
          webhook: { platform: 'json', url: sink.url('conf'), signingSecret: secret },
          body,
          messageId: `msg_22_${c.payload.eventId}`,
        });
        expect(result.statusCode).toBe(200);
        const req = sink.requests[sink.requests.length - 1];
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        tally(counts, standardWebhooksViolations(headers, req.text, secret), examples);
      }
      expect(sink.requests).toHaveLength(cases.length);
      expect({ counts, examples }).toEqual({ counts: {}, examples: {} });
      sender.close();
    } finally {
      await sink.close();
    }
  });

  it('the checks themselves catch what they are for (each can fail)', () => {
    const ok = { content: 'x', allowed_mentions: { parse: [] } };
    expect(discordViolations(ok)).toEqual([]);
    const kinds = (v: Violation[]) => v.map((x) => x.kind);
    expect(kinds(discordViolations({ ...ok, embeds: [{ url: 'https://a.example/1' }, { url: 'https://a.example/1' }] }))).toContain(
      'discord: two embeds with one url (only the first is shown)',
    );
    expect(kinds(discordViolations({ ...ok, embeds: [{ url: 'https://a.example/@\u200Bhere' }] }))).toContain(
      'discord: OpenAPI request body',
    );
    expect(kinds(discordViolations(ok, { thread_id: '0123' }))).toContain('discord: thread_id not a SnowflakeType');
    expect(kinds(discordViolations({ ...ok, thread_name: 'x' }, { thread_id: '123' }))).toContain('discord: thread_id with thread_name');
    expect(kinds(discordViolations({ ...ok, content: 'a\uD800' }))).toContain('lone surrogate (not UTF-8)');
    expect(
      kinds(slackLikeViolations('slack', { text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a &gt' } }] })),
    ).toContain('slack: block split inside an entity or escape');
    expect(kinds(telegramViolations({ text: '<b>x', parse_mode: 'HTML' }))).toContain('telegram: HTML entities');
    expect(kinds(telegramViolations({ text: 'a.b', parse_mode: 'MarkdownV2' }))).toContain('telegram: MarkdownV2 entities');
    const card = (extra: Record<string, unknown>) => ({
      type: 'message',
      attachments: [
        { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4', body: [], ...extra } },
      ],
    });
    expect(teamsViolations(card({}))).toEqual([]);
    expect(kinds(teamsViolations(card({ bogus: 1 })))).toContain('teams: Adaptive Card 1.4 schema');
    const secret = 'whsec_' + Buffer.from('k'.repeat(32)).toString('base64');
    const signed = signStandardWebhook(secret, 'msg_1', 1700000000, '{}');
    expect(standardWebhooksViolations({ ...signed }, '{}', secret)).toEqual([]);
    expect(kinds(standardWebhooksViolations({ ...signed }, '{ }', secret))).toContain('standard-webhooks: signature does not verify');
  });
});
