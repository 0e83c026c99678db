/** Translations from a `lang/{fr,en}.json` folder, with `{name}` placeholders. Missing keys return the key. */
import fs from 'node:fs';
import path from 'node:path';
import type { Locale, Translator } from '../../sdk/module-context.js';

type Dict = Record<string, unknown>;

function readDict(file: string): Dict {
  if (!fs.existsSync(file)) return {};
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: must be a JSON object`);
  return raw as Dict;
}

/** Flat keys ("settings.card.label") first, then nested objects ({settings: {card: {label}}}). */
function lookup(dict: Dict, key: string): string | undefined {
  const flat = dict[key];
  if (typeof flat === 'string') return flat;
  let node: unknown = dict;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Dict)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export function interpolate(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m));
}

export function createTranslator(langDir: string, locale: Locale): Translator {
  const dicts: Record<Locale, Dict> = { fr: readDict(path.join(langDir, 'fr.json')), en: readDict(path.join(langDir, 'en.json')) };
  return {
    locale,
    t(key, vars = {}, loc = locale) {
      // French is the reference language: an English gap falls back to it before the key.
      const text = lookup(dicts[loc] ?? {}, key) ?? lookup(dicts.fr, key);
      return text === undefined ? key : interpolate(text, vars);
    },
  };
}
