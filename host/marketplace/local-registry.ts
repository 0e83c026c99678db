/**
 * `npm start`'s marketplace without any network: a read-only npm-compatible registry on
 * 127.0.0.1 serving the `npm pack` tarballs of one folder (var/marketplace/). It answers what the
 * host's marketplace asks a real registry (search, packument, tarball) with packuments built
 * from each tarball's own package.json and its sha512 integrity, so the same client, checks and
 * update path run as against npm's registry or Verdaccio.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import semver from 'semver';
import ssri from 'ssri';
import * as tar from 'tar';

interface Published {
  pkg: Record<string, unknown> & { name: string; version: string };
  file: string;
  integrity: string;
  shasum: string;
}

/** Reads package/package.json out of an npm pack tarball without extracting anything. */
async function packageJsonOf(file: string): Promise<Published['pkg'] | null> {
  let text: string | null = null;
  await tar.t({
    file,
    filter: (p) => p === 'package/package.json',
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => (text = Buffer.concat(chunks).toString('utf8')));
    },
  });
  if (text === null) return null;
  const pkg = JSON.parse(text) as Published['pkg'];
  return typeof pkg.name === 'string' && typeof pkg.version === 'string' ? pkg : null;
}

async function scan(folder: string): Promise<Published[]> {
  const out: Published[] = [];
  for (const name of fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.tgz')) : []) {
    const file = path.join(folder, name);
    const pkg = await packageJsonOf(file).catch(() => null);
    if (!pkg) continue;
    const data = fs.readFileSync(file);
    out.push({
      pkg,
      file,
      integrity: ssri.fromData(data, { algorithms: ['sha512'] }).toString(),
      shasum: crypto.createHash('sha1').update(data).digest('hex'),
    });
  }
  return out;
}

export async function startLocalRegistry(opts: {
  folder: string;
  port: number;
  host?: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  const host = opts.host ?? '127.0.0.1';
  let base = '';
  const byName = async () => {
    const map = new Map<string, Published[]>();
    for (const p of await scan(opts.folder)) map.set(p.pkg.name, [...(map.get(p.pkg.name) ?? []), p]);
    return map;
  };
  const tarballUrl = (p: Published) => `${base}/${p.pkg.name.replace('/', '%2f')}/-/${path.basename(p.file)}`;

  app.get('/-/v1/search', async (req) => {
    const text = String((req.query as { text?: string }).text ?? '').replace(/^keywords:/, '');
    const objects = [...(await byName()).values()]
      .map((list) => [...list].sort((a, b) => semver.rcompare(a.pkg.version, b.pkg.version))[0].pkg)
      .filter((pkg) => !text || (Array.isArray(pkg.keywords) && pkg.keywords.includes(text)) || pkg.name.includes(text))
      .map((pkg) => ({ package: { name: pkg.name, version: pkg.version, description: pkg.description, keywords: pkg.keywords } }));
    return { objects, total: objects.length, time: new Date().toUTCString() };
  });
  app.get('/:name/-/:file', async (req, reply) => {
    const { name, file } = req.params as { name: string; file: string };
    const found = (await byName()).get(decodeURIComponent(name))?.find((p) => path.basename(p.file) === file);
    if (!found) return reply.code(404).send({ error: 'not found' });
    return reply.type('application/octet-stream').send(fs.createReadStream(found.file));
  });
  app.get('/:name', async (req, reply) => {
    const name = decodeURIComponent((req.params as { name: string }).name);
    const list = (await byName()).get(name);
    if (!list) return reply.code(404).send({ error: 'not found' });
    const versions = Object.fromEntries(
      list.map((p) => [
        p.pkg.version,
        { ...p.pkg, _id: `${name}@${p.pkg.version}`, dist: { tarball: tarballUrl(p), integrity: p.integrity, shasum: p.shasum } },
      ]),
    );
    const latest = Object.keys(versions).sort(semver.rcompare)[0];
    return { _id: name, name, 'dist-tags': { latest }, versions };
  });

  await app.listen({ port: opts.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  base = `http://${host}:${port}`;
  return { url: `${base}/`, close: () => app.close() };
}
