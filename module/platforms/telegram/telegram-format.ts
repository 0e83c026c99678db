/**
 * Telegram Bot API `sendMessage`: `{chat_id, text, parse_mode}`. HTML mode escapes `&`, `<`, `>`
 * and spells bold `<b>…</b>`; MarkdownV2 escapes every one of its special characters
 * (`_*[]()~\`>#+-=|{}.!` and `\`). When even the template alone is over 4096 characters, the
 * message is sent as plain text (no parse_mode) cut to the limit, because cutting marked-up text
 * could leave an unclosed tag.
 */
import { cutWholeText, shortenUntrusted } from '../../text/fit-to-limit.js';
import type { FormatContext, Formatted } from '../format-context.js';
import type { TelegramOptions } from './telegram-options.js';
import { telegramProblems } from '../limits.js';
import { boldAround, plainDialect } from '../../text/plain-dialect.js';
import { shortcodesToUnicode } from '../../text/emoji.js';
import { renderText, type Dialect } from '../../text/template.js';
import { truncate } from '../../text/untrusted-text.js';

export const escapeTelegramHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const escapeMarkdownV2 = (text: string): string => text.replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');

const htmlDialect: Dialect = {
  literal: (text) => escapeTelegramHtml(shortcodesToUnicode(text)),
  value: (v, cap) => escapeTelegramHtml(v.untrusted ? truncate(v.untrusted.plain, cap) : v.text),
  bold: (inner) => `<b>${inner}</b>`,
};

const markdownV2Dialect: Dialect = {
  literal: (text) => escapeMarkdownV2(shortcodesToUnicode(text)),
  value: (v, cap) => escapeMarkdownV2(v.untrusted ? truncate(v.untrusted.plain, cap) : v.text),
  bold: (inner) => boldAround(inner, '*'),
};

export function formatTelegram(ctx: FormatContext<TelegramOptions>): Formatted {
  const parseMode = ctx.options.telegramParseMode === 'MarkdownV2' ? 'MarkdownV2' : 'HTML';
  const dialect = parseMode === 'HTML' ? htmlDialect : markdownV2Dialect;
  const chat = ctx.options.telegramChatId ? { chat_id: ctx.options.telegramChatId } : {};
  const escapeFallback = parseMode === 'HTML' ? escapeTelegramHtml : escapeMarkdownV2;
  const fits = (b: Record<string, unknown>) => telegramProblems(b).length === 0;
  const plainText = renderText(ctx.template, ctx.vars, plainDialect) || ctx.fallbackText;
  const marked = shortenUntrusted(
    (cap) => ({
      ...chat,
      text: renderText(ctx.template, ctx.vars, dialect, cap) || escapeFallback(ctx.fallbackText),
      parse_mode: parseMode,
    }),
    fits,
  );
  const body = marked ?? cutWholeText(plainText, (text) => ({ ...chat, text: text || ctx.fallbackText }), fits);
  return { body, text: plainText };
}
