/**
 * Packed modules: `npm run package` writes a gzipped tar of the module folder's runtime files,
 * and the host extracts one into its own folder on install. Only plain files and folders are
 * extracted: links, devices and paths leaving the folder are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';

/** What a packed module must hold, relative to the module folder. */
export const packedPaths = ['manifest.json', 'package.json', 'dist/module', 'dist/sdk', 'dist/migrations', 'lang', 'views'];
/** Built folders that are not the module's (the host, benchmarks, tests). */
const notModule = new Set(['host', 'bench', 'test']);

/** The required paths plus any other built folder the module's code imports (e.g. dist/lang, emitted for JSON imports). */
export function pathsToPack(moduleDir: string): string[] {
  const dist = path.join(moduleDir, 'dist');
  const extra = fs.existsSync(dist)
    ? fs
        .readdirSync(dist, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !notModule.has(d.name) && !packedPaths.includes(`dist/${d.name}`))
        .map((d) => `dist/${d.name}`)
    : [];
  return [...packedPaths, ...extra.sort()];
}

export async function packModule(moduleDir: string, outFile: string): Promise<{ file: string; entries: number }> {
  for (const p of packedPaths) {
    if (!fs.existsSync(path.join(moduleDir, p))) throw new Error(`package: ${p} is missing in ${moduleDir} (run npm run build first)`);
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  let entries = 0;
  await tar.c(
    {
      gzip: true,
      file: outFile,
      cwd: moduleDir,
      portable: true,
      // Source maps point at sources the archive does not carry.
      filter: (p) => {
        const keep = !p.endsWith('.map');
        if (keep) entries++;
        return keep;
      },
    },
    pathsToPack(moduleDir),
  );
  return { file: outFile, entries };
}

export async function extractArchive(file: string, destDir: string): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`install: archive not found: ${file}`);
  fs.mkdirSync(destDir, { recursive: true });
  const refused: string[] = [];
  await tar.x({
    file,
    cwd: destDir,
    strict: true,
    preservePaths: false,
    preserveOwner: false,
    filter: (p, entry) => {
      const type = 'type' in entry ? entry.type : entry.isDirectory() ? 'Directory' : 'File';
      const ok = (type === 'File' || type === 'OldFile' || type === 'Directory') && !p.split(/[\\/]/).includes('..');
      if (!ok) refused.push(`${p} (${type})`);
      return ok;
    },
  });
  if (refused.length) throw new Error(`install: the archive holds entries the host does not extract: ${refused.slice(0, 5).join(', ')}`);
}
