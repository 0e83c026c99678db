/**
 * One-line customer values (names, e-mails, the subject, the reply's author) are plain text on
 * every platform: an HTML name such as `<a href="https://evil.example/reset">Reset your
 * password</a>` shows its words and is never a link (an independent conformance run saw it reach
 * Teams as `[Reset your password](https://evil.example/reset)`).
 */
import type { EventMap } from '../../../sdk/events.js';
import { renderMessage } from '../../../module/rendering/index.js';
import { platformIds } from '../../../module/platforms/platform-ids.js';
import { defaultOptions } from '../../../module/webhooks/webhook.js';
import { sample } from './helpers.js';

const phishing = '<a href="https://evil.example/reset">Reset your password</a>';
const template = '%subject%\n%user% %email%\n%author%\n%content%';

function reply(): EventMap['ticket.reply'] {
  const base = sample('ticket.reply');
  return {
    ...base,
    ticket: { ...base.ticket, subject: `Help ${phishing}`, customer: { ...base.ticket.customer, firstName: phishing, lastName: 'Durand' } },
    message: { content: 'Bonjour', author: { name: phishing, staff: false } },
  };
}

/** What the platform shows (the JSON platform's raw `payload` is data for programs, left out). */
function shown(body: Record<string, unknown>): string {
  const data = body.data as Record<string, unknown> | undefined;
  return JSON.stringify(data ? { ...data, payload: undefined } : body);
}

describe('one-line customer values are plain text on every platform', () => {
  it.each(platformIds)('%s: an HTML name, author and subject show their words, never a link', (platform) => {
    const { body } = renderMessage({
      webhook: { platform, templates: { ticket: template }, options: { ...defaultOptions(), mode: 'embed' } },
      event: 'ticket.reply',
      payload: reply(),
      locale: 'en',
      timeZone: 'UTC',
    });
    const text = shown(body);
    expect(text).toContain('Reset your password');
    expect(text).not.toContain('evil.example');
    expect(text).not.toMatch(/\]\(|<a\b|href/);
  });

  it('a multi-line name is one line; the ticket content keeps its HTML formatting', () => {
    const base = sample('ticket.submit');
    const payload = {
      ...base,
      ticket: { ...base.ticket, customer: { ...base.ticket.customer, firstName: 'Jean\n\nPierre', lastName: 'D' } },
      message: { ...base.message, content: '<b>gras</b> <a href="https://docs.example/x">doc</a>' },
    };
    const { body } = renderMessage({
      webhook: { platform: 'discord', templates: { ticket: '%user% | %content%' }, options: defaultOptions() },
      event: 'ticket.submit',
      payload,
      locale: 'fr',
      timeZone: 'UTC',
    });
    expect(body.content).toBe('Jean Pierre D | **gras** [doc](https://docs.example/x)');
  });
});
