/**
 * Slack incoming webhooks (mrkdwn), and the two Slack-compatible platforms chosen explicitly:
 * Mattermost (Markdown, `**bold**`) and Rocket.Chat (`*bold*`). Slack escapes only `&`, `<`, `>`;
 * the admin's own Slack links and mentions in the template (`<https://x|y>`, `<@U123>`) are kept.
 */
import type { KnownBlock, SectionBlock } from '@slack/types';
import { cutWholeText, shortenUntrusted } from './fit-to-limit.js';
import type { FormatContext, Formatted } from './format-context.js';
import { MATTERMOST, ROCKETCHAT, SLACK, slackProblems } from './limits.js';
import { boldAround, plainDialect } from './plain-dialect.js';
import { shortcodesToUnicode } from './emoji.js';
import { renderText, type Dialect } from './template.js';
import { cutUnits, truncate } from './untrusted-text.js';

export type SlackLike = 'slack' | 'mattermost' | 'rocketchat';

export const escapeSlack = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escapes template text but keeps `<...>` Slack tokens the admin wrote on purpose. */
function escapeSlackLiteral(text: string): string {
  return text
    .split(/(<(?:https?:\/\/|mailto:|@|#|!)[^<>\s|]*(?:\|[^<>]*)?>)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeSlack(part)))
    .join('');
}

export const slackDialect: Dialect = {
  literal: escapeSlackLiteral,
  value: (v, cap) => escapeSlack(v.untrusted ? truncate(v.untrusted.plain, cap) : v.text),
  bold: (inner) => boldAround(inner, '*'),
};

const mattermostDialect: Dialect = {
  literal: shortcodesToUnicode,
  value: (v, cap) => (v.untrusted ? truncate(v.untrusted.markdown, cap) : v.text),
  bold: (inner) => boldAround(inner, '**'),
};

const rocketchatDialect: Dialect = { ...mattermostDialect, bold: (inner) => boldAround(inner, '*') };

const dialects: Record<SlackLike, Dialect> = { slack: slackDialect, mattermost: mattermostDialect, rocketchat: rocketchatDialect };
export const textLimits: Record<SlackLike, number> = { slack: SLACK.text, mattermost: MATTERMOST.text, rocketchat: ROCKETCHAT.text };

/** Section blocks of at most 3000 characters each, split at line ends where possible. */
export function sectionBlocks(text: string): SectionBlock[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > SLACK.sectionText) {
      if (current) chunks.push(current);
      current = '';
      const head = cutUnits(rest, SLACK.sectionText);
      chunks.push(head);
      rest = rest.slice(head.length);
    }
    const joined = current ? `${current}\n${rest}` : rest;
    if (joined.length > SLACK.sectionText) {
      chunks.push(current);
      current = rest;
    } else current = joined;
  }
  if (current) chunks.push(current);
  return chunks.filter((c) => c.trim()).slice(0, SLACK.blocks).map((c) => ({ type: 'section', text: { type: 'mrkdwn', text: c } }));
}

export interface SlackBody {
  text: string;
  blocks?: KnownBlock[];
  username?: string;
  icon_url?: string;
}

/** The incoming-webhook body (text, optional Block Kit blocks typed by @slack/types). */
export function slackBody(platform: SlackLike, ctx: FormatContext): SlackBody {
  const dialect = dialects[platform];
  const limit = textLimits[platform];
  const withBlocks = platform === 'slack' && ctx.options.slackBlocks;
  const base: Omit<SlackBody, 'text'> = {};
  if (ctx.options.username) base.username = cutUnits(ctx.options.username.trim(), 80);
  if (ctx.options.avatarUrl && /^https?:\/\//i.test(ctx.options.avatarUrl)) base.icon_url = ctx.options.avatarUrl;
  const build = (text: string): SlackBody => {
    const t = text || escapeSlack(ctx.fallbackText);
    return withBlocks ? { ...base, text: t, blocks: sectionBlocks(t) } : { ...base, text: t };
  };
  const fits = (b: SlackBody): boolean => slackProblems(b as unknown as Record<string, unknown>, limit).length === 0;
  return (
    shortenUntrusted((cap) => build(renderText(ctx.template, ctx.vars, dialect, cap)), fits) ??
    cutWholeText(renderText(ctx.template, ctx.vars, dialect), build, fits)
  );
}

export function formatSlackLike(platform: SlackLike, ctx: FormatContext): Formatted {
  const body = slackBody(platform, ctx);
  return { body: body as unknown as Record<string, unknown>, text: renderText(ctx.template, ctx.vars, plainDialect) || ctx.fallbackText };
}
