/** The dialect of plain text (JSON payloads, previews, Telegram's fallback): no markup at all. */
import { shortcodesToUnicode } from './emoji.js';
import type { Dialect } from './template.js';
import { truncate } from './untrusted-text.js';

export const plainDialect: Dialect = {
  literal: (text) => shortcodesToUnicode(text),
  value: (v, cap) => (v.untrusted ? truncate(v.untrusted.plain, cap) : v.text),
  bold: (inner) => inner,
};

/** Splits `inner` into leading space, core and trailing space, for platforms whose markers must touch the text. */
export function boldAround(inner: string, open: string, close = open): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [lead, core, trail] = m ? [m[1], m[2], m[3]] : ['', inner, ''];
  return core ? `${lead}${open}${core}${close}${trail}` : inner;
}
