/**
 * Packed modules: `npm run package` writes a gzipped tar of the module folder's runtime files,
 * and the host extracts one into its own folder on install. Only plain files and folders are
 * extracted: links, devices and paths leaving the folder are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';

/** What a packed module holds, relative to the module folder. */
export const packedPaths = ['manifest.json', 'package.json', 'dist/module', 'dist/sdk', 'dist/migrations', 'lang', 'views'];

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
    packedPaths,
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
