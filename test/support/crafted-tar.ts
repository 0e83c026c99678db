/**
 * Builds gzipped tar archives entry by entry, headers included, so tests can hand the host what
 * no honest packer makes: setuid files owned by root, links, devices, FIFOs, files of gigabytes
 * of zeros, thousands of entries. Bodies are streamed through gzip, never held whole.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Header } from 'tar';

/** ExtendedHeader is a pax metadata entry: tar skips the body of one over 1 MB unseen by filters. */
export type EntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO' | 'ExtendedHeader';

export interface CraftedEntry {
  path: string;
  type?: EntryType;
  /** Default 0644 for files, 0755 for folders. */
  mode?: number;
  /** The body: text, or a count of zero bytes (a bomb's payload). */
  body?: string | { zeros: number };
  linkpath?: string;
  uid?: number;
  gid?: number;
}

const BLOCK = 512;

function bodySize(body: CraftedEntry['body']): number {
  if (body === undefined) return 0;
  return typeof body === 'string' ? Buffer.byteLength(body) : body.zeros;
}

function* tarBlocks(entries: Iterable<CraftedEntry>, trailingZeros: number): Generator<Buffer> {
  const zeros = Buffer.alloc(1024 * 1024);
  for (const e of entries) {
    const type = e.type ?? 'File';
    const size = type === 'File' || type === 'ExtendedHeader' ? bodySize(e.body) : 0;
    const header = new Header({
      path: e.path,
      type,
      mode: e.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      uname: 'root',
      gname: 'root',
      mtime: new Date(0),
      linkpath: e.linkpath,
      devmaj: 0,
      devmin: 0,
    });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    yield block;
    if (size === 0) continue;
    if (typeof e.body === 'string') yield Buffer.from(e.body);
    else for (let left = size; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
    if (size % BLOCK) yield Buffer.alloc(BLOCK - (size % BLOCK));
  }
  // End of archive: two zero blocks, then whatever padding the test asks for.
  yield Buffer.alloc(2 * BLOCK);
  for (let left = trailingZeros; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
}

/** Writes `entries` as a .tgz at `file` and returns its size in bytes. */
export async function writeCraftedTgz(
  file: string,
  entries: Iterable<CraftedEntry>,
  opts: { trailingZeros?: number } = {},
): Promise<number> {
  await pipeline(tarBlocks(entries, opts.trailingZeros ?? 0), zlib.createGzip({ level: 9 }), fs.createWriteStream(file));
  return fs.statSync(file).size;
}

/** The files of a module the host installs (and could enable): manifest, package.json, entry. */
export function minimalModule(uuid: string): CraftedEntry[] {
  const manifest = {
    uuid,
    name: `Crafted ${uuid}`,
    description: 'Test archive built entry by entry.',
    version: '0.1.0',
    author: { name: 'Tests' },
    entry: 'index.js',
    prerequisites: { host: '>=1.0.0 <2.0.0' },
    events: [],
    permissions: [],
  };
  return [
    { path: 'manifest.json', body: JSON.stringify(manifest) },
    { path: 'package.json', body: '{"type":"module","private":true}' },
    { path: 'index.js', body: 'export const migrations = [];\nexport async function register() {}\n' },
  ];
}
