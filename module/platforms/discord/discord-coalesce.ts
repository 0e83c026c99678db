/**
 * Discord coalescing: embed bodies share a message up to 10 embeds and 6000 embed characters.
 * Discord shows only the first of several embeds with one `url` ("Embeds are deduplicated by
 * URL"), so a repeated url (one ticket's submit, replies and close) gets a fragment (`#2`, `#3`:
 * the same page opens) and every event stays visible; a url that already has a fragment is not
 * merged. Plain bodies are joined with a blank line within 2000 characters. Only bodies with the
 * same username, avatar, thread and other settings merge; `allowed_mentions` stays `parse: []`
 * with the union of the role ids.
 */
import type { MessageBody } from '../../text/var-value.js';
import { isObject, sameSettings } from '../body-shape.js';
import { DISCORD, discordProblems } from '../limits.js';

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

export function mergeDiscord(a: MessageBody, b: MessageBody): MessageBody | null {
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
