/**
 * Words that depend on a number ("1 envoi", "3 envois"; "1 delivery", "2 deliveries"): the form
 * is chosen by Intl.PluralRules of the language among the keys `key.one`, `key.other` (and
 * `key.few`, `key.many` … where a language has them). Built on the host's plain `t()`, which
 * answers a missing key with the key itself, so it works with any host's translator.
 */
import type { Locale, Translator } from '../../sdk/module-context.js';

export function plural(t: Translator['t'], key: string, count: number, locale: Locale, vars: Record<string, string | number> = {}): string {
  const all = { ...vars, count: count.toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB') };
  for (const form of [new Intl.PluralRules(locale).select(count), 'other']) {
    const k = `${key}.${form}`;
    const text = t(k, all, locale);
    if (text !== k) return text;
  }
  return t(key, all, locale);
}
