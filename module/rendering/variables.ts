/**
 * The `%variables%` of each event, computed from a validated payload. Pure: the locale and time
 * zone come from the caller. Untrusted values (customer text) carry both rendering forms and are
 * the first thing shortened when a message is too long.
 */
import type { EventMap, EventName } from '../../sdk/events.js';
import { definitionOf, knownEventNames, type ValueFormat } from '../events/index.js';
import type { Locale } from '../../sdk/module-context.js';
import { label } from './labels.js';
import { convertHere, neutralizeMentions, untrustedForms, untrustedLineForms, type HtmlConversion } from '../text/untrusted-text.js';

export type { VarValue, Variables } from '../text/var-value.js';
import type { VarValue, Variables } from '../text/var-value.js';

export interface VariableInfo {
  name: string;
  description: string;
}

/** Canonical names of `event`, in the order the settings page lists them (its definition's). */
export function variableNames(event: EventName): string[] {
  return definitionOf(event)
    .variables.filter((v) => !v.legacy)
    .map((v) => v.name);
}

/** Aliases of `event` (alias -> the variable it stands for; a legacy name such as `email` is its own variable). */
export function aliasesOf(event: EventName): Record<string, string> {
  const def = definitionOf(event);
  const legacy = Object.fromEntries(def.variables.filter((v) => v.legacy).map((v) => [v.name, v.name]));
  return { ...def.aliases, ...legacy };
}

/** Every name a template of `event` may use. */
export function allNames(event: EventName): string[] {
  return [...variableNames(event), ...Object.keys(aliasesOf(event))];
}

/**
 * Values the host vouches for (ids, amounts, labels such as a department name): not escaped, but
 * a mention written in one still cannot ping (word boundaries only, so normal text is unchanged).
 */
const trusted = (text: string): VarValue => ({ text: neutralizeMentions(text), untrusted: null });
/** Links (the ticket's, the invoice's): sent byte-identical, the WHATWG href the event carries. */
const link = (text: string): VarValue => ({ text, untrusted: null });
const untrustedWith =
  (convert: HtmlConversion) =>
  (raw: string | null | undefined): VarValue => {
    if (!raw) return { text: '', untrusted: null };
    const forms = untrustedForms(raw, convert);
    return forms.plain ? { text: forms.plain, untrusted: forms } : { text: '', untrusted: null };
  };

/** A one-line customer value: plain text on every platform (untrusted-text.ts). */
function untrustedLine(raw: string | null | undefined): VarValue {
  if (!raw) return { text: '', untrusted: null };
  const forms = untrustedLineForms(raw);
  return forms.plain ? { text: forms.plain, untrusted: forms } : { text: '', untrusted: null };
}

/**
 * `amount` in `currency`, formatted for `locale` by Intl. Exactly what Intl emits: in French the
 * group separator is U+202F (narrow no-break space) and the space before the symbol is U+00A0
 * (no-break space): `12,50\u00A0€`, `1\u202F234,50\u00A0€`; in English `€12.50`, `€1,234.50`.
 */
export function formatPrice(amount: number, currency: string, locale: Locale): string {
  try {
    return priceFormat(locale, currency).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/**
 * Building an Intl.NumberFormat cost about 100 µs per delivery: one per (locale, currency), kept.
 * Currencies come from events, so the cache is bounded (a flood of odd codes only empties it).
 */
const priceFormats = new Map<string, Intl.NumberFormat>();
function priceFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = priceFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    if (priceFormats.size >= 64) priceFormats.clear();
    priceFormats.set(key, format);
  }
  return format;
}

/**
 * An ISO date shown in `locale` and `timeZone`, with a 24-hour clock in both languages:
 * fr `29 nov. 2026, 09:30`, en `Nov 29, 2026, 09:30`. An unknown time zone falls back to UTC.
 */
export function formatDate(iso: string, locale: Locale, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateFormat(locale, timeZone).format(date);
}

/** Building an Intl.DateTimeFormat costs about a millisecond: one per (locale, zone), kept. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}\n${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    const opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' };
    try {
      format = new Intl.DateTimeFormat(locale, { ...opts, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' });
    }
    if (dateFormats.size >= 100) dateFormats.clear();
    dateFormats.set(key, format);
  }
  return format;
}

/**
 * Every variable (and alias) of `event` for `payload`; optional data missing gives ''. Customer
 * HTML goes through `convert` (by default converted here, bounded; delivery converts it once per
 * event on worker threads and passes the results in: see event-variables.ts).
 */
export function computeVariables<K extends EventName>(
  event: K,
  payload: EventMap[K],
  locale: Locale,
  timeZone: string,
  convert: HtmlConversion = convertHere,
): Variables {
  const def = definitionOf(event);
  const untrusted = untrustedWith(convert);
  const format: ValueFormat = {
    locale,
    timeZone,
    price: (amount, currency) => formatPrice(amount, currency, locale),
    date: (iso) => formatDate(iso, locale, timeZone),
    label: (key) => label(locale, key),
  };
  const vars: Variables = {};
  for (const spec of def.variables) {
    const raw = spec.value(payload, format) ?? '';
    vars[spec.name] =
      spec.kind === 'untrusted'
        ? untrusted(raw)
        : spec.kind === 'untrusted-line'
          ? untrustedLine(raw)
          : spec.kind === 'link'
            ? link(raw)
            : trusted(raw);
  }
  for (const [alias, target] of Object.entries(def.aliases)) if (vars[target]) vars[alias] = vars[target];
  return vars;
}

/** The settings page's click-to-insert list: name (with % signs) and a translated description. */
export function listVariables(event: EventName, locale: Locale): VariableInfo[] {
  const family = definitionOf(event).family;
  const own = variableNames(event).map((name) => ({ name: `%${name}%`, description: label(locale, `rendering.var.${family}.${name}`) }));
  const aliases = Object.entries(aliasesOf(event)).map(([alias, target]) =>
    alias === target
      ? { name: `%${alias}%`, description: label(locale, `rendering.var.${family}.${alias}`) }
      : { name: `%${alias}%`, description: label(locale, 'rendering.alias', { target }) },
  );
  return [...own, ...aliases];
}

const variablePattern = /%([A-Za-z_][A-Za-z0-9_]*)%/g;

/**
 * Names (without % signs) written in `template` that exist for none of `events`, each once, in
 * order of appearance; used for the save-time warning. No event given means every event.
 */
export function findUnknownVariables(template: string, events: EventName[]): string[] {
  const known = new Set((events.length ? events : knownEventNames()).flatMap((e) => allNames(e)));
  const unknown: string[] = [];
  for (const match of template.matchAll(variablePattern)) {
    const name = match[1];
    if (!known.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}
