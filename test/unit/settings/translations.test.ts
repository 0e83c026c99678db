/**
 * Every UI string exists in French (the reference) and English, and every key the views and the
 * settings code ask for exists in both files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eventNames, ticketPriorities } from '../../../sdk/events.js';
import { deliveryStatuses } from '../../../module/settings/ports.js';
import { answerKinds, platformAnswers } from '../../../module/settings/send-result-words.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const load = (l: string) => JSON.parse(fs.readFileSync(path.join(root, 'lang', `${l}.json`), 'utf8')) as Record<string, string>;
const fr = load('fr');
const en = load('en');

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? filesUnder(p, ext) : ext.test(d.name) ? [p] : [];
  });
}

/** Literal keys: `t('a.b')` in views and code, plus `settings.*` keys written as string literals. */
function usedKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  const plurals = new Map<string, string>();
  const files = [...filesUnder(path.join(root, 'views'), /\.njk$/), ...filesUnder(path.join(root, 'module/settings'), /\.ts$/)];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*['"]([a-z0-9_.]+)['"]/g)) if (!/[._]$/.test(m[1])) keys.set(m[1], path.relative(root, f));
    // Plural words (plural-words.ts): every language has at least the `one` and `other` forms.
    for (const m of text.matchAll(/\b(?:tn|plural)\((?:\s*t,)?\s*['"]([a-z0-9_.]+)['"]/g)) plurals.set(m[1], path.relative(root, f));
    for (const m of text.matchAll(/['"`](settings\.[a-z0-9_]+\.[a-z0-9_.]+)['"`]/g))
      if (!/[._]$/.test(m[1])) keys.set(m[1], path.relative(root, f));
  }
  for (const [key, f] of plurals) {
    keys.delete(key);
    for (const form of ['one', 'other']) keys.set(`${key}.${form}`, f);
  }
  return keys;
}

/** Keys built at run time from a prefix and a known list of values. */
const dynamicKeys = [
  ...eventNames.map((e) => `settings.events.${e}`),
  ...['active', 'paused', 'disabled'].map((s) => `settings.state.${s}`),
  ...deliveryStatuses.map((s) => `settings.status.${s}`),
  ...['ok', 'retry', 'rate_limited', 'dead'].map((o) => `settings.outcome.${o}`),
  ...['created', 'deleted', 'enabled', 'paused'].map((f) => `settings.flash.${f}`),
  ...['order', 'ticket'].map((f) => `settings.family.${f}`),
  ...ticketPriorities.map((p) => `settings.priority.${p}`),
  ...['both', 'staff', 'customer'].map((a) => `settings.form.authors_${a}`),
  ...[
    'webhook.create',
    'webhook.update',
    'webhook.delete',
    'webhook.enable',
    'webhook.disable',
    'webhook.test',
    'webhook.retry_failed',
    'webhook.secret_rotated',
    'delivery.replay',
  ].map((a) => `settings.audit.actions.${a}`),
  ...['name', 'url', 'platform', 'events', 'templates', 'options', 'filters'].map((f) => `settings.audit.fields.${f}`),
  ...answerKinds.filter((k) => k !== 'chat').map((k) => `settings.test.${k}`),
  ...Object.entries(platformAnswers).flatMap(([p, kinds]) => kinds.map((k) => `settings.test.${p}.${k}`)),
  ...['unreadable', 'request_failed'].map((k) => `settings.test.${k}`),
];

/** Reason codes the validators return, each with a translated message. */
function reasonKeys(): string[] {
  const apiFiles = fs.readdirSync(path.join(root, 'module/settings/api')).map((f) => `api/${f}`);
  const text = ['webhook-input.ts', 'request-parsing.ts', 'url-policy.ts', 'preview-request.ts', ...apiFiles]
    .map((f) => fs.readFileSync(path.join(root, 'module/settings', f), 'utf8'))
    .join('\n');
  const codes = new Set<string>();
  // zod messages are the reason codes: `.min(1, 'required')`, `z.enum([...], 'choice')`.
  // Each platform's options (module/platforms/**/*-options.ts) and the text rules they share are
  // checked by their own schemas, whose reasons the same pages and API translate.
  const optionFiles = [
    'module/text/input-text.ts',
    ...fs
      .readdirSync(path.join(root, 'module/platforms'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('-options.ts'))
      .map((f) => path.join('module/platforms', f)),
  ].map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
  const schemas = [
    ...['webhook-input.ts', 'preview-request.ts'].map((f) => fs.readFileSync(path.join(root, 'module/settings', f), 'utf8')),
    ...optionFiles,
  ].join('\n');
  for (const m of schemas.matchAll(/,\s*'([a-z_]+)'\)/g)) codes.add(m[1]);
  for (const m of optionFiles.join('\n').matchAll(/reason: '([a-z_]+)'/g)) codes.add(m[1]);
  for (const m of text.matchAll(/InputError\('[a-zA-Z]+', '([a-z_]+)'\)/g)) codes.add(m[1]);
  for (const m of text.matchAll(/reason: '([a-z_]+)'/g)) codes.add(m[1]);
  for (const m of text.matchAll(/'(url_[a-z]+)'/g)) codes.add(m[1]);
  return [...codes].map((c) => `settings.errors.${c}`);
}

describe('translations', () => {
  it('French and English have the same keys', () => {
    expect(Object.keys(en).filter((k) => !(k in fr))).toEqual([]);
    expect(Object.keys(fr).filter((k) => !(k in en))).toEqual([]);
  });

  it('no translation is empty, and placeholders match between languages', () => {
    for (const k of Object.keys(fr)) {
      expect([k, fr[k].trim().length > 0]).toEqual([k, true]);
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect([k, names(en[k] ?? '')]).toEqual([k, names(fr[k])]);
    }
  });

  it('every key used by the views and the settings code exists in both files', () => {
    const used = usedKeys();
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used.entries()].filter(([k]) => !(k in fr) || !(k in en)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
  });

  it('every key built at run time exists in both files', () => {
    const missing = [...dynamicKeys, ...reasonKeys()].filter((k) => !(k in fr) || !(k in en));
    expect(reasonKeys().length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });
});
