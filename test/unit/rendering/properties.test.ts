/**
 * Property tests: random payloads that pass the event schemas, random templates and random
 * options. No formatter throws, every body is within its platform's limits, and no Discord body
 * can mention anyone but the role ids the admin configured (and only when the ping applies).
 */
import fc from 'fast-check';
import type { EventMap, EventName } from '../../../sdk/events.js';
import {
  combineBodies,
  discordProblems,
  renderMessage,
  slackProblems,
  teamsProblems,
  telegramProblems,
  MATTERMOST,
  ROCKETCHAT,
  SLACK,
  type MessageBody,
} from '../../../module/rendering/index.js';
import { googleChatProblems } from '../../../module/platforms/googlechat/googlechat-limits.js';
import { defaultOptions, platforms, type Platform, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { options, template, validEvent } from './arbitraries.js';

function limitProblems(platform: Platform, body: MessageBody): string[] {
  switch (platform) {
    case 'discord':
      return discordProblems(body);
    case 'slack':
      return slackProblems(body, SLACK.text);
    case 'mattermost':
      return slackProblems(body, MATTERMOST.text);
    case 'rocketchat':
      return slackProblems(body, ROCKETCHAT.text);
    case 'teams':
      return teamsProblems(body);
    case 'telegram':
      return telegramProblems(body);
    case 'googlechat':
      return googleChatProblems(body);
    default:
      return typeof body.type === 'string' && typeof body.data === 'object' ? [] : ['not a JSON event'];
  }
}

/** Role ids the admin configured and that apply to this event (what Discord may ping). */
function expectedRoles(e: EventName, payload: EventMap[EventName], o: WebhookOptions): string[] {
  if (!o.rolePing || e === 'order.paid') return [];
  // A reply or a close pings only when the admin asked for every message of the ticket.
  if ((e === 'ticket.reply' || e === 'ticket.close') && o.rolePing.on !== 'every') return [];
  const priority = (payload as EventMap['ticket.submit']).ticket.priority;
  if (o.rolePing.priorities.length && !o.rolePing.priorities.includes(priority)) return [];
  return [...new Set(o.rolePing.roleIds.filter((r) => /^[1-9][0-9]{16,19}$/.test(r)))];
}

/** The links of an event, which rendering sends as they are. */
function eventLinks(e: EventName, payload: EventMap[EventName]): string[] {
  if (e === 'order.paid') return [(payload as EventMap['order.paid']).order.invoiceUrl];
  const t = (payload as EventMap['ticket.submit']).ticket;
  return [t.url, t.related?.url ?? ''].filter(Boolean).sort((a, b) => b.length - a.length);
}

const RUNS = 120;

describe('rendering properties', () => {
  it('every platform: never throws and every body is within its limits', () => {
    fc.assert(
      fc.property(
        validEvent,
        template,
        options,
        fc.constantFrom(...platforms),
        fc.constantFrom('fr' as const, 'en' as const),
        ({ event: e, payload }, t, o, platform, locale) => {
          const { body } = renderMessage({
            webhook: { platform, templates: { order: t, ticket: t }, options: o },
            event: e,
            payload,
            locale,
            timeZone: 'Europe/Paris',
          });
          expect(limitProblems(platform, body)).toEqual([]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('Discord: allowed_mentions never parses anything, and roles are only the configured ones when the ping applies', () => {
    fc.assert(
      fc.property(validEvent, template, options, ({ event: e, payload }, t, o) => {
        const { body } = renderMessage({
          webhook: { platform: 'discord', templates: { order: t, ticket: t }, options: o },
          event: e,
          payload,
          locale: 'fr',
          timeZone: 'UTC',
        });
        const roles = expectedRoles(e, payload, o);
        expect(body.allowed_mentions).toEqual(roles.length ? { parse: [], roles } : { parse: [] });
      }),
      { numRuns: RUNS },
    );
  });

  it('Discord: with a template that writes no mention itself, the text holds no mention but the configured role pings', () => {
    const cleanTemplate = template.map((t) => t.replace(/[<@]/g, ''));
    // The thread name is admin-written too: cleaned the same way.
    const cleanOptions = options.map((o) => ({ ...o, threadName: o.threadName && o.threadName.replace(/[<@]/g, '') }));
    fc.assert(
      fc.property(validEvent, cleanTemplate, cleanOptions, ({ event: e, payload }, t, o) => {
        const { body } = renderMessage({
          webhook: { platform: 'discord', templates: { order: t, ticket: t }, options: o },
          event: e,
          payload,
          locale: 'en',
          timeZone: 'UTC',
        });
        let shown = JSON.stringify([body.content ?? '', body.embeds ?? [], body.thread_name ?? '']);
        // The event's own links are sent byte-identical (allowed_mentions keeps them from pinging).
        for (const link of eventLinks(e, payload)) shown = shown.split(link).join(' ');
        // A mention starts a word (`here@everyone.example` is an e-mail address, no mention).
        expect(shown).not.toMatch(/(?<![\p{L}\p{N}_])@(everyone|here)(?![\p{L}\p{N}_])/iu);
        expect(shown).not.toMatch(/<(@!?|#)\d/);
        const pinged = [...shown.matchAll(/<@&(\d+)>/g)].map((m) => m[1]);
        for (const r of pinged) expect(expectedRoles(e, payload, o)).toContain(r);
      }),
      { numRuns: RUNS },
    );
  });

  it('Slack: untrusted text never produces a <...> control sequence', () => {
    const cleanTemplate = template.map((t) => t.replace(/[<>]/g, ''));
    fc.assert(
      fc.property(validEvent, cleanTemplate, options, ({ event: e, payload }, t, o) => {
        const { body } = renderMessage({
          webhook: { platform: 'slack', templates: { order: t, ticket: t }, options: o },
          event: e,
          payload,
          locale: 'fr',
          timeZone: 'UTC',
        });
        expect(body.text as string).not.toMatch(/[<>]/);
      }),
      { numRuns: RUNS },
    );
  });

  it('combineBodies: every combined body fits, counts add up, order is kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(validEvent, template), { minLength: 1, maxLength: 12 }),
        options,
        fc.constantFrom<Platform>('discord', 'slack', 'rocketchat', 'mattermost', 'telegram'),
        (items, o, platform) => {
          const bodies = items.map(
            ([{ event: e, payload }, t]) =>
              renderMessage({
                webhook: { platform, templates: { order: t, ticket: t }, options: { ...defaultOptions(), ...o } },
                event: e,
                payload,
                locale: 'fr',
                timeZone: 'UTC',
              }).body,
          );
          const combined = combineBodies(platform, bodies);
          expect(combined.reduce((n, c) => n + c.count, 0)).toBe(bodies.length);
          let at = 0;
          for (const c of combined) {
            expect(limitProblems(platform, c.body)).toEqual([]);
            if (c.count === 1) expect(c.body).toBe(bodies[at]);
            at += c.count;
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
