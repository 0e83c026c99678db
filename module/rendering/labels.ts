/**
 * Translated words the rendering needs (priorities, actions, event names, variable descriptions),
 * read from the module's lang files at load time so rendering stays a pure function of its input.
 */
import fr from '../../lang/fr.json' with { type: 'json' };
import en from '../../lang/en.json' with { type: 'json' };
import type { Locale } from '../../sdk/module-context.js';

const tables: Record<Locale, Record<string, string>> = {
  fr: fr as Record<string, string>,
  en: en as Record<string, string>,
};

/** `key` in `locale`, falling back to French (the reference language), then to the key itself. */
export function label(locale: Locale, key: string, vars: Record<string, string> = {}): string {
  const raw = tables[locale]?.[key] ?? tables.fr[key] ?? key;
  return raw.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}
