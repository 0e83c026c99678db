/**
 * Each platform's own options hold together (issue 24): its defaults pass its schema, its fields
 * are its defaults' keys, what it requires and its caveats name its own fields, an option of
 * another platform is not one of its fields, and `filled` keeps its fields only, over its
 * defaults, in its order. A new platform's folder is checked by this without a line here.
 */
import { platformList } from '../../../module/platforms/index.js';
import { optionFields, optionPlatforms } from '../../../module/webhooks/option-platforms.js';

describe.each(platformList.map((p) => [p.id, p] as const))('%s options', (_id, platform) => {
  const own = platform.options;

  it('its defaults pass its own schema and are exactly its fields, in order', () => {
    expect(own.schema.safeParse(own.defaults()).success).toBe(true);
    expect(Object.keys(own.defaults())).toEqual([...own.fields]);
    for (const field of [...own.required, ...Object.keys(platform.optionCaveats ?? {})]) expect(own.fields).toContain(field);
  });

  it('refuses an option of another platform and keeps only its own when filling', () => {
    const others = optionFields.filter((f) => f !== 'signingSecret' && !own.fields.includes(f));
    for (const field of others) expect(own.schema.safeParse({ [field]: null }).success).toBe(false);
    const given = Object.fromEntries([...others, ...own.fields].map((f) => [f, `value of ${f}`]));
    const filled = own.filled(given);
    expect(Object.keys(filled)).toEqual([...own.fields]);
    for (const field of own.fields) expect(filled[field]).toBe(`value of ${field}`);
    expect(own.filled(undefined)).toEqual(own.defaults());
  });

  it('its fields are listed as its in the form notes', () => {
    for (const field of own.fields) expect(optionPlatforms[field]).toContain(platform.id);
  });
});

it('defaults are copies: changing one does not change the next', () => {
  for (const p of platformList) {
    const a = p.options.defaults() as Record<string, unknown>;
    for (const k of Object.keys(a)) a[k] = 'changed';
    expect(Object.values(p.options.defaults())).not.toContain('changed');
  }
});
