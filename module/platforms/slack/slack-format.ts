/**
 * Slack incoming webhooks (mrkdwn), and the two Slack-compatible platforms chosen explicitly:
 * Mattermost (Markdown, `**bold**`) and Rocket.Chat (`*bold*`). Slack escapes only `&`, `<`, `>`;
 * the admin's own Slack links and mentions in the template (`<https://x|y>`, `<@U123>`) are kept.
 */
import type { KnownBlock, SectionBlock } from '@slack/types';
import { cutWholeText, shortenUntrusted } from '../../text/fit-to-limit.js';
import type { FormatContext, Formatted } from '../format-context.js';
import type { SlackOptions } from './slack-options.js';

/** Mattermost and Rocket.Chat have no `slackBlocks` nor `helpdeskButtons` (their style has no blocks). */
type SlackLikeContext = FormatContext<
  Omit<SlackOptions, 'slackBlocks' | 'helpdeskButtons'> & Partial<Pick<SlackOptions, 'slackBlocks' | 'helpdeskButtons'>>
>;
import { hasVisibleText, SLACK, slackProblems } from '../limits.js';
import { linkHref } from '../../text/link-href.js';
import { boldAround, plainDialect } from '../../text/plain-dialect.js';
import { shortcodesToUnicode } from '../../text/emoji.js';
import { renderText, type Dialect } from '../../text/template.js';
import { cutUnits, truncate } from '../../text/untrusted-text.js';
import { buttonsTicket, openTicket, ticketButtonWords } from '../ticket-actions.js';
import { slackTicketBlocks } from './slack-ticket-blocks.js';

export const escapeSlack = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/*
 * The admin's `<...>` Slack tokens (`<https://x|label>`, `<@U123>`, `<!here>`) may hold variables
 * (`<%url%|Invoice>`), so template text is escaped in two steps: its `&`, `<`, `>` become private-use
 * placeholders, values are escaped for real, then each line restores placeholder-delimited tokens
 * that start like a Slack link or mention and escapes every other placeholder. Values are marked
 * so a token may start with a variable only when it is a link (`<%url%|x>`), and a mention token
 * (`<!…>`, `<@…>`, `<#…>`) holds no value before its `|label`: a customer value can never become
 * `<!channel>` or `<@U123>` through an admin's `<%subject%>` or `<!%subject%>`.
 */
