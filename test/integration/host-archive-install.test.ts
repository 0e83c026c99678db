/**
 * Installing a packed module is installing untrusted input. Archives built entry by entry
 * (test/support/crafted-tar.ts) go through the host's install API and its modules page: modes
 * come out 0644/0755 whatever the archive says (no setuid, setgid, sticky or world-write);
 * links, devices, FIFOs and paths leaving the folder are refused; a small gzip that expands past
 * the size limit, past the stream cap or past the file-count limit is refused while it streams.
 * Every refusal is a 400 naming the reason, and leaves nothing under <varDir>/modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Host } from '../../host/create-host.js';
import { Browser, csrfIn, startTestHost } from '../fixtures/host-kit.js';
import { minimalModule, writeCraftedTgz, type CraftedEntry } from '../support/crafted-tar.js';

const MB = 1024 * 1024;

describe('installing a crafted module archive', () => {
  let host: Host;
  let varDir: string;
  let seq = 0;
  const extracted = () => {
    const root = path.join(varDir, 'modules');
    return fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
  };
  const craft = async (entries: Iterable<CraftedEntry>, opts: { trailingZeros?: number } = {}) => {
    const file = path.join(varDir, `crafted-${++seq}.tgz`);
    const size = await writeCraftedTgz(file, entries, opts);
    return { file, size };
  };
  const installByApi = async (file: string) => {
    const res = await fetch(`${host.url}/admin/api/modules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: file }),
    });
    return { status: res.status, body: (await res.json()) as { error?: string; uuid?: string } };
  };
  /** Installs over the API, expects a 400 whose message matches, and nothing new on disk. */
  const expectRefused = async (file: string, reason: RegExp) => {
    const before = extracted();
    const { status, body } = await installByApi(file);
    expect({ status, error: body.error }).toEqual({ status: 400, error: expect.stringMatching(reason) });
    expect(body.error).toContain(path.basename(file));
    expect(extracted()).toEqual(before);
  };

  beforeAll(async () => {
    ({ host, varDir } = await startTestHost({ label: 'archive', allowFolderInstall: true }));
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('installs setuid, setgid, sticky and world-writable entries with 0755/0644 modes only', async () => {
    const { file } = await craft([
      ...minimalModule('crafted-modes'),
      { path: 'bin/', type: 'Directory', mode: 0o7777 },
      { path: 'bin/tool', mode: 0o6755, uid: 0, gid: 0, body: '#!/bin/sh\necho hi\n' },
      { path: 'bin/setgid-data', mode: 0o2666, body: 'data' },
      { path: 'shared.txt', mode: 0o4666, body: 'world-writable setuid' },
    ]);
    const { status, body } = await installByApi(file);
    expect(status).toBe(201);
    expect(body.uuid).toBe('crafted-modes');
    const dir = (await host.modules.get('crafted-modes'))!.dir;
    expect(dir.startsWith(path.join(varDir, 'modules') + path.sep)).toBe(true);
    const modeOf = (p: string) => fs.statSync(path.join(dir, p)).mode & 0o7777;
    const modes = Object.fromEntries(['bin', 'bin/tool', 'bin/setgid-data', 'shared.txt', 'index.js'].map((p) => [p, modeOf(p)]));
    // Exactly 0755 where the archive had an executable bit and 0644 elsewhere (less the process umask).
    const umask = process.umask();
    expect(modes).toEqual({
      bin: 0o755 & ~umask,
      'bin/tool': 0o755 & ~umask,
      'bin/setgid-data': 0o644 & ~umask,
      'shared.txt': 0o644 & ~umask,
      'index.js': 0o644 & ~umask,
    });
    await host.modules.uninstall('crafted-modes');
    expect(extracted()).toEqual([]);
  });

  it('refuses a size bomb (a small gzip whose files expand past 50 MB) with 400, nothing left on disk', async () => {
    const { file, size } = await craft([...minimalModule('size-bomb'), { path: 'dist/blob.bin', body: { zeros: 64 * MB } }]);
    expect(size).toBeLessThan(MB);
    await expectRefused(file, /refused: its files add up to more than 50 MB \(the limit\)/);
    expect(await host.modules.get('size-bomb')).toBeNull();
  });

  it('refuses files that add up past the limit one by one (files already written are removed)', async () => {
    const parts = Array.from({ length: 6 }, (_, i) => ({ path: `dist/part-${i}.bin`, body: { zeros: 9 * MB } }));
    const { file } = await craft([...minimalModule('split-bomb'), ...parts]);
    await expectRefused(file, /its files add up to more than 50 MB/);
  });

  it('refuses an archive whose decompressed stream runs past the cap, whatever its headers say', async () => {
    // A pax metadata entry of 80 MB: tar skips its body without showing it to the file filter.
    const { file, size } = await craft([
      ...minimalModule('pax-bomb'),
      { path: 'PaxHeader', type: 'ExtendedHeader', body: { zeros: 80 * MB } },
    ]);
    expect(size).toBeLessThan(MB);
    await expectRefused(file, /refused: it expands to more than \d+(\.\d)? MB/);
  });

  it('never reads what follows the end of the archive (80 MB of padding installs as the module it ends)', async () => {
    const { file } = await craft(minimalModule('padded'), { trailingZeros: 80 * MB });
    const { status } = await installByApi(file);
    expect(status).toBe(201);
    expect(fs.readdirSync((await host.modules.get('padded'))!.dir).sort()).toEqual(['index.js', 'manifest.json', 'package.json']);
    await host.modules.uninstall('padded');
  });

  it('refuses a file-count bomb (5,001 empty files) with 400', async () => {
    function* many(): Generator<CraftedEntry> {
      yield* minimalModule('count-bomb');
      for (let i = 0; i < 5001; i++) yield { path: `f/${i}.js`, body: '' };
    }
    const { file } = await craft(many());
    await expectRefused(file, /refused: it holds more than 5000 files and folders \(the limit\)/);
  });

  it.each([
    ['symbolic link', { path: 'dist/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' }, /dist\/passwd is a symbolic link/],
    ['hard link', { path: 'dist/shadow', type: 'Link', linkpath: 'manifest.json' }, /dist\/shadow is a hard link/],
    ['character device', { path: 'dist/null', type: 'CharacterDevice' }, /dist\/null is a character device/],
    ['block device', { path: 'dist/sda', type: 'BlockDevice' }, /dist\/sda is a block device/],
    ['FIFO', { path: 'dist/pipe', type: 'FIFO' }, /dist\/pipe is a FIFO/],
    ['path leaving the folder', { path: '../escaped.txt', body: 'out' }, /\.\.\/escaped\.txt leaves the module folder/],
  ] as [string, CraftedEntry, RegExp][])('refuses a %s with 400 naming the entry', async (_name, entry, reason) => {
    const { file } = await craft([...minimalModule('linked'), entry]);
    await expectRefused(file, reason);
    expect(fs.existsSync(path.join(varDir, 'modules', '..', 'escaped.txt'))).toBe(false);
    expect(await host.modules.get('linked')).toBeNull();
  });

  it('refuses a file that is not a gzip archive, and a missing file, with 400', async () => {
    const notGzip = path.join(varDir, 'not-gzip.tgz');
    fs.writeFileSync(notGzip, 'just text');
    await expectRefused(notGzip, /not-gzip\.tgz refused: it is not a readable gzip archive/);
    const missing = await installByApi(path.join(varDir, 'missing.tgz'));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/archive not found: .*missing\.tgz/);
  });

  it('refuses a manifest.json or an entry that is a folder with 400, nothing left on disk', async () => {
    const [manifest, pkg, entry] = minimalModule('folder-manifest');
    for (const [entries, reason] of [
      [[{ path: 'manifest.json', type: 'Directory' }, pkg, entry], /manifest\.json is not a file/],
      [[manifest, pkg, { path: 'index.js', type: 'Directory' }], /entry: index\.js is not a file/],
    ] as [CraftedEntry[], RegExp][]) {
      const before = extracted();
      const { file } = await craft(entries);
      const { status, body } = await installByApi(file);
      expect({ status, error: body.error }).toEqual({ status: 400, error: expect.stringMatching(reason) });
      expect(extracted()).toEqual(before);
      expect(await host.modules.get('folder-manifest')).toBeNull();
    }
  });

  it('shows a refusal on the modules page with status 400 and the reason', async () => {
    const { file } = await craft([...minimalModule('ui-bomb'), { path: 'dist/blob.bin', body: { zeros: 51 * MB } }]);
    const b = new Browser(host.url);
    await b.login(host.adminToken);
    const page = await (await b.fetch('/admin/modules')).text();
    const res = await b.form('/admin/module-install', { _csrf: csrfIn(page), source: file });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('refused: its files add up to more than 50 MB (the limit)');
    expect(extracted()).toEqual([]);
    // The same page installs a good archive and redirects.
    const good = await craft(minimalModule('ui-good'));
    const ok = await b.form('/admin/module-install', { _csrf: csrfIn(html), source: good.file });
    expect(ok.status).toBe(303);
    expect((await host.modules.get('ui-good'))?.state).toBe('disabled');
    await host.modules.uninstall('ui-good');
  });
});

