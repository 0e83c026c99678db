/**
 * The cases an independent run found broken (issue 11), each shown on the rendered bodies:
 * one ticket's life coalesced into one Discord request keeps every event visible; trusted links
 * and e-mail addresses arrive byte-identical on every platform while `@everyone` in ticket text
 * pings nobody; a Markdown link in a Teams subject arrives as literal text.
 */
import { validateEvent, type EventMap, type EventName } from '../../../sdk/events.js';
import { combineBodies, renderMessage, type MessageBody } from '../../../module/rendering/index.js';
import { telegramVisibleText } from '../../../module/platforms/limits.js';
import { standardWebhookId } from '../../../module/platforms/json/sign-standard-webhook.js';
import { defaultOptions, platforms, type Platform, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { discordViolations } from '../../support/platform-contracts.js';
import { sample } from './helpers.js';

function render(
  platform: Platform,
  event: EventName,
  payload: EventMap[EventName],
  options: Partial<WebhookOptions> = {},
  template?: string,
) {
  return renderMessage({
    webhook: { platform, templates: template ? { order: template, ticket: template } : {}, options: { ...defaultOptions(), ...options } },
    event,
    payload,
    locale: 'fr',
    timeZone: 'Europe/Paris',
  });
}

describe('one ticket coalesced into one Discord request', () => {
  it('submit, two replies and close: four embeds, four distinct urls, every event shown', () => {
    const seq = 9;
    const reply = sample('ticket.reply', seq);
    const life: [EventName, EventMap[EventName]][] = [
      ['ticket.submit', sample('ticket.submit', seq)],
      ['ticket.reply', { ...reply, eventId: 'r1', message: { content: 'Première réponse', author: { name: 'Support', staff: true } } }],
      ['ticket.reply', { ...reply, eventId: 'r2', message: { content: 'Deuxième réponse', author: { name: 'Camille', staff: false } } }],
      ['ticket.close', sample('ticket.close', seq)],
    ];
    const bodies = life.map(([e, p]) => render('discord', e, p, { mode: 'embed' }).body);
    const ticketUrl = sample('ticket.submit', seq).ticket.url;
    for (const b of bodies) expect((b.embeds as { url: string }[])[0].url).toBe(ticketUrl);

    const combined = combineBodies('discord', bodies);
    expect(combined).toHaveLength(1);
    expect(combined[0].count).toBe(4);
    const embeds = combined[0].body.embeds as {
      url: string;
      footer: { text: string };
      description?: string;
      fields?: { value: string }[];
    }[];
    expect(embeds).toHaveLength(4);
    // Discord shows only the first of several embeds with one url: each gets its own.
    expect(new Set(embeds.map((e) => e.url)).size).toBe(4);
    for (const e of embeds) expect(new URL(e.url).href.split('#')[0]).toBe(ticketUrl);
    expect(embeds.map((e) => e.footer.text)).toEqual(['Ticket ouvert', 'Réponse à un ticket', 'Réponse à un ticket', 'Ticket fermé']);
    const shown = JSON.stringify(embeds);
    expect(shown).toContain('Première réponse');
    expect(shown).toContain('Deuxième réponse');
    expect(discordViolations(combined[0].body)).toEqual([]);
  });
});

describe('trusted values arrive byte-identical, customer mentions ping nobody', () => {
  const link = 'https://billing.example.com/u/@here/t/1';
  const email = 'jean@allo.fr';
  const base = sample('ticket.submit');
  const checked = validateEvent('ticket.submit', {
    ...base,
    ticket: { ...base.ticket, url: link, subject: '@everyone urgent', customer: { ...base.ticket.customer, email } },
    message: { content: 'Merci de répondre à jean@allo.fr @everyone @here', author: { name: 'Jean', staff: false } },
  });
  if (!checked.ok) throw new Error('fixture invalid');
  const payload = checked.value;
  const template = '**%subject%**\n%url%\n%email%\n%content%';

  /** What the reader sees: entities decoded, Markdown escapes of the platform removed. */
  function visible(platform: Platform, body: MessageBody): string {
    switch (platform) {
      case 'discord':
        return JSON.stringify([body.content, body.embeds]);
      case 'slack':
        return String(body.text).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      case 'mattermost':
      case 'rocketchat':
        // A link's `@` is sent as `%40` there (the same path; their servers split links into
        // mention words, issue 24): read back as the link it opens.
        return String(body.text).replace(/%40/g, '@');
      case 'googlechat':
        // A customer's `<` is followed by a zero-width space (no Chat token); the reader sees `<`.
        return String(body.text).replace(/<\u200B/g, '<');
      case 'teams':
        return JSON.stringify(body);
      case 'telegram':
        return telegramVisibleText(String(body.text), body.parse_mode as string | undefined);
      default:
        // The raw event (`data.payload`) is data for programs, not a message anyone is pinged by.
        return JSON.stringify({ ...(body.data as object), payload: undefined });
    }
  }

  const cases = platforms.flatMap((platform) =>
    (platform === 'discord'
      ? [{ mode: 'plain' as const }, { mode: 'embed' as const }]
      : platform === 'telegram'
        ? [{ telegramParseMode: 'HTML' as const }, { telegramParseMode: 'MarkdownV2' as const }]
        : platform === 'slack'
          ? [{ slackBlocks: false }, { slackBlocks: true }]
          : [{}]
    ).map((options: Partial<WebhookOptions>) => ({ platform, options })),
  );

  it.each(cases)('$platform $options', ({ platform, options }) => {
    const { body } = render(platform, 'ticket.submit', payload, options, template);
    const shown = visible(platform, body);
    expect(shown).toContain(link);
    expect(shown).toContain(email);
    // The customer's @everyone and @here are broken by a zero-width space everywhere.
    expect(shown).not.toMatch(/(^|[^\w])@(everyone|here)\b(?!\/t\/1)/);
    expect(shown).toMatch(/@\u200Beveryone/);
    if (platform === 'discord') {
      expect(body.allowed_mentions).toEqual({ parse: [] });
      if (options.mode === 'embed') expect((body.embeds as { url: string }[])[0].url).toBe(link);
    }
    if (platform === 'teams') {
      const content = (body.attachments as { content: { actions: { url: string }[] } }[])[0].content;
      expect(content.actions[0].url).toBe(link);
    }
    if (platform === 'json') expect((body.data as { url: string; email: string }).url).toBe(link);
  });
});

describe('Teams: customer Markdown is literal text', () => {
  it('a phishing subject arrives as typed, never as a live link', () => {
    const phishing = '[Réinitialiser votre mot de passe](https://evil.example/reset)';
    const base = sample('ticket.submit');
    const payload = { ...base, ticket: { ...base.ticket, subject: phishing } };
    const { body } = render('teams', 'ticket.submit', payload, {}, 'Sujet : %subject%\n%content%');
    const blocks = (body.attachments as { content: { body: { text: string }[] } }[])[0].content.body;
    const line = blocks.map((b) => b.text).find((t) => t.includes('Réinitialiser'));
    expect(line).toBeDefined();
    // No unescaped `[label](url)`: the brackets are backslash-escaped, as Markdown shows them literally.
    expect(line).not.toMatch(/(^|[^\\])\[[^\]]*[^\\]\]\(/);
    expect(line).toBe('Sujet : \\[Réinitialiser votre mot de passe\\](https://evil.example/reset)');
  });
});

describe('Standard Webhooks ids', () => {
  it('keep [A-Za-z0-9_-] ids as they are and map others to that set, distinct and stable', () => {
    expect(standardWebhookId('msg_22_evt_ticket_submit_1')).toBe('msg_22_evt_ticket_submit_1');
    const dotted = standardWebhookId('msg_22_evt.901.paid');
    expect(dotted).toMatch(/^msg_22_evt_901_paid_[0-9a-f]{10}$/);
    expect(standardWebhookId('msg_22_evt.901.paid')).toBe(dotted);
    // Two ids that map to the same characters stay distinct (the hash of the original).
    expect(standardWebhookId('msg_22_evt:901:paid')).not.toBe(dotted);
    expect(standardWebhookId('msg_22_evt_901_paid')).not.toBe(dotted);
  });
});
