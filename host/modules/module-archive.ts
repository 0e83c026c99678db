/**
 * Packed modules: `npm run package` writes a gzipped tar of the module folder's runtime files,
 * and the host extracts one into its own folder on install. An archive is untrusted input: only
 * plain files and folders are extracted (links, devices, FIFOs and paths leaving the folder are
 * refused), modes are reduced to 0644/0755 (no setuid, setgid or sticky bit, no group or world
 * write), and the files, the folders and the bytes they hold are counted while the archive
 * streams, so a small gzip that expands to gigabytes stops at the limit. The extraction is only
 * over once every file it started is written, so a refused archive can be removed whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
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

export interface ArchiveLimits {
  /** Bytes of all the extracted files together. */
  maxBytes: number;
  /** Files and folders extracted. */
  maxEntries: number;
}

/** The packed webhooks module is about 100 entries and 350 KB: these leave a wide margin. */
export const defaultArchiveLimits: ArchiveLimits = { maxBytes: 50 * 1024 * 1024, maxEntries: 5000 };

/** An archive the host will not install; the message says why (the admin pages answer 400). */
export class ArchiveRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveRefusedError';
  }
}

/** tar's names for the entry types an archive may hold but the host never extracts. */
const refusedTypes: Record<string, string> = {
  SymbolicLink: 'a symbolic link',
  Link: 'a hard link',
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO',
};
/** tar errors that mean the archive itself is damaged, not that the host failed to write. */
const archiveFaults = new Set(['TAR_BAD_ARCHIVE', 'TAR_ENTRY_INVALID', 'TAR_ENTRY_UNSUPPORTED', 'TAR_ABORT']);

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

/** Why an entry is refused, or null; `p` is the path as the archive spells it. */
function entryRefusal(p: string, entry: tar.ReadEntry): string | null {
  if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory')
    return `${p} is ${refusedTypes[entry.type] ?? `a ${entry.type} entry`} (only plain files and folders are installed)`;
  if (path.isAbsolute(p) || /^[a-z]:/i.test(p) || p.split(/[\\/]/).includes('..')) return `${p} leaves the module folder`;
  return null;
}

/**
 * Extracts a gzipped tar into `destDir` within `limits`. Rejects with ArchiveRefusedError
 * naming the first reason to refuse it; what was written before the refusal is left for the
 * caller to remove (every write has finished when the promise settles).
 */
export function extractArchive(
  file: string,
  destDir: string,
  limits: ArchiveLimits = defaultArchiveLimits,
): Promise<{ entries: number; bytes: number }> {
  const name = path.basename(file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    return Promise.reject(new ArchiveRefusedError(`install: archive not found: ${file}`));
  fs.mkdirSync(destDir, { recursive: true });
  const refuse = (why: string) => new ArchiveRefusedError(`install: ${name} refused: ${why}`);
  // Headers, padding and path metadata add up to about 2 KB per entry on top of the files' bytes:
  // the decompressed stream may not exceed that, whatever its headers claim (tar skips the body
  // of a metadata entry over 1 MB without our filter seeing it).
  const streamCap = limits.maxBytes + (limits.maxEntries + 10) * 2048;
  let entries = 0;
  let bytes = 0;
  let inflated = 0;
  let failure: Error | null = null;

  return new Promise((resolve, reject) => {
    const source = fs.createReadStream(file);
    const gunzip = zlib.createGunzip();
    let inputDone = false;
    // Stops reading and ends the tar stream normally, so tar finishes the files it started (and
    // skips the rest) and then closes: no write lands after the caller cleans up.
    const endInput = () => {
      if (inputDone) return;
      inputDone = true;
      source.destroy();
      gunzip.destroy();
      // Not from inside tar's own write() (a refusal comes from its filter).
      setImmediate(() => unpack.end());
    };
    const stop = (err: Error) => {
      failure ??= err;
      endInput();
    };
    const unpack = new tar.Unpack({
      cwd: destDir,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      filter: (p, stat) => {
        if (failure) return false;
        const entry = stat as tar.ReadEntry;
        const why =
          entryRefusal(p, entry) ??
          (++entries > limits.maxEntries
            ? `it holds more than ${limits.maxEntries} files and folders (the limit)`
            : (bytes += entry.size) > limits.maxBytes
              ? `its files add up to more than ${formatBytes(limits.maxBytes)} (the limit)`
              : null);
        if (why) {
          stop(refuse(why));
          return false;
        }
        // Only the executable bit survives: 0755 for folders and executables, 0644 for the rest.
        entry.mode = entry.type === 'Directory' || (entry.mode ?? 0) & 0o111 ? 0o755 : 0o644;
        return true;
      },
    });
    unpack.on('error', (err: Error & { tarCode?: string }) =>
      stop(archiveFaults.has(err.tarCode ?? '') ? refuse(`it is not a valid tar archive (${err.message})`) : err),
    );
    unpack.on('close', () => (failure ? reject(failure) : resolve({ entries, bytes })));
    // What follows the end-of-archive blocks is never read: tar would buffer it whole.
    unpack.on('eof', endInput);
    source.on('error', (err) => stop(err));
    gunzip.on('error', (err) => stop(refuse(`it is not a readable gzip archive (${err.message})`)));
    gunzip.on('data', (chunk: Buffer) => {
      if (inputDone) return;
      inflated += chunk.length;
      if (inflated > streamCap) return stop(refuse(`it expands to more than ${formatBytes(streamCap)}`));
      if (!unpack.write(chunk)) {
        gunzip.pause();
        unpack.once('drain', () => gunzip.resume());
      }
    });
    gunzip.on('end', endInput);
    source.pipe(gunzip);
  });
}
