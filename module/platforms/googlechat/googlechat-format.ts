/**
 * Google Chat incoming webhooks (`spaces.messages.create`): the `Message` body of the Chat API
 * discovery document. `text` uses Chat's own markup (`*bold*`, `_italic_`, `<url|label>` links,
 * `<users/all>` mentions); a customer value can never open such a token: each `<` in a value is
 * followed by a zero-width space, so `<users/all>` or `<https://evil.example|Reset>` typed by a
 * customer shows as typed and notifies or links nothing. A ticket's events share one thread,
 * keyed by the ticket (`thread.threadKey`, with `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`
 * in the query; the query's own `threadKey` is deprecated). With the card option, a `cardsV2`
 * card carries the event's name and an Open button.
 */
import { definitionOf } from '../../events/index.js';
import { shortcodesToUnicode } from '../../text/emoji.js';
import { cutWholeText, shortenUntrusted } from '../../text/fit-to-limit.js';
import { linkHref } from '../../text/link-href.js';
import { boldAround, plainDialect } from '../../text/plain-dialect.js';
import { renderText, type Dialect } from '../../text/template.js';
import { cutUnits, truncate } from '../../text/untrusted-text.js';
import type { FormatContext, Formatted } from '../format-context.js';
import type { GoogleChatOptions } from './googlechat-options.js';
import { GOOGLE_CHAT, googleChatProblems } from './googlechat-limits.js';

/** A customer's `<` never starts a Chat token (`<users/all>`, `<url|label>`). */
const defuse = (text: string): string => text.replace(/</g, '<\u200B');

export const googleChatDialect: Dialect = {
  literal: shortcodesToUnicode,
  value: (v, cap) => (v.untrusted ? defuse(truncate(v.untrusted.plain, cap)) : defuse(v.text)),
  bold: (inner) => boldAround(inner, '*'),
};

/** Replies and the close of one ticket go into the thread its submit opened. */
export const REPLY_OPTION = 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD';

/** The thread key of a ticket's events, or null for events of no ticket. */
export function ticketThreadKey(ctx: FormatContext): string | null {
  if (definitionOf(ctx.event).family !== 'ticket') return null;
  const id = ctx.vars.id?.text;
  return id ? cutUnits(`ticket-${id}`, GOOGLE_CHAT.threadKey) : null;
}

function card(ctx: FormatContext<GoogleChatOptions>): Record<string, unknown> {
  const url = linkHref(ctx.vars.url?.text);
  const card: Record<string, unknown> = { header: { title: ctx.fallbackText } };
  if (url)
    card.sections = [
      { widgets: [{ buttonList: { buttons: [{ text: ctx.say('rendering.open_link'), onClick: { openLink: { url } } }] } }] },
    ];
  return { cardId: 'event', card };
}

export function formatGoogleChat(ctx: FormatContext<GoogleChatOptions>): Formatted {
  const threadKey = ticketThreadKey(ctx);
  const extra: Record<string, unknown> = {};
  if (threadKey) extra.thread = { threadKey };
  if (ctx.options.googleChatCard) extra.cardsV2 = [card(ctx)];
  const build = (text: string): Record<string, unknown> => ({ text: text || ctx.fallbackText, ...extra });
  const fits = (b: Record<string, unknown>) => googleChatProblems(b).length === 0;
  const body =
    shortenUntrusted((cap) => build(renderText(ctx.template, ctx.vars, googleChatDialect, cap)), fits) ??
    cutWholeText(renderText(ctx.template, ctx.vars, googleChatDialect), build, fits);
  return {
    body,
    text: renderText(ctx.template, ctx.vars, plainDialect) || ctx.fallbackText,
    ...(threadKey ? { query: { messageReplyOption: REPLY_OPTION } } : {}),
  };
}
