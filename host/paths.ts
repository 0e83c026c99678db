/**
 * Where the repository is. The host runs from `host/*.ts` under ts-jest and from `dist/host/*.js`
 * under `npm start`; walking up to the nearest package.json finds the same root from both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`host: no package.json above ${start}`);
    dir = parent;
  }
}

export const repoRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));
/** The host's templates and strings live beside its sources (tsc does not copy them into dist/). */
export const hostViewsDir = path.join(repoRoot, 'host', 'views');
export const hostLangDir = path.join(repoRoot, 'host', 'lang');
export const defaultVarDir = path.join(repoRoot, 'var');
