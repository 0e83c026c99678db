/**
 * Platforms are a registry (module/platforms/<id>/): no other file of the module, its views or
 * their scripts names a platform id as a string literal; they ask `platformOf(id)`. The reference
 * host's inbox, which plays the platforms, may name them (it is not the module).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { platformIds } from '../../module/platforms/platform-ids.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const scanned = ['module', 'views'];
const exempt = [path.join('module', 'platforms') + path.sep, path.join('views', 'assets', 'vendor') + path.sep];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every `'id'`, `"id"` or `` `id` `` in `text`, but JSON import attributes (`with { type: 'json' }`). */
function literalsNaming(text: string, ids: readonly string[]): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`(['"\`])(${ids.join('|')})\\1`, 'g');
  for (const m of text.matchAll(pattern)) {
    const before = text.slice(Math.max(0, m.index - 20), m.index);
    if (m[2] === 'json' && /with\s*\{\s*type:\s*$/.test(before)) continue;
    found.push(m[0]);
  }
  return found;
}

describe('no file outside module/platforms/ names a platform', () => {
  it('module/ and views/ (pages, scripts) hold no platform id as a string literal', () => {
    const offenders: string[] = [];
    for (const top of scanned)
      for (const file of filesUnder(path.join(root, top))) {
        const rel = path.relative(root, file);
        if (exempt.some((e) => rel.startsWith(e)) || !/\.(ts|js|mjs|njk|html)$/.test(rel)) continue;
        for (const literal of literalsNaming(readFileSync(file, 'utf8'), platformIds)) offenders.push(`${rel}: ${literal}`);
      }
    expect(offenders).toEqual([]);
  });

  it('the check finds what it is for', () => {
    expect(literalsNaming(`if (p === 'discord') x; y = "json"; z = \`slack\``, platformIds)).toEqual([`'discord'`, `"json"`, '`slack`']);
    expect(literalsNaming(`import fr from './fr.json' with { type: 'json' };`, platformIds)).toEqual([]);
    expect(literalsNaming(`'discordx' "slack-like"`, platformIds)).toEqual([]);
  });
});