describe('archive limits are the host’s to choose', () => {
  it('refuses past moduleArchiveLimits and accepts within them', async () => {
    const { host, varDir } = await startTestHost({ label: 'archive-limits', moduleArchiveLimits: { maxBytes: 4096, maxEntries: 5 } });
    try {
      const big = path.join(varDir, 'big.tgz');
      await writeCraftedTgz(big, [...minimalModule('small-limits'), { path: 'blob.bin', body: { zeros: 5000 } }]);
      await expect(host.modules.installFromArchive(big)).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('its files add up to more than 4 KB'),
      });
      const many = path.join(varDir, 'many.tgz');
      await writeCraftedTgz(many, [
        ...minimalModule('small-limits'),
        { path: 'a.js', body: '' },
        { path: 'b.js', body: '' },
        { path: 'c.js', body: '' },
      ]);
      await expect(host.modules.installFromArchive(many)).rejects.toThrow('it holds more than 5 files and folders');
      const fits = path.join(varDir, 'fits.tgz');
      await writeCraftedTgz(fits, [...minimalModule('small-limits'), { path: 'blob.bin', body: { zeros: 3000 } }]);
      expect((await host.modules.installFromArchive(fits)).uuid).toBe('small-limits');
    } finally {
      await host.close();
      fs.rmSync(varDir, { recursive: true, force: true });
    }
  });
});
