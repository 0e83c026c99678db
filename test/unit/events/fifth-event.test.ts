/**
 * Adding an event is one definition file and its words: `quote.overdue` exists only in a test
 * fixture (test/fixtures/events/quote-overdue.ts). Registered, it is subscribed to, validated,
 * filtered, rendered on every platform within each platform's published contract, listed with
 * its variables, previewed and accepted by the settings input, with no other file changed.
 */
import { EventEmitter2 } from 'eventemitter2';
import type { EventName } from '../../../sdk/events.js';
import type { Logger } from '../../../sdk/module-context.js';
import { registerEvent, isKnownEvent, knownEventNames } from '../../../module/events/index.js';
import { subscribeAll } from '../../../module/subscribers/index.js';
import { matchesFilters } from '../../../module/delivery/webhook-filter.js';
import { renderMessage, listVariables, preview, combineBodies } from '../../../module/rendering/index.js';
import { defaultFilters, defaultOptions, platforms, type Platform, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { parseWebhookInput } from '../../../module/settings/webhook-input.js';
import {
  discordViolations,
  lonelySurrogates,
  slackLikeViolations,
  teamsViolations,
  telegramViolations,
  type Violation,
} from '../../support/platform-contracts.js';
import { quoteOverdue, type QuoteOverdue } from '../../fixtures/events/quote-overdue.js';

const EVENT = 'quote.overdue' as EventName;
const sample = quoteOverdue.sample({ seq: 4 });
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let unregister: () => void;
beforeAll(() => {
  unregister = registerEvent(quoteOverdue);
});
afterAll(() => unregister());

function conformance(platform: Platform, body: Record<string, unknown>, query: Record<string, string>): Violation[] {
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
    default:
      return lonelySurrogates(body);
  }
}

describe('a fifth event from one definition file', () => {
  it('is known by name, and a second definition with its name is refused', () => {
    expect(isKnownEvent('quote.overdue')).toBe(true);
    expect(knownEventNames()).toContain('quote.overdue');
    expect(() => registerEvent(quoteOverdue)).toThrow(/already defined/);
  });

  it('is subscribed on the bus: a valid payload reaches the intake, a malformed one is refused with the field named', async () => {
    const bus = new EventEmitter2();
    const accepted: [string, unknown][] = [];
    const rejected: [string, string][] = [];
    const stop = subscribeAll({
      bus,
      intake: { accept: async (event, payload) => void accepted.push([event, payload]) },
      logger: silent,
      onRejected: (event, reason) => rejected.push([event, reason]),
    });
    await bus.emitAsync('quote.overdue', sample);
    await bus.emitAsync('quote.overdue', { ...sample, quote: { ...sample.quote, daysOverdue: 0 } });
    stop();
    await bus.emitAsync('quote.overdue', sample);
    expect(accepted).toEqual([['quote.overdue', sample]]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0][1]).toMatch(/^quote\.daysOverdue: /);
  });

  it('is filtered by the filters it supports only', () => {
    const webhook = (filters: Partial<ReturnType<typeof defaultFilters>>) => ({
      events: [EVENT],
      filters: { ...defaultFilters(), ...filters },
    });
    expect(matchesFilters(webhook({}), EVENT, sample as never)).toBe(true);
    expect(matchesFilters(webhook({ minOrderTotal: 100 }), EVENT, sample as never)).toBe(false);
    // Ticket filters say nothing about it.
    expect(matchesFilters(webhook({ departments: ['Facturation'], priorities: ['urgent'] }), EVENT, sample as never)).toBe(true);
    expect(matchesFilters({ events: ['order.paid'], filters: defaultFilters() }, EVENT, sample as never)).toBe(false);
  });

  const grid: Partial<WebhookOptions>[] = [
    {},
    { mode: 'embed' },
    { mode: 'embed', username: 'Relances', threadId: '123456789012345678' },
    { slackBlocks: true },
    { telegramChatId: '-100123', telegramParseMode: 'MarkdownV2' },
  ];

  it.each(platforms)('renders on %s within the platform contract, in French and English', (platform) => {
    for (const locale of ['fr', 'en'] as const)
      for (const options of grid) {
        const m = renderMessage({
          webhook: { platform, templates: {}, options: { ...defaultOptions(), telegramChatId: '-100123', ...options } },
          event: EVENT,
          payload: sample as never,
          locale,
          timeZone: 'Europe/Paris',
        });
        expect(conformance(platform, m.body, m.query ?? {})).toEqual([]);
        // The definition's own template, with its variables filled in.
        expect(m.text).toContain(locale === 'fr' ? 'Devis n° 3004 en retard de 5 jours' : 'Quote #3004 is 5 days overdue');
        expect(m.text).toContain('https://billing.example.com/invoices/3004');
        expect(m.text).not.toMatch(/%[A-Za-z_]+%/);
        const shown = JSON.stringify(m.body);
        if (platform === 'discord' && options.mode === 'embed') {
          const embed = (m.body.embeds as { color: number; footer: { text: string }; url: string }[])[0];
          expect(embed.color).toBe(0xe74c3c);
          expect(embed.footer.text).toBe(locale === 'fr' ? 'Devis en retard' : 'Quote overdue');
          expect(embed.url).toBe('https://billing.example.com/invoices/3004');
        } else if (platform === 'json') {
          expect(m.body).toMatchObject({ type: 'quote.overdue', data: { id: '3004', daysOverdue: '5', url: sample.quote.url } });
        } else expect(shown).toContain('3004');
      }
  });

  it('coalesces with the shop events on Discord', () => {
    const bodies = [1, 2].map(
      (seq) =>
        renderMessage({
          webhook: { platform: 'discord', templates: {}, options: { ...defaultOptions(), mode: 'embed' } },
          event: EVENT,
          payload: quoteOverdue.sample({ seq }) as never,
          locale: 'fr',
          timeZone: 'UTC',
        }).body,
    );
    const [one] = combineBodies('discord', bodies);
    expect(one.count).toBe(2);
    expect(discordViolations(one.body)).toEqual([]);
  });

  it('lists its variables with their descriptions, previews, and is accepted by the settings input', () => {
    const vars = listVariables(EVENT, 'en');
    expect(vars.map((v) => v.name)).toEqual(['%id%', '%price%', '%user%', '%dueDate%', '%daysOverdue%', '%url%', '%username%', '%email%']);
    expect(vars.find((v) => v.name === '%daysOverdue%')!.description).toBe('Days past the due date');
    const p = preview('%daysOverdue% j — %user%', EVENT, 'slack', 'fr');
    expect(p.body).toEqual({ text: '5 j — Camille Martin' });
    const parsed = parseWebhookInput(
      { name: 'Relances', url: 'https://hooks.slack.com/services/T/B/x', events: ['quote.overdue', 'order.paid'] },
      { mode: 'create', network: { allowLoopback: false, allowPrivate: false }, detectPlatform: () => 'slack' },
    );
    expect(parsed).toMatchObject({ ok: true, value: { events: ['quote.overdue', 'order.paid'] } });
    const typed: QuoteOverdue = sample;
    expect(typed.quote.daysOverdue).toBe(5);
  });
});
