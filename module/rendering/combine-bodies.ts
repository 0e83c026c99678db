/**
 * Coalescing for the dispatcher: consecutive queued bodies of one webhook packed, in order, into
 * as few requests as the platform allows. Every combined body passes the platform's limit checks;
 * a body that cannot be merged (unknown shape, other username, other thread) starts a new request.
 *
 *  - Discord: embed bodies share a message up to 10 embeds and 6000 embed characters. Discord
 *    shows only the first of several embeds with one `url` ("Embeds are deduplicated by URL"),
 *    so a repeated url (one ticket's submit, replies and close) gets a fragment (`#2`, `#3`: the
 *    same page opens) and every event stays visible; a url that already has a fragment is not
 *    merged. Plain
 *    bodies are joined with a blank line within 2000 characters. Only bodies with the same
 *    username, avatar, thread and other settings merge; `allowed_mentions` stays `parse: []` with
 *    the union of the role ids.
 *  - Slack, Mattermost, Rocket.Chat: texts joined with a blank line within the text limit, blocks
 *    concatenated within 50.
 *  - Teams, Telegram, JSON: one request per body.
 */
import type { Platform } from '../webhooks/webhook.js';
import { DISCORD, discordProblems, slackProblems } from './limits.js';
import { textLimits, type SlackLike } from './slack-formatter.js';
import type { CombinedBody, MessageBody } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Everything except the mergeable parts must be identical for two bodies to share a request. */
function sameSettings(a: MessageBody, b: MessageBody, mergeable: string[]): boolean {
  const rest = (body: MessageBody) =>
    JSON.stringify(
      Object.keys(body)
        .filter((k) => !mergeable.includes(k))
        .sort()
        .map((k) => [k, body[k]]),
    );
  return rest(a) === rest(b);
}

function discordRoles(body: MessageBody): string[] | null {
  const am = body.allowed_mentions;
  if (!isObject(am) || !Array.isArray(am.parse) || am.parse.length !== 0) return null;
  if (Object.keys(am).some((k) => k !== 'parse' && k !== 'roles')) return null;
  if (am.roles === undefined) return [];
  return Array.isArray(am.roles) && am.roles.every((r) => typeof r === 'string') ? (am.roles as string[]) : null;
}

function discordKind(body: MessageBody): 'plain' | 'embed' | null {
  if (discordRoles(body) === null) return null;
  if (body.content !== undefined && typeof body.content !== 'string') return null;
  if (Array.isArray(body.embeds) && body.embeds.length > 0) return body.embeds.every(isObject) ? 'embed' : null;
  if (body.embeds !== undefined) return null;
  return typeof body.content === 'string' && body.content ? 'plain' : null;
}

function joinContents(a: unknown, b: unknown, separator: string): string {
  const parts = [a, b].filter((x): x is string => typeof x === 'string' && x.length > 0);
  if (parts.length === 2 && parts[0] === parts[1]) return parts[0];
  return parts.join(separator);
}

/** The embeds with every repeated `url` made distinct by a `#n` fragment; null when one has a fragment already. */
function distinctEmbedUrls(embeds: unknown[]): unknown[] | null {
  const used = new Set<string>();
  const out: unknown[] = [];
  for (const embed of embeds) {
    if (!isObject(embed) || typeof embed.url !== 'string') {
      out.push(embed);
      continue;
    }
    let url = embed.url;
    if (used.has(url)) {
      if (url.includes('#')) return null;
      let n = 2;
      while (used.has(`${embed.url}#${n}`)) n++;
      url = `${embed.url}#${n}`;
    }
    used.add(url);
    out.push(url === embed.url ? embed : { ...embed, url });
  }
  return out;
}

function mergeDiscord(a: MessageBody, b: MessageBody): MessageBody | null {
  const kind = discordKind(a);
  if (!kind || kind !== discordKind(b) || !sameSettings(a, b, ['content', 'embeds', 'allowed_mentions'])) return null;
  const roles = [...new Set([...(discordRoles(a) ?? []), ...(discordRoles(b) ?? [])])];
  if (roles.length > DISCORD.allowedRoles) return null;
  const merged: MessageBody = { ...a, allowed_mentions: roles.length ? { parse: [], roles } : { parse: [] } };
  if (kind === 'plain') merged.content = joinContents(a.content, b.content, '\n\n');
  else {
    const embeds = distinctEmbedUrls([...(a.embeds as unknown[]), ...(b.embeds as unknown[])]);
    if (!embeds) return null;
    merged.embeds = embeds;
    // Embed bodies carry only role mentions as content: keep each mention once.
    const mentions = joinContents(a.content, b.content, ' ');
    const unique = [...new Set(mentions.split(/\s+/).filter(Boolean))].join(' ');
    if (unique) merged.content = unique;
    else delete merged.content;
  }
  return discordProblems(merged).length === 0 ? merged : null;
}

function mergeSlack(platform: SlackLike, a: MessageBody, b: MessageBody): MessageBody | null {
  if (typeof a.text !== 'string' || typeof b.text !== 'string') return null;
  if (Array.isArray(a.blocks) !== Array.isArray(b.blocks)) return null;
  if (!sameSettings(a, b, ['text', 'blocks'])) return null;
  const merged: MessageBody = { ...a, text: `${a.text}\n\n${b.text}` };
  if (Array.isArray(a.blocks) && Array.isArray(b.blocks)) merged.blocks = [...a.blocks, ...b.blocks];
  return slackProblems(merged, textLimits[platform]).length === 0 ? merged : null;
}

function mergerFor(platform: Platform): ((a: MessageBody, b: MessageBody) => MessageBody | null) | null {
  if (platform === 'discord') return mergeDiscord;
  if (platform === 'slack' || platform === 'mattermost' || platform === 'rocketchat') return (a, b) => mergeSlack(platform, a, b);
  return null;
}

export function combineBodies(platform: Platform, bodies: MessageBody[]): CombinedBody[] {
  const merge = mergerFor(platform);
  const out: CombinedBody[] = [];
  for (const body of bodies) {
    const last = out[out.length - 1];
    let merged: MessageBody | null = null;
    if (merge && last && isObject(body)) {
      try {
        merged = merge(last.body, body);
      } catch {
        merged = null;
      }
    }
    if (merged) out[out.length - 1] = { body: merged, count: last.count + 1 };
    else out.push({ body, count: 1 });
  }
  return out;
}
