/**
 * Translated words the rendering needs (priorities, actions, event names, variable descriptions),
 * read from the module's lang files at load time so rendering stays a pure function of its input.
 */
import fr from '../../lang/fr.json' with { type: 'json' };
import en from '../../lang/en.json' with { type: 'json' };
import type { Locale } from '../../sdk/module-context.js';
import { eventDefinitions } from '../events/index.js';

const tables: Record<Locale, Record<string, string>> = {
  fr: fr as Record<string, string>,
  en: en as Record<string, string>,
};

/** A word an event definition brings itself (an event that is not in lang/*.json). */
function definitionWord(locale: Locale, key: string): string | undefined {
  for (const d of eventDefinitions()) {
    const word = d.translations?.[locale]?.[key] ?? d.translations?.fr?.[key];
    if (word !== undefined) return word;
  }
  return undefined;
}

/** `key` in `locale`, falling back to French (the reference language), then to the key itself. */
export function label(locale: Locale, key: string, vars: Record<string, string> = {}): string {
  const raw = tables[locale]?.[key] ?? tables.fr[key] ?? definitionWord(locale, key) ?? key;
  return raw.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}
