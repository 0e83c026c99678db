/**
 * The sender against small servers this test starts on 127.0.0.1: the address policy, the
 * request shape (wait=true, thread_id, Standard Webhooks signature), the 4 KB answer cap, the
 * timeout, redirects not followed, and never the URL's secret in what it returns.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { targetRefusal } from '../../module/delivery/guarded-agent.js';
import { Sender } from '../../module/delivery/sender.js';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base = '';
const seen: Seen[] = [];
let handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void = (_req, res) => res.end('ok');

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen.length = 0;
  handler = (_req, res) => res.end('ok');
});

const allowLoopback = { allowLoopback: true, allowPrivate: false };

describe('Sender', () => {
  it('refuses loopback when the host does not allow it, and says so without the URL', async () => {
    const sender = new Sender({ network: { allowLoopback: false, allowPrivate: false }, timeoutMs: 2000 });
    const out = await sender.deliver({
      webhook: { platform: 'slack', url: `${base}/services/T1/B1/topsecret`, signingSecret: null },
      body: { text: 'x' },
      messageId: 'm1',
    });
    expect(seen).toHaveLength(0);
    expect(out.outcome).toBe('dead');
    expect(out.statusCode).toBeNull();
    expect(out.error).toMatch(/address not allowed/);
    expect(JSON.stringify(out)).not.toContain('topsecret');
  });

  it('allows loopback only, not private ranges, in the development policy', () => {
    expect(targetRefusal('127.0.0.1', allowLoopback)).toBeNull();
    expect(targetRefusal('::1', allowLoopback)).toBeNull();
    expect(targetRefusal('10.0.0.5', allowLoopback)?.message).toMatch(/is not allowed: a private target/);
    expect(targetRefusal('169.254.169.254', allowLoopback)?.message).toMatch(/is not allowed: a private target/);
  });

  it('adds wait=true and the thread to Discord URLs and sends the exact JSON', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1.5' });
      res.end('{"id":"1"}');
    };
    const sender = new Sender({ network: allowLoopback });
    const out = await sender.deliver({
      webhook: { platform: 'discord', url: `${base}/api/webhooks/1/tok`, signingSecret: null },
      body: { content: 'Hé' },
      query: { thread_id: '99' },
      messageId: 'm',
    });
    expect(out).toMatchObject({ outcome: 'ok', statusCode: 200, error: null, rateLimit: { remaining: 4, resetAfterMs: 1500 } });
    expect(seen[0].url).toBe('/api/webhooks/1/tok?wait=true&thread_id=99');
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0].body)).toEqual({ content: 'Hé' });
  });

  it('signs JSON deliveries with Standard Webhooks headers a receiver can verify', async () => {
    const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const sender = new Sender({ network: allowLoopback, now: () => Date.now() });
    await sender.deliver({
      webhook: { platform: 'json', url: `${base}/hook`, signingSecret: secret },
      body: { type: 'order.paid', data: { id: 1 } },
      messageId: 'msg_7_evt_1',
    });
    const h = seen[0].headers as Record<string, string>;
    expect(h['webhook-id']).toBe('msg_7_evt_1');
    expect(() => new StandardWebhook(secret).verify(seen[0].body, h)).not.toThrow();
    expect(() => new StandardWebhook(secret).verify(seen[0].body + ' ', h)).toThrow();
  });

  it('keeps at most 4 KB of a huge answer', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('x'.repeat(200_000));
    };
    const out = await new Sender({ network: allowLoopback }).deliver({
      webhook: { platform: 'teams', url: `${base}/t`, signingSecret: null },
      body: {},
      messageId: 'm',
    });
    expect(out.outcome).toBe('retry');
    expect(out.statusCode).toBe(500);
    expect(out.responseBody!.length).toBe(4096);
  });

  it('gives up on a target that does not answer, as a retry', async () => {
    handler = () => undefined; // never answers
    const out = await new Sender({ network: allowLoopback, timeoutMs: 200 }).deliver({
      webhook: { platform: 'discord', url: `${base}/api/webhooks/2/t`, signingSecret: null },
      body: { content: 'x' },
      messageId: 'm',
    });
    expect(out).toMatchObject({ outcome: 'retry', statusCode: null, error: 'timeout' });
  });

  it('does not follow redirects', async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: `${base}/elsewhere` });
      res.end();
    };
    const out = await new Sender({ network: allowLoopback }).deliver({
      webhook: { platform: 'json', url: `${base}/r`, signingSecret: null },
      body: {},
      messageId: 'm',
    });
    expect(seen.map((s) => s.url)).toEqual(['/r']);
    expect(out).toMatchObject({ outcome: 'dead', statusCode: 302, error: 'HTTP 302: redirects are not followed' });
  });

  it('answers "Send test" in the settings shape', async () => {
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"Unknown Webhook","code":10015}');
    };
    const result = await new Sender({ network: allowLoopback }).send(
      { platform: 'discord', url: `${base}/api/webhooks/3/t`, signingSecret: null } as never,
      { content: 'test' },
    );
    expect(Object.keys(result).sort()).toEqual(['durationMs', 'error', 'failure', 'outcome', 'platformCode', 'statusCode']);
    expect(result).toMatchObject({
      outcome: 'dead',
      statusCode: 404,
      error: 'Unknown Webhook (10015)',
      platformCode: 10015,
      failure: null,
    });
  });

  it('names the network failure when nothing answers: a closed port is "refused"', async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await new Sender({ network: allowLoopback }).send(
      { platform: 'json', url: `http://127.0.0.1:${port}/hook`, signingSecret: null } as never,
      { text: 'test' },
    );
    expect(result).toMatchObject({ outcome: 'retry', statusCode: null, failure: 'refused' });
  });
});
