/**
 * A ticket whose content is HTML with <script>, @everyone, a Slack <!channel> and 5000+
 * characters (and mentions in the subject and the customer's name) renders safely everywhere.
 */
import {
  defaultTemplates,
  discordProblems,
  renderMessage,
  slackProblems,
  teamsProblems,
  telegramProblems,
} from '../../../module/rendering/index.js';
import { defaultOptions, platforms, type Platform, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { hostileTicket } from './helpers.js';

const templates = [defaultTemplates('fr').ticket, '%subject%\n%content%\n%user% / %author% / %username%', '**%content%**'];
const modes: Partial<WebhookOptions>[] = [{}, { mode: 'embed' }, { slackBlocks: true }, { telegramParseMode: 'MarkdownV2' }];

function render(platform: Platform, template: string, options: Partial<WebhookOptions>) {
  return renderMessage({
    webhook: { platform, templates: { ticket: template }, options: { ...defaultOptions(), ...options } },
    event: 'ticket.submit',
    payload: hostileTicket(),
    locale: 'fr',
    timeZone: 'Europe/Paris',
  });
}

/** The text a chat platform shows (JSON: everything but the raw payload, which is data, not a message). */
function shown(platform: Platform, body: Record<string, unknown>): string {
  if (platform === 'json') {
    const { payload: _payload, ...rest } = body.data as Record<string, unknown>;
    return JSON.stringify(rest);
  }
  return JSON.stringify(body);
}

const cases = platforms.flatMap((p) => templates.flatMap((t, ti) => modes.map((m, mi) => [p, ti, mi] as const)));

describe('hostile ticket', () => {
  it.each(cases)('%s, template %i, options %i', (platform, ti, mi) => {
    const { body } = render(platform, templates[ti], modes[mi]);
    const text = shown(platform, body);
    // The script and the style are dropped with their bodies.
    expect(text).not.toMatch(/<script|alert\(|p\{\}/i);
    // No mass mention survives: each has a zero-width space after the @ or the <.
    expect(text).not.toMatch(/@(everyone|here|channel)/i);
    expect(text).not.toMatch(/<[@#!]/);
    expect(text).not.toMatch(/&lt;[@#!]/);
    // 5000 characters do not fit Discord (2000), Rocket.Chat (5000 with the rest) or Telegram (4096):
    // the content is shortened with an ellipsis there; Slack, Mattermost and Teams take it whole.
    if (['discord', 'rocketchat', 'telegram'].includes(platform)) expect(text).toContain('…');
    else expect(text).toContain('A'.repeat(5000));
    switch (platform) {
      case 'discord':
        expect(body.allowed_mentions).toEqual({ parse: [] });
        expect(discordProblems(body)).toEqual([]);
        break;
      case 'slack':
      case 'mattermost':
      case 'rocketchat':
        expect(slackProblems(body, platform === 'slack' ? 40000 : platform === 'mattermost' ? 16383 : 5000)).toEqual([]);
        if (platform === 'slack') expect((body.text as string).replace(/<(https?:[^>]*)>/g, '')).not.toMatch(/[<>]/);
        break;
      case 'telegram':
        expect(telegramProblems(body)).toEqual([]);
        if (body.parse_mode === 'HTML') expect((body.text as string).replace(/<\/?b>/g, '')).not.toMatch(/[<>]/);
        break;
      case 'teams':
        expect(teamsProblems(body)).toEqual([]);
        break;
      default:
        break;
    }
  });

  it('the visible text is kept: HTML becomes Markdown on Discord', () => {
    const { body } = render('discord', '%content%', {});
    expect(body.content).toMatch(/^Hello @\u200Beveryone and @\u200Bhere\n\n\*\*bold\*\*/);
  });

  it('Slack: no <!channel>, the customer text is escaped', () => {
    const { body } = render('slack', '%subject%', {});
    expect(body.text).toBe('@\u200Beveryone &lt;\u200B!channel&gt; **urgent** &lt;\u200B@123456789012345678&gt;');
  });
});
