/** The host answers pages, assets and JSON compressed when the client accepts it, plain otherwise. */
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Host } from '../../host/create-host.js';
import { repoRoot, startTestHost } from '../fixtures/host-kit.js';

describe('compressed answers', () => {
  let host: Host;
  let varDir: string;
  beforeAll(async () => {
    ({ host, varDir } = await startTestHost({ label: 'compress', profile: 'development' }));
    await host.modules.installFromFolder(repoRoot);
    await host.modules.enable('webhooks');
  });
  afterAll(async () => {
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  const get = async (path: string, encoding: string) => {
    // node:http, not fetch: fetch decodes the body and hides what went over the wire.
    const http = await import('node:http');
    return new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = http.get(
        `${host.url}${path}`,
        { headers: { authorization: `Bearer ${host.adminToken}`, 'accept-encoding': encoding, accept: 'text/html' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
    });
  };

  it.each(['/admin/modules/webhooks/', '/admin/modules/webhooks/webhooks/new', '/admin/modules/webhooks/assets/settings.css'])(
    '%s goes out gzipped when asked, and plain when not',
    async (path) => {
      const zipped = await get(path, 'gzip');
      expect(zipped.status).toBe(200);
      expect(zipped.encoding).toBe('gzip');
      const plain = await get(path, 'identity');
      expect(plain.encoding).toBeUndefined();
      // The page or file itself once decoded (pages differ per request by their CSRF token).
      const decoded = gunzipSync(zipped.body).toString('utf8');
      expect(decoded).toContain(path.endsWith('.css') ? '.wh-btn' : '</html>');
      if (path.endsWith('.css')) expect(decoded).toBe(plain.body.toString('utf8'));
      expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    },
  );

  it('prefers brotli when the browser offers it', async () => {
    const r = await get('/admin/modules/webhooks/webhooks/new', 'br, gzip');
    expect(r.encoding).toBe('br');
  });
});
