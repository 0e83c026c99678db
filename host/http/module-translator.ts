/** Module strings (settings card label, menu entry) come from the module's own lang/ folder. */
import path from 'node:path';
import type { Locale, Translator } from '../../sdk/module-context.js';
import { createTranslator } from '../context/translator.js';

const cardTranslators = new Map<string, Translator>();

export function moduleTranslator(dir: string, locale: Locale): Translator {
  const key = `${dir}\0${locale}`;
  let tr = cardTranslators.get(key);
  if (!tr) {
    tr = createTranslator(path.join(dir, 'lang'), locale);
    cardTranslators.set(key, tr);
  }
  return tr;
}
