/**
 * Microsoft Teams Workflows (and connector) webhooks: an Adaptive Card in the message envelope.
 * One TextBlock per line (TextBlock Markdown ignores single line breaks); the first line is the
 * card's heading; the event's link becomes an "Open" button. Shortcodes become Unicode.
 * TextBlock text is Markdown (links, bold, lists), so customer text goes in its escaped Markdown
 * form, as on Discord: a subject written `[Reset your password](https://evil.example)` is shown
 * as typed, never as a live link.
 */
import { cutWholeText, shortenUntrusted } from '../../text/fit-to-limit.js';
import type { FormatContext, Formatted } from '../format-context.js';
import { linkHref } from '../../text/link-href.js';
import { teamsProblems } from '../limits.js';
import { boldAround, plainDialect } from '../../text/plain-dialect.js';
import { shortcodesToUnicode } from '../../text/emoji.js';
import { renderText, type Dialect } from '../../text/template.js';
import { truncate } from '../../text/untrusted-text.js';

export const teamsDialect: Dialect = {
  literal: shortcodesToUnicode,
  value: (v, cap) => (v.untrusted ? truncate(v.untrusted.markdown, cap) : v.text),
  bold: (inner) => boldAround(inner, '**'),
};

interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Medium';
  spacing?: 'None' | 'Medium';
}

export function adaptiveCardMessage(text: string, url: string | undefined, openLabel: string): Record<string, unknown> {
  const blocks: TextBlock[] = [];
  let gap = false;
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) {
      gap = true;
      return;
    }
    const block: TextBlock = { type: 'TextBlock', text: line, wrap: true };
    if (i === 0) Object.assign(block, { weight: 'Bolder', size: 'Medium' });
    else block.spacing = gap ? 'Medium' : 'None';
    gap = false;
    blocks.push(block);
  });
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: blocks,
    msteams: { width: 'Full' },
  };
  if (url) content.actions = [{ type: 'Action.OpenUrl', title: openLabel, url }];
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

export function formatTeams(ctx: FormatContext): Formatted {
  const url = linkHref(ctx.vars.url?.text);
  const open = ctx.say('rendering.open_link');
  const build = (text: string) => adaptiveCardMessage(text || ctx.fallbackText, url, open);
  const fits = (b: Record<string, unknown>) => teamsProblems(b).length === 0;
  const body =
    shortenUntrusted((cap) => build(renderText(ctx.template, ctx.vars, teamsDialect, cap)), fits) ??
    cutWholeText(renderText(ctx.template, ctx.vars, teamsDialect), build, fits);
  return { body, text: renderText(ctx.template, ctx.vars, plainDialect) || ctx.fallbackText };
}
