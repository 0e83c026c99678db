import { combineBodies, discordProblems, renderMessage, slackProblems, type MessageBody } from '../../../module/rendering/index.js';
import { defaultOptions, type Platform, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { sample } from './helpers.js';

const ROLE_A = '123456789012345678';
const ROLE_B = '223456789012345678';

function body(platform: Platform, template: string, options: Partial<WebhookOptions> = {}, seq = 1): MessageBody {
  return renderMessage({
    webhook: { platform, templates: { order: template, ticket: template }, options: { ...defaultOptions(), ...options } },
    event: 'ticket.submit',
    payload: sample('ticket.submit', seq),
    locale: 'fr',
    timeZone: 'UTC',
  }).body;
}

describe('combineBodies', () => {
  it('Discord plain: contents joined with a blank line, in order, within 2000', () => {
    const bodies = [body('discord', 'one %id%'), body('discord', 'two %id%'), body('discord', 'three %id%')];
    expect(combineBodies('discord', bodies)).toEqual([
      { body: { allowed_mentions: { parse: [] }, content: 'one 501\n\ntwo 501\n\nthree 501' }, count: 3 },
    ]);
  });

  it('Discord plain: starts a new request when 2000 would be exceeded; every request fits', () => {
    const bodies = Array.from({ length: 5 }, (_, i) => body('discord', `${i} ` + 'x'.repeat(900)));
    const combined = combineBodies('discord', bodies);
    expect(combined.map((c) => c.count)).toEqual([2, 2, 1]);
    for (const c of combined) expect(discordProblems(c.body)).toEqual([]);
    expect((combined[0].body.content as string).startsWith('0 ')).toBe(true);
    expect((combined[2].body.content as string).startsWith('4 ')).toBe(true);
  });

  it('Discord embeds: up to 10 per message, role ids unioned, each mention once', () => {
    const bodies = Array.from({ length: 12 }, (_, i) =>
      body('discord', `Ticket %id% ${i}`, { mode: 'embed', rolePing: { roleIds: i % 2 ? [ROLE_A] : [ROLE_A, ROLE_B], priorities: [] } }),
    );
    const combined = combineBodies('discord', bodies);
    expect(combined.map((c) => c.count)).toEqual([10, 2]);
    const first = combined[0].body;
    expect((first.embeds as unknown[]).length).toBe(10);
    expect(first.allowed_mentions).toEqual({ parse: [], roles: [ROLE_A, ROLE_B] });
    expect(first.content).toBe(`<@&${ROLE_A}> <@&${ROLE_B}>`);
    for (const c of combined) expect(discordProblems(c.body)).toEqual([]);
  });

  it('Discord embeds: the 6000-character total starts a new request', () => {
    const bodies = Array.from({ length: 4 }, () => body('discord', 'T\n' + 'd'.repeat(2500), { mode: 'embed' }));
    const combined = combineBodies('discord', bodies);
    expect(combined.map((c) => c.count)).toEqual([2, 2]);
    for (const c of combined) expect(discordProblems(c.body)).toEqual([]);
  });

  it('Discord: never mixes thread targets, usernames, or plain with embeds', () => {
    const a = body('discord', 'a', { threadName: 'Ticket %id%' }, 1);
    const b = body('discord', 'b', { threadName: 'Ticket %id%' }, 2);
    const c = body('discord', 'c', { threadName: 'Ticket %id%' }, 2);
    const d = body('discord', 'd', { username: 'Other' });
    const e = body('discord', 'e', { mode: 'embed' });
    expect(combineBodies('discord', [a, b, c, d, e]).map((x) => x.count)).toEqual([1, 2, 1, 1]);
  });

  it('Discord: an unknown shape is sent alone, unchanged', () => {
    const odd = { content: 'x', allowed_mentions: { parse: ['everyone'] } };
    const combined = combineBodies('discord', [body('discord', 'a'), odd, body('discord', 'b')]);
    expect(combined.map((c) => c.count)).toEqual([1, 1, 1]);
    expect(combined[1].body).toBe(odd);
  });

  it('Slack: texts joined within 40 000; blocks concatenated within 50', () => {
    const combined = combineBodies('slack', [body('slack', 'a %id%'), body('slack', 'b %id%')]);
    expect(combined).toEqual([{ body: { text: 'a 501\n\nb 501' }, count: 2 }]);
    const withBlocks = Array.from({ length: 60 }, () => body('slack', 'x', { slackBlocks: true }));
    const packed = combineBodies('slack', withBlocks);
    expect(packed.map((c) => c.count)).toEqual([50, 10]);
    for (const c of packed) expect(slackProblems(c.body)).toEqual([]);
    const big = Array.from({ length: 3 }, () => body('slack', 'y'.repeat(15_000)));
    expect(combineBodies('slack', big).map((c) => c.count)).toEqual([2, 1]);
  });

  it('Rocket.Chat packs within its 5000 limit', () => {
    const bodies = Array.from({ length: 3 }, () => body('rocketchat', 'z'.repeat(2000)));
    expect(combineBodies('rocketchat', bodies).map((c) => c.count)).toEqual([2, 1]);
  });

  it.each(['teams', 'telegram', 'json'] as const)('%s: one request per body', (platform) => {
    const bodies = [body(platform, 'a'), body(platform, 'b'), body(platform, 'c')];
    expect(combineBodies(platform, bodies)).toEqual(bodies.map((b) => ({ body: b, count: 1 })));
  });

  it('empty input gives no request', () => {
    expect(combineBodies('discord', [])).toEqual([]);
  });
});
