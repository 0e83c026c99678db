/**
 * Text written by customers (ticket subject and content, order comment, names): converted from
 * HTML to Markdown, mentions neutralised, and cut to a length. Pure, and linear in the input.
 *
 * Every untrusted value exists in two forms:
 *  - `markdown`: for Markdown platforms (Discord, Mattermost, Rocket.Chat). HTML goes through
 *    the bounded converter (html-to-markdown.ts); plain text has its Markdown characters
 *    backslash-escaped so a customer cannot format the admin's message.
 *  - `plain`: for platforms whose escaping is done by the formatter (Slack, Teams, Telegram, JSON).
 */
import { htmlToMarkdown, htmlToPlainText } from './html-to-markdown.js';

/** Raw input is cut to this many UTF-16 units before conversion: no platform shows more (Slack 40 000). */
export const RAW_INPUT_CAP = 40_000;
export const ELLIPSIS = '…';
const ZWSP = '\u200B';

/** The words that ping everyone after an `@` (Discord, Slack, Mattermost, Rocket.Chat): one list for every check below. */
const MENTION_WORDS = 'everyone|here|channel|all';
/** `@here` where a word starts (`jean@here.fr` is an address): the whole mention, and one a cut left at the end. */
const AT_MENTION = new RegExp(String.raw`(?<![\p{L}\p{N}_])@(${MENTION_WORDS})(?![\p{L}\p{N}_])`, 'giu');
const AT_MENTION_AT_END = new RegExp(String.raw`(?<![\p{L}\p{N}_])@(${MENTION_WORDS})$`, 'iu');
const MENTION_WORD_AT_START = new RegExp(String.raw`^(${MENTION_WORDS})(?![\p{L}\p{N}_])`, 'iu');

/** True when the text holds an HTML tag or entity (ticket editors send HTML). */
export function looksLikeHtml(text: string): boolean {
  return /<\/?[a-z][a-z0-9-]*(\s[^<>]*)?\/?>/i.test(text) || /&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,10});/i.test(text);
}

/**
 * Breaks every mention syntax with a zero-width space, so nothing in the text can ping:
 * `@everyone`, `@here`, `@channel`, `@all` (Discord, Slack, Mattermost, Rocket.Chat) and
 * `<@123>`, `<@!123>`, `<@&123>`, `<#123>`, `<!channel>`, `<!here>`, `<!everyone>`, `<at>`.
 * Only at word boundaries, as the platforms parse them: `jean@allo.fr` and `@allo` are no
 * mention and stay byte-identical. Links are never passed through here.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(AT_MENTION, `@${ZWSP}$1`).replace(/<(?=[@#!]|at>|at\s)/gi, `<${ZWSP}`);
}

/**
 * Customer text also gets a zero-width space after a final `@` or `<` and before a leading mention
 * word, so two values rendered side by side (`%user%%subject%` with "x @" and "here") cannot form
 * a mention either.
 */
export function neutralizeCustomerText(text: string): string {
  return neutralizeMentions(text).replace(MENTION_WORD_AT_START, `${ZWSP}$1`).replace(/[@<]$/, `$&${ZWSP}`);
}

/**
 * Backslash-escapes Discord/CommonMark formatting characters in plain text. A line's leading
 * space is matched within the line (`[^\S\n]*`): `\s*` there spanned line breaks and made 40 000
 * newlines cost over a second.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\*_~`|[\]])/g, '\\$1')
    .replace(/^([^\S\n]*)([>#-]|\d+\.)/gm, (_w, space: string, mark: string) => `${space}\\${mark}`);
}

/** Removes the backslash escapes turndown adds, for the plain form. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!>~|=])/g, '$1');
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * Shortens to at most `max` units, ending with an ellipsis when something was cut. Never leaves
 * a dangling escape (`\`), a half HTML/Slack entity (`&am`) or an unclosed `<...` behind, nor a
 * mention the cut made: `@here𐀀` is no mention, but cut after `here` it would be one.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let cut = cutUnits(text, max - 1);
  cut = cut.replace(/&[#a-z0-9]{0,10}$/i, '').replace(/<[^<>]{0,200}$/, '');
  while (cut.endsWith('\\')) cut = cut.slice(0, -1);
  cut = cut.trimEnd().replace(AT_MENTION_AT_END, `@${ZWSP}$1`);
  return cut + ELLIPSIS;
}

export interface UntrustedForms {
  markdown: string;
  plain: string;
}

/**
 * Converts one HTML value to Markdown, or returns null when it could not (refused, or not within
 * its time budget): the value is then sent as escaped plain text, never dropped.
 */
export type HtmlConversion = (html: string) => string | null;

/** Converts on the calling thread (bounded: see html-to-markdown.ts). Previews and tests. */
export const convertHere: HtmlConversion = (html) => {
  try {
    return htmlToMarkdown(html);
  } catch {
    return null;
  }
};

/**
 * Both forms of a one-line customer value (a name, an e-mail, a subject): plain text whatever it
 * holds. HTML gives its visible text (an `<a href>` name is its words, never a link), line breaks
 * become spaces, and Markdown characters are escaped in the Markdown form (a `[label](url)` shows
 * as typed). A bare URL stays as typed: clients may show it as a link, as they do in any text.
 */
export function untrustedLineForms(raw: string): UntrustedForms {
  const input = cutUnits(raw, RAW_INPUT_CAP);
  const text = (looksLikeHtml(input) ? htmlToPlainText(input) : input).replace(/\s+/g, ' ').trim();
  return { markdown: neutralizeCustomerText(escapeMarkdown(text)), plain: neutralizeCustomerText(text) };
}

/** Both forms of an untrusted value, mentions neutralised, whitespace at the ends trimmed. */
export function untrustedForms(raw: string, convert: HtmlConversion = convertHere): UntrustedForms {
  // Cut before normalising line breaks: the replace then runs on 80 000 units, not on 1 MB.
  const input = cutUnits(cutUnits(raw, 2 * RAW_INPUT_CAP).replace(/\r\n?/g, '\n'), RAW_INPUT_CAP);
  if (looksLikeHtml(input)) {
    const converted = convert(input);
    if (converted !== null) {
      const md = converted.trim();
      return { markdown: neutralizeCustomerText(md), plain: neutralizeCustomerText(unescapeMarkdown(md)) };
    }
    // No Markdown in time: the visible text, escaped like any plain text.
    const text = htmlToPlainText(input);
    return { markdown: neutralizeCustomerText(escapeMarkdown(text)), plain: neutralizeCustomerText(text) };
  }
  const plain = input.trim();
  return { markdown: neutralizeCustomerText(escapeMarkdown(plain)), plain: neutralizeCustomerText(plain) };
}
