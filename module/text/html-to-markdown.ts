/**
 * Customer HTML to Markdown, in time linear in the input. turndown (and the HTML parser under
 * it) is super-linear on deep nesting: 6000 nested `<b>` took 3 s, 4000 `<div>` 4 s. So the HTML
 * is first rewritten by one linear scan (`prepareHtml`) into a small, well-formed subset:
 *  - at most `HTML_CONVERT_CAP` units are kept (Discord shows 4096 at most), closing tags added,
 *    nothing left open;
 *  - at most `MAX_NESTING` elements deep: deeper tags are dropped, their text kept;
 *  - only the tags turndown has a rule for are kept (headings, paragraphs, lists, quotes, code,
 *    links, images, bold, italic, breaks); other blocks (div, section, table rows, …) become
 *    `div`, table cells are separated by ` | `, every other tag is dropped with its text kept;
 *  - scripts, styles, frames, SVG and MathML are dropped with their content, comments too;
 *  - attributes: only `href`/`title` (links, http, https or mailto) and `src`/`alt`/`title`
 *    (images), each at most `ATTRIBUTE_CAP` units, else dropped;
 *  - implicitly closed elements (`<li>a<li>b`, `<tr>`, `<p>`, `<dt>`, `<dd>`) are closed
 *    where the HTML parser would close them, so long lists do not count as nesting.
 * The same scan gives the plain-text form (`htmlToPlainText`) used when a conversion cannot be
 * had in time. Pure; no IO.
 */
import TurndownService from 'turndown';

/**
 * Units of (rewritten) HTML given to turndown: twice Discord's longest text (4096) plus room for
 * the markup, more than Rocket.Chat (5000) and Telegram (4096) show.
 */
export const HTML_CONVERT_CAP = 10_000;
/** Elements open at once; deeper tags are dropped, their text kept. */
export const MAX_NESTING = 20;
/** Longest attribute value kept (a longer `href` is dropped, the link text kept). */
export const ATTRIBUTE_CAP = 2048;

const KEPT = new Set([
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'ul',
  'ol',
  'li',
  'pre',
  'code',
  'a',
  'img',
  'strong',
  'b',
  'em',
  'i',
  'br',
  'hr',
]);
const VOID = new Set(['br', 'hr', 'img', 'wbr', 'area', 'base', 'col', 'embed', 'input', 'link', 'meta', 'param', 'source', 'track']);
/** Block elements turndown has no rule for: written as `div` (same Markdown: a paragraph). */
const AS_DIV = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'main',
  'aside',
  'figure',
  'figcaption',
  'address',
  'center',
  'details',
  'summary',
  'fieldset',
  'form',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'dl',
  'dt',
  'dd',
  'body',
  'html',
]);
const CELLS = new Set(['td', 'th']);
/** Dropped with everything inside them. */
const DROPPED = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'noscript',
  'template',
  'head',
  'title',
  'svg',
  'math',
  'textarea',
  'select',
]);
/** Opening `key` closes an open element of `closes`, searching the stack down to a `stop` element. */
const IMPLICIT: Record<string, { closes: Set<string>; stop: Set<string> }> = {
  li: { closes: new Set(['li']), stop: new Set(['ul', 'ol']) },
  tr: { closes: new Set(['tr']), stop: new Set(['table', 'thead', 'tbody', 'tfoot']) },
  thead: { closes: new Set(['thead', 'tbody', 'tfoot', 'tr']), stop: new Set(['table']) },
  tbody: { closes: new Set(['thead', 'tbody', 'tfoot', 'tr']), stop: new Set(['table']) },
  tfoot: { closes: new Set(['thead', 'tbody', 'tfoot', 'tr']), stop: new Set(['table']) },
  dt: { closes: new Set(['dt', 'dd']), stop: new Set(['dl']) },
  dd: { closes: new Set(['dt', 'dd']), stop: new Set(['dl']) },
  p: { closes: new Set(['p']), stop: new Set(['div', 'li', 'blockquote', 'table', 'tr', 'section', 'article', 'dd', 'dt', 'pre']) },
};
const BLOCK_CLOSES_P = new Set([
  'div',
  'ul',
  'ol',
  'blockquote',
  'pre',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'section',
  'article',
  'dl',
]);
const ROW = new Set(['tr']);
const TABLE = new Set(['table']);
const LINK = new Set(['a']);
const PARAGRAPH = new Set(['p']);
const NONE = new Set<string>();
const BOLD = new Set(['b', 'strong']);
const ITALIC = new Set(['i', 'em']);
const REDUNDANT: Record<string, Set<string>> = { a: LINK, b: BOLD, strong: BOLD, i: ITALIC, em: ITALIC, code: new Set(['code']) };
const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = { a: ['href', 'title'], img: ['src', 'alt', 'title'] };
const URL_ATTRIBUTES = new Set(['href', 'src']);

