/**
 * The built-in event definitions are complete and agree with the rest of the module: the
 * manifest lists exactly them, each sample passes its own schema, each alias names a variable,
 * and every word they need exists in both languages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventNames, validateWith } from '../../../sdk/events.js';
import { eventDefinitions, titleKey } from '../../../module/events/index.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const lang = { fr: read('lang/fr.json') as Record<string, string>, en: read('lang/en.json') as Record<string, string> };

describe('event definitions', () => {
  it('are the sdk events, in the manifest', () => {
    const names = eventDefinitions().map((d) => d.name);
    expect(names).toEqual(eventNames);
    expect(read('manifest.json').events).toEqual(names);
  });

  it.each(eventDefinitions().map((d) => [d.name, d] as const))(
    '%s: sample valid, aliases point to variables, words in fr and en',
    (_n, d) => {
      for (const seq of [1, 2, 3]) expect(validateWith(d.schema, d.sample({ seq }))).toMatchObject({ ok: true });
      const names = d.variables.map((v) => v.name);
      expect(new Set(names).size).toBe(names.length);
      for (const target of Object.values(d.aliases)) expect(names).toContain(target);
      for (const locale of ['fr', 'en'] as const) {
        expect(lang[locale][titleKey(d.name)]).toBeTruthy();
        expect(lang[locale][`settings.events.${d.name}`]).toBeTruthy();
        for (const v of d.variables) expect(lang[locale][`rendering.var.${d.family}.${v.name}`]).toBeTruthy();
      }
    },
  );
});
