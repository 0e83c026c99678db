/**
 * A link whose path holds `@here` (`https://billing.example.com/u/@here/t/7`) cannot notify on
 * Mattermost or Rocket.Chat. Checked with each server's own word rules, written here from their
 * sources: Mattermost splits the text at white space, then at `model.SplitRunes` (`/` among them)
 * and looks each word up (`@here`, `@channel`, `@all`, `@<username>`); Rocket.Chat's
 * MentionsParser matches `(^|\s|>)@(name)`, and its older parser `@(name)` anywhere.
 */
import { renderMessage } from '../../../module/rendering/index.js';
import { defaultOptions, type Platform } from '../../../module/webhooks/webhook.js';
import { sample } from './helpers.js';

const mattermostSplitRunes = new Set([',', ' ', '.', '!', '?', ':', ';', '\n', '<', '>', '(', ')', '{', '}', '[', ']', '+', '/', '\\']);
function mattermostWords(text: string): string[] {
  return text
    .split(/\s+/)
    .flatMap((word) => [
      word,
      ...word
        .split('')
        .reduce<string[]>((acc, c) => (mattermostSplitRunes.has(c) ? [...acc, ''] : [...acc.slice(0, -1), (acc.at(-1) ?? '') + c]), ['']),
    ])
    .filter(Boolean);
}
const rocketChatMentions = (text: string): string[] => [
  ...[...text.matchAll(/(^|\s|>)@([0-9a-zA-Z-_.]+)/gm)].map((m) => m[2]),
  ...[...text.matchAll(/@([0-9a-zA-Z-_.]+)/gm)].map((m) => m[1]),
];

function text(platform: Platform, url: string): string {
  const base = sample('ticket.submit');
  const { body } = renderMessage({
    webhook: { platform, templates: { ticket: 'Ticket %id%: %url%\n<%url%|Ouvrir>' }, options: defaultOptions() },
    event: 'ticket.submit',
    payload: { ...base, ticket: { ...base.ticket, url } },
    locale: 'fr',
    timeZone: 'UTC',
  });
  return String(body.text);
}

describe('a link cannot mention on Mattermost or Rocket.Chat', () => {
  const url = 'https://billing.example.com/u/@here/t/7?by=@jean#@all';
  it('Mattermost: no word of the text is a mention; the link reaches the same path', () => {
    const t = text('mattermost', url);
    expect(mattermostWords(t).filter((w) => w.startsWith('@'))).toEqual([]);
    expect(t).toContain('https://billing.example.com/u/%40here/t/7?by=%40jean#%40all');
    // The rules as written would have seen the mention in the link as it was.
    expect(mattermostWords(url)).toContain('@here');
  });
  it('Rocket.Chat: neither its parser nor the older one finds a mention', () => {
    const t = text('rocketchat', url);
    expect(rocketChatMentions(t)).toEqual([]);
    expect(rocketChatMentions(url)).toContain('here');
  });
  it('a link without @ is sent byte-identical', () => {
    expect(text('mattermost', 'https://billing.example.com/t/7?a=1&b=é')).toContain('https://billing.example.com/t/7?a=1&b=é');
  });
});
