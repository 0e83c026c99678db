import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10';
import { discordBody, formatDiscord, sanitizeUsername } from '../../../module/platforms/discord/discord-format.js';
import { defaultTemplates, discordProblems, DISCORD } from '../../../module/rendering/index.js';
import { ctxFor, sample } from './helpers.js';

const ROLE = '123456789012345678';
const ROLE2 = '223456789012345678';
/** Keys of the execute-webhook JSON body, per discord-api-types (runtime check next to the type check). */
const allowedKeys = new Set([
  'content',
  'username',
  'avatar_url',
  'tts',
  'embeds',
  'allowed_mentions',
  'components',
  'attachments',
  'flags',
  'thread_name',
  'applied_tags',
  'poll',
]);

function check(body: RESTPostAPIWebhookWithTokenJSONBody): void {
  for (const key of Object.keys(body)) expect(allowedKeys.has(key)).toBe(true);
  expect(discordProblems(body as Record<string, unknown>)).toEqual([]);
}

describe('Discord formatter', () => {
  it('plain mode: content, allowed_mentions parse [] and nothing else by default', () => {
    const body: RESTPostAPIWebhookWithTokenJSONBody = discordBody(ctxFor('order.paid', 'Commande %id%'));
    expect(body).toEqual({ content: 'Commande 1001', allowed_mentions: { parse: [] } });
    check(body);
  });

  it('embed mode: title from the first line, label lines become fields, colour, timestamp, footer, url', () => {
    const body = discordBody(ctxFor('order.paid', defaultTemplates('fr').order, { options: { mode: 'embed' } }));
    check(body);
    const embed: APIEmbed = body.embeds![0];
    expect(embed.title).toBe(':pushpin: Nouvelle commande n° 1001');
    expect(embed.fields?.map((f) => f.name)).toEqual([
      ':moneybag: Prix',
      ':credit_card: Moyen de paiement',
      ':bust_in_silhouette: Client',
      ':link: Lien',
      ':envelope: Commentaire',
    ]);
    expect(embed.fields?.[2].value).toBe('Jean Dupont');
    expect(embed.color).toBe(0x2ecc71);
    expect(embed.timestamp).toBe('2026-11-29T09:30:00.000Z');
    expect(embed.footer).toEqual({ text: 'Commande payée' });
    expect(embed.url).toBe('https://billing.example.com/invoices/1001');
    expect(body.content).toBeUndefined();
  });

  it('embed mode: a missing comment leaves no empty field; a configured colour wins', () => {
    const p = sample('order.paid');
    const body = discordBody(
      ctxFor('order.paid', defaultTemplates('en').order, {
        payload: { ...p, order: { ...p.order, comment: null } },
        options: { mode: 'embed', color: 0x123456 },
      }),
    );
    check(body);
    expect(body.embeds![0].fields!.map((f) => f.name)).not.toContain(':envelope: Comment');
    for (const f of body.embeds![0].fields!) expect(f.value.trim()).not.toBe('');
    expect(body.embeds![0].color).toBe(0x123456);
  });

  it('bold spans around an empty value lose their markers: no "** **"', () => {
    const p = sample('order.paid');
    const body = discordBody(
      ctxFor('order.paid', 'Order %id% **%comment%** done', { payload: { ...p, order: { ...p.order, comment: '' } } }),
    );
    expect(body.content).toBe('Order 1001  done');
  });

  it('role ping: only the configured role ids, only for tickets whose priority is listed', () => {
    const rolePing = { roleIds: [ROLE, ROLE2, 'not-a-snowflake'], priorities: ['medium' as const] };
    const medium = discordBody(ctxFor('ticket.submit', 'Ticket %id%', { options: { rolePing } }));
    check(medium);
    expect(medium.allowed_mentions).toEqual({ parse: [], roles: [ROLE, ROLE2] });
    expect(medium.content).toBe(`<@&${ROLE}> <@&${ROLE2}>\nTicket 501`);

    const high = discordBody(ctxFor('ticket.submit', 'Ticket %id%', { payload: sample('ticket.submit', 2), options: { rolePing } }));
    expect(high.allowed_mentions).toEqual({ parse: [] });
    expect(high.content).toBe('Ticket 502');

    const anyPriority = discordBody(
      ctxFor('ticket.submit', 'x', { payload: sample('ticket.submit', 2), options: { rolePing: { roleIds: [ROLE], priorities: [] } } }),
    );
    expect(anyPriority.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });

    const order = discordBody(ctxFor('order.paid', 'x', { options: { rolePing: { roleIds: [ROLE], priorities: [] } } }));
    expect(order.allowed_mentions).toEqual({ parse: [] });
  });

  it.each(['ticket.reply', 'ticket.close'] as const)(
    'role ping: %s pings only when the admin asked for every message (one ping per ticket by default)',
    (event) => {
      const roles = { roleIds: [ROLE], priorities: [] };
      for (const on of [undefined, 'opening'] as const) {
        const body = discordBody(ctxFor(event, 'Ticket %id%', { options: { rolePing: { ...roles, ...(on ? { on } : {}) } } }));
        expect(body.allowed_mentions).toEqual({ parse: [] });
        expect(body.content).toBe('Ticket 501');
      }
      const every = discordBody(ctxFor(event, 'Ticket %id%', { options: { rolePing: { ...roles, on: 'every' } } }));
      expect(every.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
      expect(every.content).toBe(`<@&${ROLE}>\nTicket 501`);
      // A reopened ticket needs someone again: it pings like the opening post.
      const reopen = discordBody(ctxFor('ticket.reopen', 'Ticket %id%', { options: { rolePing: roles } }));
      expect(reopen.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    },
  );

  it('role ping in embed mode goes in content, next to the embed', () => {
    const body = discordBody(
      ctxFor('ticket.submit', 'Ticket %id%', { options: { mode: 'embed', rolePing: { roleIds: [ROLE], priorities: [] } } }),
    );
    check(body);
    expect(body.content).toBe(`<@&${ROLE}>`);
    expect(body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
  });

  it.each([
    ['Boutique', 'Boutique'],
    ['My Discord Bot', 'My Bot'],
    ['cLyDe helper', 'helper'],
    ['disdiscordcord', undefined],
    ['discordiscordd', 'iscordd'],
    ['   ', undefined],
    ['everyone', undefined],
    ['x'.repeat(100), 'x'.repeat(80)],
    [null, undefined],
  ])('username %p -> %p', (input, expected) => {
    expect(sanitizeUsername(input)).toBe(expected);
  });

  it('username and avatar are passed when valid and dropped when not', () => {
    const ok = discordBody(
      ctxFor('order.paid', 'x', { options: { username: 'Shop Discord', avatarUrl: 'https://cdn.example.com/a.png' } }),
    );
    expect(ok.username).toBe('Shop');
    expect(ok.avatar_url).toBe('https://cdn.example.com/a.png');
    const bad = discordBody(ctxFor('order.paid', 'x', { options: { username: 'Clyde', avatarUrl: 'javascript:alert(1)' } }));
    expect(bad.username).toBeUndefined();
    expect(bad.avatar_url).toBeUndefined();
  });

  it('forum thread: thread_name is a small template (cut to 100), thread_id goes in the query, never both', () => {
    const r = formatDiscord(ctxFor('ticket.submit', 'x', { options: { threadName: 'Ticket %id% — %subject% ' + 'y'.repeat(200) } }));
    const body = r.body as RESTPostAPIWebhookWithTokenJSONBody;
    expect(body.thread_name!.startsWith('Ticket 501 — Mon serveur ne démarre plus')).toBe(true);
    expect(body.thread_name!.length).toBeLessThanOrEqual(DISCORD.threadName);
    expect(r.query).toBeUndefined();
    // Discord refuses both (220002/220003): a stored pair posts into the existing thread.
    const both = formatDiscord(ctxFor('ticket.submit', 'x', { options: { threadName: 'Ticket %id%', threadId: '323456789012345678' } }));
    expect(both.query).toEqual({ thread_id: '323456789012345678' });
    expect((both.body as RESTPostAPIWebhookWithTokenJSONBody).thread_name).toBeUndefined();
    expect(formatDiscord(ctxFor('ticket.submit', 'x', { options: { threadId: '../etc' } })).query).toBeUndefined();
    // SnowflakeType is ^(0|[1-9][0-9]*)$: a leading zero is no snowflake.
    expect(formatDiscord(ctxFor('ticket.submit', 'x', { options: { threadId: '023456789012345678' } })).query).toBeUndefined();
  });

  it('a template that renders to nothing sends the event name instead of an empty message', () => {
    const body = discordBody(ctxFor('ticket.close', '%content%'));
    expect(body.content).toBe('Ticket fermé');
  });

  it('long content is shortened with an ellipsis, the rest of the template stays whole (plain 2000)', () => {
    const p = sample('ticket.submit');
    const body = discordBody(
      ctxFor('ticket.submit', 'Sujet : %subject%\nMessage : %content%\nLien : %url%', {
        payload: { ...p, message: { ...p.message, content: 'a'.repeat(5000) } },
      }),
    );
    check(body);
    const content = body.content!;
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content).toMatch(
      /^Sujet : Mon serveur ne démarre plus\nMessage : a+…\nLien : https:\/\/billing\.example\.com\/admin\/helpdesk\/tickets\/501$/,
    );
    expect(content.length).toBeGreaterThan(1950);
  });

  it('embeds stay within every limit with huge values (field 1024, description 4096, total 6000)', () => {
    const p = sample('ticket.submit');
    const huge = { ...p, ticket: { ...p.ticket, subject: 's'.repeat(1000) }, message: { ...p.message, content: 'c'.repeat(20000) } };
    const template = '%subject%\n**Sujet :** %subject%\n**Message :** %content%\n%content%\n' + '**A :** %content%\n'.repeat(30);
    const body = discordBody(ctxFor('ticket.submit', template, { payload: huge, options: { mode: 'embed' } }));
    check(body);
    expect(body.embeds![0].title!.endsWith('…')).toBe(true);
    expect(body.embeds![0].fields!.length).toBeLessThanOrEqual(DISCORD.fields);
  });

  it('a template literal longer than every limit is cut as a whole (plain and embed)', () => {
    const template = 'L'.repeat(9000) + ' %id%';
    const plain = discordBody(ctxFor('order.paid', template));
    check(plain);
    expect(plain.content!.endsWith('…')).toBe(true);
    const embed = discordBody(ctxFor('order.paid', 'title\n' + template + '\n' + template, { options: { mode: 'embed' } }));
    check(embed);
  });
});