interface Open {
  /** Name in the source (li, p, tr, …). */
  name: string;
  /** Name written out (div for p, tr, …). */
  out: string;
  /** Cells already opened in this row (tr only). */
  cells: number;
}

/** What the scan writes to: the rewritten HTML, or plain text. */
interface Sink {
  text(raw: string): void;
  /** False when there is no room left for it (the scan then ends). */
  open(name: string, attributes: string): boolean;
  close(name: string): void;
  /** A cell after the first of a row. */
  cellSeparator(): void;
  full(): boolean;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 58;

function escapeAttribute(value: string): string {
  return value
    .replace(/&(?![#a-zA-Z0-9]{1,32};)/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** The wanted attributes of a tag's inside (`s` after the name), rewritten; one pass. */
function readAttributes(tag: string, s: string): string {
  const wanted = ALLOWED_ATTRIBUTES[tag];
  if (!wanted) return '';
  let out = '';
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (isSpace(s.charCodeAt(i)) || s[i] === '/')) i++;
    const start = i;
    while (i < s.length && !isSpace(s.charCodeAt(i)) && s[i] !== '=' && s[i] !== '/') i++;
    const name = s.slice(start, i).toLowerCase();
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    let value: string | null = null;
    if (s[i] === '=') {
      i++;
      while (i < s.length && isSpace(s.charCodeAt(i))) i++;
      const quote = s[i];
      if (quote === '"' || quote === "'") {
        const end = s.indexOf(quote, i + 1);
        const stop = end < 0 ? s.length : end;
        value = s.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const vs = i;
        while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
        value = s.slice(vs, i);
      }
    }
    if (i === start) i++; // a lone '=' or '/': step over it
    if (!name || value === null || !wanted.includes(name) || value.length > ATTRIBUTE_CAP) continue;
    if (URL_ATTRIBUTES.has(name) && !/^\s*(https?:|mailto:)/i.test(value)) continue;
    out += ` ${name}="${escapeAttribute(value.trim())}"`;
  }
  return out;
}

/**
 * One pass over `html`: tags are found by the next `>` (a quoted `>` inside an attribute ends the
 * tag early; the rest reads as text), every search starts where the previous one stopped.
 */
function scan(html: string, sink: Sink): void {
  const stack: Open[] = [];
  let dropping: string | null = null;
  let dropDepth = 0;
  let nextGt = -1;

  const closeDownTo = (index: number) => {
    while (stack.length > index) {
      sink.close(stack.pop()!.out);
    }
  };
  const find = (names: Set<string>, stop: Set<string>): number => {
    for (let k = stack.length - 1; k >= 0; k--) {
      if (names.has(stack[k].name)) return k;
      if (stop.has(stack[k].name)) return -1;
    }
    return -1;
  };
  const openTag = (name: string, attributes: string) => {
    const implicit = IMPLICIT[name];
    if (implicit) {
      const k = find(implicit.closes, implicit.stop);
      if (k >= 0) closeDownTo(k);
    }
    if (BLOCK_CLOSES_P.has(name)) {
      const k = find(PARAGRAPH, IMPLICIT.p.stop);
      if (k >= 0) closeDownTo(k);
    }
    if (CELLS.has(name)) {
      const row = find(ROW, TABLE);
      if (row >= 0 && stack[row].cells++ > 0) sink.cellSeparator();
      return;
    }
    // A link in a link, bold in bold, …: adds nothing but depth.
    const same = REDUNDANT[name];
    if (same && find(same, NONE) >= 0) return;
    const out = KEPT.has(name) ? name : AS_DIV.has(name) ? 'div' : null;
    // Any other tag is dropped, its text kept; so is any tag deeper than MAX_NESTING (its
    // closing tag then finds nothing open of its name and is ignored).
    if (!out) return;
    if (VOID.has(name)) {
      sink.open(out, readAttributes(name, attributes));
      return;
    }
    if (stack.length >= MAX_NESTING) return;
    if (sink.open(out, readAttributes(name, attributes))) stack.push({ name, out, cells: 0 });
  };
  const closeTag = (name: string) => {
    for (let k = stack.length - 1; k >= 0; k--) {
      if (stack[k].name === name) {
        closeDownTo(k);
        return;
      }
    }
  };

  let i = 0;
  const n = html.length;
  while (i < n && !sink.full()) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      if (!dropping) sink.text(html.slice(i));
      break;
    }
    if (lt > i && !dropping) sink.text(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (nextGt <= lt) nextGt = html.indexOf('>', lt + 1);
    if (nextGt < 0) nextGt = n;
    const c = html.charCodeAt(lt + 1);
    const closing = c === 47; // '/'
    const nameAt = closing ? lt + 2 : lt + 1;
    if (!isNameStart(html.charCodeAt(nameAt))) {
      if (c === 33 || c === 63 || (closing && nameAt < n)) {
        // <!doctype …>, <?…>, </ …>: bogus comments, dropped up to the next '>'.
        i = nextGt + 1;
        continue;
      }
      if (!dropping) sink.text('<');
      i = lt + 1;
      continue;
    }
    let e = nameAt;
    while (e < n && isNameChar(html.charCodeAt(e))) e++;
    const name = html.slice(nameAt, e).toLowerCase();
    const inside = html.slice(e, Math.min(nextGt, n));
    i = nextGt + 1;
    if (dropping) {
      if (name === dropping) dropDepth += closing ? -1 : 1;
      if (dropDepth === 0) dropping = null;
      continue;
    }
    if (DROPPED.has(name)) {
      if (!closing && !inside.trimEnd().endsWith('/')) {
        dropping = name;
        dropDepth = 1;
      }
      continue;
    }
    if (closing) closeTag(name);
    else openTag(name, inside);
  }
  closeDownTo(0);
}

/** Where to cut text so no entity is split (`&am`) nor a surrogate pair. */
function cutText(text: string, room: number): string {
  if (text.length <= room) return text;
  let cut = text.slice(0, Math.max(0, room));
  const code = cut.charCodeAt(cut.length - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut = cut.slice(0, -1);
  return cut.replace(/&[#a-zA-Z0-9]{0,32}$/, '');
}

/** The HTML rewritten into the bounded subset turndown converts quickly (see the file comment). */
export function prepareHtml(html: string, cap = HTML_CONVERT_CAP): string {
  const parts: string[] = [];
  let size = 0;
  // Room kept for the closing tags of what is open when the cap is reached.
  const room = () => cap - size - MAX_NESTING * 13;
  const push = (s: string) => {
    parts.push(s);
    size += s.length;
  };
  scan(html, {
    text(raw) {
      const t = cutText(raw, room());
      // A '>' in text is harmless; a '<' here did not start a tag.
      if (t) push(t);
      if (t.length < raw.length) size = cap;
    },
    open(name, attributes) {
      if (room() > name.length + attributes.length + 2) {
        push(`<${name}${attributes}>`);
        return true;
      }
      size = cap;
      return false;
    },
    close(name) {
      push(`</${name}>`);
    },
    cellSeparator() {
      if (room() > 3) push(' | ');
    },
    full: () => size >= cap,
  });
  return parts.join('');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0', '#39': "'" };

/** Decodes numeric entities and the common named ones; others stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const BREAKS = new Set(['div', 'li', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol']);

/**
 * The visible text of `html`, without any markup, within `cap` units: what is sent when the
 * Markdown conversion could not be had in time. Blocks and breaks become line breaks.
 */
export function htmlToPlainText(html: string, cap = HTML_CONVERT_CAP): string {
  const parts: string[] = [];
  let size = 0;
  const push = (s: string) => {
    parts.push(s);
    size += s.length;
  };
  let last = '\n';
  const brk = () => {
    if (last !== '\n') push('\n');
    last = '\n';
  };
  scan(html, {
    text(raw) {
      const t = decodeEntities(cutText(raw.replace(/\s+/g, ' '), cap - size));
      if (!t) return;
      push(t);
      last = t[t.length - 1];
    },
    open(name) {
      if (BREAKS.has(name)) brk();
      return true;
    },
    close(name) {
      if (BREAKS.has(name)) brk();
    },
    cellSeparator: () => push(' | '),
    full: () => size >= cap,
  });
  return parts
    .join('')
    .replace(/[ \t]*\n[ \t]*/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function createTurndown(): TurndownService {
  const service = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', br: '' });
  // Kept as a second line of defence; prepareHtml already drops these with their content.
  service.remove(['script', 'style', 'iframe', 'object', 'embed', 'noscript', 'template', 'head', 'title']);
  return service;
}

let turndown: TurndownService | null = null;

/**
 * Markdown of customer HTML, bounded: at most `HTML_CONVERT_CAP` units of rewritten HTML, at
 * most `MAX_NESTING` deep. Throws only if turndown does (the caller falls back to plain text).
 */
export function htmlToMarkdown(html: string): string {
  turndown ??= createTurndown();
  return turndown.turndown(prepareHtml(html));
}