const LT = '\uE001';
const GT = '\uE002';
const AMP = '\uE003';
const VALUE = '\uE004';
const placeholders = /[\uE001-\uE004]/g;
const adminToken = /\uE001((?:\uE004?(?:https?:\/\/|mailto:)|[@#!])[^\uE001\uE002<>]*)\uE002/g;

export const slackDialect: Dialect = {
  literal: (text) => text.replace(placeholders, '').replace(/&/g, AMP).replace(/</g, LT).replace(/>/g, GT),
  value: (v, cap) => VALUE + escapeSlack((v.untrusted ? truncate(v.untrusted.plain, cap) : v.text).replace(placeholders, '')),
  bold: (inner) => boldAround(inner, '*'),
  finish: (line) =>
    line
      .replace(adminToken, (whole: string, inner: string) =>
        /^[@#!]/.test(inner) && inner.split('|', 1)[0].includes(VALUE) ? whole : `<${inner.replace(/\uE003/g, '&amp;')}>`,
      )
      .replace(/\uE001/g, '&lt;')
      .replace(/\uE002/g, '&gt;')
      .replace(/\uE003/g, '&amp;')
      .replace(/\uE004/g, ''),
};

/**
 * What tells the Slack-shaped platforms apart: how text is marked up, how long it may be, and
 * whether the admin may add Block Kit blocks (Slack only).
 */
export interface SlackStyle {
  dialect: Dialect;
  textLimit: number;
  blocks: boolean;
}

export const slackStyle: SlackStyle = { dialect: slackDialect, textLimit: SLACK.text, blocks: true };

/**
 * A link with no `@` after its host: `@` becomes `%40` (the same path to the server). Mattermost's
 * server splits a message's text into words at `/` among other runes (`model.SplitRunes`) and
 * looks each word up as a mention, so `https://billing.example.com/u/@here/t/7` would notify the
 * channel (and `/u/@jean/` would mention jean); Rocket.Chat's older parsers matched `@here`
 * anywhere. docs/platforms.md cites both.
 */
export function linkWithoutMentions(text: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(.*)$/is.exec(text);
  return m && m[2].includes('@') ? m[1] + m[2].replace(/@/g, '%40') : text;
}

/** Mattermost and Rocket.Chat read Markdown: customer text goes in its escaped Markdown form, links cannot mention. */
export const markdownSlackDialect = (boldMarker: string): Dialect => ({
  literal: shortcodesToUnicode,
  value: (v, cap) => (v.untrusted ? truncate(v.untrusted.markdown, cap) : linkWithoutMentions(v.text)),
  bold: (inner) => boldAround(inner, boldMarker),
});

/**
 * Where a line longer than a section may be cut: at most `max` units, never inside an entity
 * (`&amp;`) or a `<link|label>` token, at the last space of the last 300 units when there is one.
 */
export function safeCutLength(line: string, max: number): number {
  let head = cutUnits(line, max);
  const open = head.lastIndexOf('<');
  if (open > 0 && head.indexOf('>', open) < 0) head = head.slice(0, open);
  head = head.replace(/&[#a-z0-9]{0,10}$/i, '');
  const space = head.lastIndexOf(' ');
  if (space > head.length - 300 && space > 0) head = head.slice(0, space + 1);
  return head.length > 0 ? head.length : cutUnits(line, max).length;
}

/** Section blocks of at most 3000 characters each, split at line ends where possible, else at a safe point. */
export function sectionBlocks(text: string): SectionBlock[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > SLACK.sectionText) {
      if (current) chunks.push(current);
      current = '';
      const head = rest.slice(0, safeCutLength(rest, SLACK.sectionText));
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
  return chunks
    .filter((c) => c.trim())
    .slice(0, SLACK.blocks)
    .map((c) => ({ type: 'section', text: { type: 'mrkdwn', text: c } }));
}

export interface SlackBody {
  text: string;
  blocks?: KnownBlock[];
  username?: string;
  icon_url?: string;
}

/** The incoming-webhook body (text, optional Block Kit blocks typed by @slack/types). */
export function slackBody(style: SlackStyle, ctx: SlackLikeContext): SlackBody {
  const { dialect, textLimit: limit } = style;
  // Reply, Claim, Close and the answer field under a ticket's message (option helpdeskButtons)
  // need blocks, so the text goes into sections too (a message with blocks shows only them).
  const ticketId = style.blocks ? buttonsTicket(ctx) : null;
  const withBlocks = style.blocks && (ctx.options.slackBlocks || ticketId !== null);
  const base: Omit<SlackBody, 'text'> = {};
  // Legacy incoming webhooks honour these; Slack-app webhooks ignore them (the form says so).
  const username = ctx.options.username ? cutUnits(ctx.options.username.trim(), 80) : '';
  if (hasVisibleText(username)) base.username = username;
  const icon = linkHref(ctx.options.avatarUrl ?? undefined);
  if (icon) base.icon_url = icon;
  const build = (text: string): SlackBody => {
    const t = text || escapeSlack(ctx.fallbackText);
    return withBlocks ? { ...base, text: t, blocks: sectionBlocks(t) } : { ...base, text: t };
  };
  const fits = (b: SlackBody): boolean => slackProblems(b as unknown as Record<string, unknown>, limit).length === 0;
  const body =
    shortenUntrusted((cap) => build(renderText(ctx.template, ctx.vars, dialect, cap)), fits) ??
    cutWholeText(renderText(ctx.template, ctx.vars, dialect), build, fits);
  if (!ticketId) return body;
  // Added once the text fits: these blocks hold no text the limits count.
  const interactive = slackTicketBlocks(ticketId, ticketButtonWords(ctx.say), openTicket);
  return { ...body, blocks: [...(body.blocks ?? []).slice(0, SLACK.blocks - interactive.length), ...interactive] };
}

export function formatSlackLike(style: SlackStyle, ctx: SlackLikeContext): Formatted {
  const body = slackBody(style, ctx);
  return { body: body as unknown as Record<string, unknown>, text: renderText(ctx.template, ctx.vars, plainDialect) || ctx.fallbackText };
}
