/**
 * Discord execute-webhook bodies: plain `content` (the reference document's style) or one rich
 * embed. Always `allowed_mentions: {parse: []}`, plus only the admin's role ids when the role ping
 * applies. `username`/`avatar_url` overrides are validated, never passed through broken.
 */
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10';
import type { EventName } from '../../../sdk/events.js';
import { definitionOf } from '../../events/index.js';
import type { DiscordOptions } from './discord-options.js';
import { shortenUntrusted, cutWholeText } from '../../text/fit-to-limit.js';
import type { FormatContext, Formatted } from '../format-context.js';
import { DISCORD, DISCORD_SNOWFLAKE, discordProblems, embedTextLength, hasVisibleText } from '../limits.js';
import { linkHref } from '../../text/link-href.js';
import { plainDialect } from '../../text/plain-dialect.js';
import { compileTemplate, renderLines, renderText, type Dialect, type RenderedLine } from '../../text/template.js';
import { cutUnits, truncate } from '../../text/untrusted-text.js';
import { buttonsTicket, openTicket, ticketButtonWords } from '../ticket-actions.js';
import { discordTicketButtons } from './discord-ticket-buttons.js';

type DiscordContext = FormatContext<DiscordOptions>;

export const discordDialect: Dialect = {
  literal: (text) => text,
  value: (v, cap) => (v.untrusted ? truncate(v.untrusted.markdown, cap) : v.text),
  bold: (inner) => `**${inner}**`,
};

/**
 * A usable webhook username or undefined: "discord" and "clyde" (any case) are removed, spaces
 * collapsed, cut to 80; a result without a visible character (zero-width characters only),
 * "everyone" or "here" is dropped (Discord keeps its own).
 */
export function sanitizeUsername(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  let u = name;
  for (let prev = ''; prev !== u;) {
    prev = u;
    u = u.replace(/discord|clyde/gi, '');
  }
  u = cutUnits(u.replace(/\s+/g, ' ').trim(), DISCORD.username).trim();
  if (!hasVisibleText(u) || /^(everyone|here)$/i.test(u)) return undefined;
  return u;
}

export function sanitizeAvatarUrl(url: string | null | undefined): string | undefined {
  return linkHref(url ?? undefined);
}

/**
 * Role ids pinged for this event: events with a priority (tickets) only, when the priority filter
 * lets it through, and a reply or a close only when the admin asked for every message (one ping
 * per ticket otherwise, on its opening post).
 */
export function rolesToPing(event: EventName, payload: unknown, options: Pick<DiscordOptions, 'rolePing'>): string[] {
  const ping = options.rolePing;
  const def = definitionOf(event);
  const priorityOf = def.priority;
  if (!ping || !priorityOf) return [];
  if (def.followUp && ping.on !== 'every') return [];
  const priority = priorityOf(payload);
  if (ping.priorities.length > 0 && !ping.priorities.includes(priority)) return [];
  return [...new Set(ping.roleIds.filter((id) => DISCORD_SNOWFLAKE.test(id)))].slice(0, DISCORD.allowedRoles);
}

type DiscordBody = RESTPostAPIWebhookWithTokenJSONBody;

/** A ticket of a thread-per-ticket webhook: its post and thread are the worker's (ticket-threads.ts), not the options'. */
const ticketThread = (ctx: DiscordContext): boolean => ctx.options.threadPerTicket && definitionOf(ctx.event).family === 'ticket';

/** The thread to post in, when the option holds a real snowflake. */
const threadIdOf = (ctx: DiscordContext): string | undefined =>
  ctx.options.threadId && DISCORD_SNOWFLAKE.test(ctx.options.threadId) && !ticketThread(ctx) ? ctx.options.threadId : undefined;

function envelope(ctx: DiscordContext, roles: string[]): DiscordBody {
  const body: DiscordBody = { allowed_mentions: roles.length ? { parse: [], roles } : { parse: [] } };
  const username = sanitizeUsername(ctx.options.username);
  if (username) body.username = username;
  const avatar = sanitizeAvatarUrl(ctx.options.avatarUrl);
  if (avatar) body.avatar_url = avatar;
  // Discord refuses thread_name with thread_id (220002/220003): a stored pair (the form refuses
  // it now) posts into the existing thread.
  if (ctx.options.threadName && !threadIdOf(ctx) && !ticketThread(ctx)) {
    // The thread name is a small template too, so a forum post can be named after the ticket.
    const name = truncate(
      renderText(compileTemplate(ctx.options.threadName), ctx.vars, plainDialect).replace(/\s+/g, ' ').trim(),
      DISCORD.threadName,
    );
    if (name) body.thread_name = name;
  }
  return body;
}

