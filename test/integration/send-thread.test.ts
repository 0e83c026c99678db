/**
 * The send thread (built module) against small servers this test starts on 127.0.0.1: requests
 * are made on the thread, not with the calling thread's agents; the host's address policy goes
 * with them; what comes back is classified on the caller's clock; a missing worker falls back to
 * the calling thread, logged; a request the thread drops at shutdown comes back as a network
 * failure the outbox retries, never as a lost or hanging promise.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { GuardedHttpAgent } from '../../module/delivery/guarded-agent.js';
import { SendThread } from '../../module/delivery/send-thread.js';
import { Sender } from '../../module/delivery/sender.js';
import { repoRoot, requireBuild } from '../support/host-child.js';
import { recordingLogger } from './delivery-harness.js';

const workerFile = path.join(repoRoot, 'dist', 'module', 'delivery', 'send-worker.js');
const allowLoopback = { allowLoopback: true, allowPrivate: false };

let server: http.Server;
let base = '';
let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
const hanging: http.ServerResponse[] = [];

beforeAll(async () => {
  requireBuild();
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  handler = (_req, res) => res.writeHead(204).end();
});

let thread: SendThread | null = null;
afterEach(async () => {
  await thread?.close();
  thread = null;
  hanging.splice(0).forEach((res) => res.destroy());
  jest.restoreAllMocks();
});

describe('SendThread', () => {
  it("makes the request on its thread: the calling thread's agents never connect", async () => {
    const connect = jest.spyOn(GuardedHttpAgent.prototype, 'createConnection');
    handler = (req, res) => res.writeHead(200, { 'x-seen': String(req.headers['content-type']) }).end('x'.repeat(10_000));
    thread = new SendThread({ network: allowLoopback, workerFile });
    const answer = await thread.exchange({ url: `${base}/hook`, method: 'post', body: '{"a":1}', headers: {}, cap: 100 });
    expect(answer).toEqual({
      kind: 'answer',
      status: 200,
      headers: expect.objectContaining({ 'x-seen': 'application/json' }),
      body: 'x'.repeat(100),
    });
    expect(connect).not.toHaveBeenCalled();
  });

  it("takes the host's address policy to the thread: loopback refused when not allowed", async () => {
    let reached = 0;
    handler = (_req, res) => {
      reached++;
      res.end();
    };
    thread = new SendThread({ network: { allowLoopback: false, allowPrivate: false }, workerFile });
    const sender = new Sender({ network: { allowLoopback: false, allowPrivate: false }, exchange: thread });
    const out = await sender.deliver({
      webhook: { platform: 'slack', url: `${base}/services/T1/B1/topsecret`, signingSecret: null },
      body: { text: 'x' },
      messageId: 'm1',
    });
    expect(reached).toBe(0);
    expect(out.outcome).toBe('dead');
    expect(out.failure).toBe('blocked');
    expect(JSON.stringify(out)).not.toContain('topsecret');
  });

  it("classifies on the caller's clock: a Retry-After date is read against the test world's time", async () => {
    const now = Date.UTC(2031, 5, 1, 12, 0, 0);
    handler = (_req, res) => res.writeHead(429, { 'retry-after': new Date(now + 30_000).toUTCString() }).end();
    thread = new SendThread({ network: allowLoopback, workerFile });
    const sender = new Sender({ network: allowLoopback, exchange: thread, now: () => now });
    const out = await sender.deliver({
      webhook: { platform: 'slack', url: `${base}/s`, signingSecret: null },
      body: { text: 'x' },
      messageId: 'm2',
    });
    expect(out.outcome).toBe('rate_limited');
    expect(out.verdict).toMatchObject({ kind: 'rate_limited', waitMs: 30_000 });
  });

  it('falls back to the calling thread, logged, when the worker file is missing', async () => {
    const connect = jest.spyOn(GuardedHttpAgent.prototype, 'createConnection');
    const logger = recordingLogger();
    thread = new SendThread({ network: allowLoopback, workerFile: path.join(repoRoot, 'no-such-send-worker.js'), logger });
    const answer = await thread.exchange({ url: `${base}/hook`, method: 'post', body: '{}', headers: {}, cap: 100 });
    expect(answer).toMatchObject({ kind: 'answer', status: 204 });
    expect(connect).toHaveBeenCalled();
    expect(logger.entries.map((e) => e.msg)).toEqual([
      'webhooks: the send thread is missing (is the module built?); sending on the host thread',
    ]);
  });

  it('a request still running at close comes back as a network failure (retried by the outbox), and later ones too', async () => {
    let arrived = 0;
    handler = (_req, res) => {
      arrived++;
      hanging.push(res);
    };
    thread = new SendThread({ network: allowLoopback, workerFile });
    const sender = new Sender({ network: allowLoopback, exchange: thread });
    const pending = sender.deliver({
      webhook: { platform: 'slack', url: `${base}/slow`, signingSecret: null },
      body: { text: 'x' },
      messageId: 'm3',
    });
    const deadline = Date.now() + 10_000;
    while (arrived === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(arrived).toBe(1);
    await thread.close();
    const out = await pending;
    expect(out.outcome).toBe('retry');
    expect(out.statusCode).toBeNull();
    expect(out.error).toMatch(/^ESENDTHREAD: the send thread stopped/);
    const after = await sender.deliver({
      webhook: { platform: 'slack', url: `${base}/late`, signingSecret: null },
      body: { text: 'x' },
      messageId: 'm4',
    });
    expect(after.outcome).toBe('retry');
    expect(arrived).toBe(1);
  });
});
