/**
 * `%var%` templates: compiled once per template string (cached), rendered through a platform
 * dialect that escapes literal text and values and spells bold its own way.
 *
 * Rules, applied the same on every platform:
 *  - `%name%` is replaced when the event has that variable; otherwise it stays as written.
 *  - `**` markers pair up left to right within a line; an odd last marker stays literal text.
 *  - A bold span whose content renders empty or blank loses its markers (no `** **`).
 *  - A line holding at least one known variable, all of which render empty, is removed whole
 *    (`:envelope: **Commentaire :** %comment%` disappears when there is no comment).
 *    Lines without variables are kept as written; leading and trailing blank lines are trimmed.
 */
import type { VarValue, Variables } from './var-value.js';

type Token = { kind: 'text'; text: string } | { kind: 'var'; name: string } | { kind: 'bold' };

interface CompiledLine {
  tokens: Token[];
  varNames: string[];
  /** `[prefix]**Label**rest` lines: index of the opening and closing bold tokens. */
  field: { open: number; close: number } | null;
}

export interface CompiledTemplate {
  source: string;
  lines: CompiledLine[];
}

export interface Dialect {
  /** Escapes or converts template text written by the admin. */
  literal(text: string): string;
  /** Renders one variable; untrusted values are first cut to `cap` units. */
  value(value: VarValue, cap: number): string;
  /** Wraps a non-blank bold span. */
  bold(inner: string): string;
  /** Post-processes a rendered line (Slack: restores the admin's `<link|label>` tokens that hold variables). */
  finish?(line: string): string;
}

export interface RenderedLine {
  text: string;
  /** Set for `[prefix]**Label :** value` lines with a non-empty value (embed fields). */
  field: { name: string; value: string } | null;
}

const variablePattern = /%([A-Za-z_][A-Za-z0-9_]*)%/g;
const FIELD_PREFIX_MAX = 40;

function compileLine(line: string): CompiledLine {
  const parts: Token[] = [];
  let last = 0;
  for (const m of line.matchAll(variablePattern)) {
    if (m.index > last) parts.push({ kind: 'text', text: line.slice(last, m.index) });
    parts.push({ kind: 'var', name: m[1] });
    last = m.index + m[0].length;
  }
  if (last < line.length) parts.push({ kind: 'text', text: line.slice(last) });

  // Count the ** markers in the text parts; only an even number of them become bold tokens.
  let markers = 0;
  for (const p of parts) if (p.kind === 'text') markers += p.text.split('**').length - 1;
  let usable = markers - (markers % 2);
  const tokens: Token[] = [];
  for (const p of parts) {
    if (p.kind !== 'text' || usable === 0) {
      tokens.push(p);
      continue;
    }
    const pieces = p.text.split('**');
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (usable > 0) {
          tokens.push({ kind: 'bold' });
          usable -= 1;
        } else {
          tokens.push({ kind: 'text', text: '**' });
        }
      }
      if (piece) tokens.push({ kind: 'text', text: piece });
    });
  }
  const merged: Token[] = [];
  for (const t of tokens) {
    const prev = merged[merged.length - 1];
    if (t.kind === 'text' && prev?.kind === 'text') prev.text += t.text;
    else merged.push(t);
  }
  return { tokens: merged, varNames: merged.flatMap((t) => (t.kind === 'var' ? [t.name] : [])), field: findField(merged) };
}

function findField(tokens: Token[]): CompiledLine['field'] {
  const open = tokens.findIndex((t) => t.kind === 'bold');
  if (open < 0 || open > 1) return null;
  if (open === 1 && (tokens[0].kind !== 'text' || tokens[0].text.length > FIELD_PREFIX_MAX)) return null;
  const close = tokens.findIndex((t, i) => i > open && t.kind === 'bold');
  if (close < 0 || close === tokens.length - 1) return null;
  return { open, close };
}

const cache = new Map<string, CompiledTemplate>();
const CACHE_MAX = 500;

/** Compiles `source` once; later calls with the same string reuse the result. */
export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled: CompiledTemplate = { source, lines: source.replace(/\r\n?/g, '\n').split('\n').map(compileLine) };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** How many templates are cached (tests check that compiling is done once). */
export const compiledCacheSize = (): number => cache.size;

function renderTokens(tokens: Token[], vars: Variables, dialect: Dialect, cap: number): string {
  let out = '';
  let inner: string | null = null;
  for (const t of tokens) {
    if (t.kind === 'bold') {
      if (inner === null) inner = '';
      else {
        out += inner.trim() ? dialect.bold(inner) : inner;
        inner = null;
      }
      continue;
    }
    let piece: string;
    if (t.kind === 'text') piece = dialect.literal(t.text);
    else {
      const v = Object.prototype.hasOwnProperty.call(vars, t.name) ? vars[t.name] : undefined;
      piece = v ? dialect.value(v, cap) : dialect.literal(`%${t.name}%`);
    }
    if (inner === null) out += piece;
    else inner += piece;
  }
  return out + (inner ?? '');
}

function isDropped(line: CompiledLine, vars: Variables): boolean {
  const known = line.varNames.filter((n) => Object.prototype.hasOwnProperty.call(vars, n));
  return known.length > 0 && known.length === line.varNames.length && known.every((n) => vars[n].text.trim() === '');
}

const stripBoldEnds = (s: string): string =>
  s
    .trim()
    .replace(/\s*:\s*$/, '')
    .trim();

/** Renders line by line (dropped lines omitted, blank lines at both ends trimmed). */
export function renderLines(template: CompiledTemplate, vars: Variables, dialect: Dialect, cap = Infinity): RenderedLine[] {
  const out: RenderedLine[] = [];
  for (const line of template.lines) {
    if (isDropped(line, vars)) continue;
    const finish = dialect.finish ?? ((x: string) => x);
    const text = finish(renderTokens(line.tokens, vars, dialect, cap));
    let field: RenderedLine['field'] = null;
    if (line.field) {
      const { open, close } = line.field;
      const name = stripBoldEnds(
        finish(
          renderTokens(line.tokens.slice(0, open), vars, dialect, cap) +
            renderTokens(line.tokens.slice(open + 1, close), vars, dialect, cap),
        ),
      );
      const value = finish(renderTokens(line.tokens.slice(close + 1), vars, dialect, cap))
        .trim()
        .replace(/^:\s*/, '')
        .trim();
      if (name && value) field = { name, value };
    }
    out.push({ text, field });
  }
  while (out.length && !out[0].text.trim()) out.shift();
  while (out.length && !out[out.length - 1].text.trim()) out.pop();
  return out;
}

/** The whole rendered text, lines joined with `\n`. */
export function renderText(template: CompiledTemplate, vars: Variables, dialect: Dialect, cap = Infinity): string {
  return renderLines(template, vars, dialect, cap)
    .map((l) => l.text.trimEnd())
    .join('\n');
}