const fits = (body: DiscordBody): boolean => discordProblems(body as Record<string, unknown>).length === 0;

function plainBody(ctx: DiscordContext, roles: string[]): DiscordBody {
  const base = envelope(ctx, roles);
  const prefix = roles.length ? roles.map((id) => `<@&${id}>`).join(' ') + '\n' : '';
  const build = (text: string): DiscordBody => ({ ...base, content: prefix + (text || ctx.fallbackText) });
  const shortened = shortenUntrusted((cap) => build(renderText(ctx.template, ctx.vars, discordDialect, cap)), fits);
  if (shortened) return shortened;
  return cutWholeText(renderText(ctx.template, ctx.vars, discordDialect), build, fits);
}

const unbold = (s: string): string => s.replace(/\*\*/g, '').trim();

function buildEmbed(ctx: DiscordContext, lines: RenderedLine[]): APIEmbed {
  const [first, ...rest] = lines;
  const embed: APIEmbed = {};
  const title = first ? unbold(first.text) : '';
  embed.title = title || ctx.fallbackText;
  const fields: { name: string; value: string; inline: boolean }[] = [];
  const description: string[] = [];
  for (const line of rest) {
    if (line.field && fields.length < DISCORD.fields)
      fields.push({ name: unbold(line.field.name), value: line.field.value, inline: false });
    else description.push(line.text);
  }
  const desc = description.join('\n').trim();
  if (desc) embed.description = desc;
  if (fields.length) embed.fields = fields;
  const url = linkHref(ctx.vars.url?.text);
  if (url) embed.url = url;
  embed.color = ctx.options.color ?? definitionOf(ctx.event).embed.color;
  embed.timestamp = new Date(ctx.payload.occurredAt).toISOString();
  embed.footer = { text: ctx.fallbackText };
  return embed;
}

/** Last resort for embeds: every part cut to its own limit, then the description and fields until the total fits. */
function clampEmbed(embed: APIEmbed): APIEmbed {
  const e: APIEmbed = { ...embed };
  if (e.title) e.title = truncate(e.title, DISCORD.title);
  if (e.description) e.description = truncate(e.description, DISCORD.description);
  if (e.fields)
    e.fields = e.fields.map((f) => ({ ...f, name: truncate(f.name, DISCORD.fieldName), value: truncate(f.value, DISCORD.fieldValue) }));
  let over = embedTextLength(e) - DISCORD.embedTotal;
  if (over > 0 && e.description) {
    const keep = Math.max(0, e.description.length - over);
    e.description = keep > 1 ? truncate(e.description, keep) : undefined;
    over = embedTextLength(e) - DISCORD.embedTotal;
  }
  while (over > 0 && e.fields?.length) {
    e.fields = e.fields.slice(0, -1);
    over = embedTextLength(e) - DISCORD.embedTotal;
  }
  if (e.fields && !e.fields.length) delete e.fields;
  return e;
}

function embedBody(ctx: DiscordContext, roles: string[]): DiscordBody {
  const base = envelope(ctx, roles);
  if (roles.length) base.content = roles.map((id) => `<@&${id}>`).join(' ');
  const build = (cap: number): DiscordBody => ({
    ...base,
    embeds: [buildEmbed(ctx, renderLines(ctx.template, ctx.vars, discordDialect, cap))],
  });
  return shortenUntrusted(build, fits) ?? { ...base, embeds: [clampEmbed(build(Infinity).embeds![0])] };
}

/** The execute-webhook JSON body, typed by discord-api-types. */
export function discordBody(ctx: DiscordContext): RESTPostAPIWebhookWithTokenJSONBody {
  const roles = rolesToPing(ctx.event, ctx.payload, ctx.options);
  return ctx.options.mode === 'embed' ? embedBody(ctx, roles) : plainBody(ctx, roles);
}

export function formatDiscord(ctx: DiscordContext): Formatted {
  const body = discordBody(ctx);
  const query: Record<string, string> = {};
  const threadId = threadIdOf(ctx);
  if (threadId) query.thread_id = threadId;
  // Reply, Claim and Close under a ticket's message (option helpdeskButtons).
  const ticketId = buttonsTicket(ctx);
  if (ticketId) {
    body.components = [discordTicketButtons(ticketId, ticketButtonWords(ctx.say), openTicket)];
    // Discord ignores a webhook's components without it (docs/helpdesk.md).
    query.with_components = 'true';
  }
  return {
    body: body as Record<string, unknown>,
    text: renderText(ctx.template, ctx.vars, plainDialect) || ctx.fallbackText,
    ...(Object.keys(query).length ? { query } : {}),
  };
}
