/**
 * The send thread (built module) against small servers this test starts on 127.0.0.1: requests
 * are made on the thread, not with the calling thread's agents; the host's address policy goes
 * with them; what comes back is classified on the caller's clock; a missing worker falls back to
 * the calling thread, logged; a request the thread drops at shutdown comes back as a network
 * failure the outbox retries, never as a lost or hanging promise.
 */
import path from 'node:path';
import { jest } from '@jest/globals';
import { GuardedHttpAgent } from '../../module/delivery/guarded-agent.js';
import { SendThread } from '../../module/delivery/send-thread.js';
import { Sender } from '../../module/delivery/sender.js';
import { JsonSink } from '../support/json-sink.js';
import { repoRoot, requireBuild } from '../support/host-child.js';
import { recordingLogger } from './delivery-harness.js';

const workerFile = path.join(repoRoot, 'dist', 'module', 'delivery', 'send-worker.js');
const allowLoopback = { allowLoopback: true, allowPrivate: false };

let sink: JsonSink;
beforeAll(async () => {
  requireBuild();
  sink = await new JsonSink().start();
});
afterAll(async () => {
  await sink?.close();
});

let thread: SendThread | null = null;
afterEach(async () => {
  await thread?.close();
  thread = null;
  jest.restoreAllMocks();
});

describe('SendThread', () => {
  it("makes the request on its thread: the calling thread's agents never connect", async () => {
    const connect = jest.spyOn(GuardedHttpAgent.prototype, 'createConnection');
    sink.inject('t1', { kind: 'status', status: 200, body: 'x'.repeat(10_000), headers: { 'x-seen': 'yes' } });
    thread = new SendThread({ network: allowLoopback, workerFile });
    const answer = await thread.exchange({ url: sink.url('t1'), method: 'post', body: '{"a":1}', headers: {}, cap: 100 });
    expect(answer).toEqual({ kind: 'answer', status: 200, headers: expect.objectContaining({ 'x-seen': 'yes' }), body: 'x'.repeat(100) });
    expect(sink.requestsFor('t1').map((r) => [r.method, r.headers['content-type'], r.text])).toEqual([
      ['POST', 'application/json', '{"a":1}'],
    ]);
    expect(connect).not.toHaveBeenCalled();
  });

  it("takes the host's address policy to the thread: loopback refused when not allowed", async () => {
    thread = new SendThread({ network: { allowLoopback: false, allowPrivate: false }, workerFile });
    const sender = new Sender({ network: { allowLoopback: false, allowPrivate: false }, exchange: thread });
    const out = await sender.deliver({
      webhook: { platform: 'json', url: sink.url('t2'), signingSecret: null },
      body: { a: 1 },
      messageId: 'm1',
    });
    expect(sink.requestsFor('t2')).toHaveLength(0);
    expect(out.outcome).toBe('dead');
    expect(out.failure).toBe('blocked');
    expect(JSON.stringify(out)).not.toContain('receiver-secret-part');
  });

  it("classifies on the caller's clock: a Retry-After date is read against the test world's time", async () => {
    const now = Date.UTC(2031, 5, 1, 12, 0, 0);
    sink.inject('t3', { kind: 'status', status: 429, headers: { 'retry-after': new Date(now + 30_000).toUTCString() } });
    thread = new SendThread({ network: allowLoopback, workerFile });
    const sender = new Sender({ network: allowLoopback, exchange: thread, now: () => now });
    const out = await sender.deliver({
      webhook: { platform: 'json', url: sink.url('t3'), signingSecret: null },
      body: { a: 1 },
      messageId: 'm2',
    });
    expect(out.outcome).toBe('rate_limited');
    expect(out.verdict).toMatchObject({ kind: 'rate_limited', waitMs: 30_000 });
  });

  it('falls back to the calling thread, logged, when the worker file is missing', async () => {
    const connect = jest.spyOn(GuardedHttpAgent.prototype, 'createConnection');
    const logger = recordingLogger();
    thread = new SendThread({ network: allowLoopback, workerFile: path.join(repoRoot, 'no-such-send-worker.js'), logger });
    const answer = await thread.exchange({ url: sink.url('t4'), method: 'post', body: '{}', headers: {}, cap: 100 });
    expect(answer).toMatchObject({ kind: 'answer', status: 200 });
    expect(connect).toHaveBeenCalled();
    expect(logger.entries.map((e) => e.msg)).toEqual([
      'webhooks: the send thread is missing (is the module built?); sending on the host thread',
    ]);
  });

  it('a request still running at close comes back as a network failure (retried by the outbox), and later ones too', async () => {
    sink.inject('t5', { kind: 'hang' });
    thread = new SendThread({ network: allowLoopback, workerFile });
    const sender = new Sender({ network: allowLoopback, exchange: thread });
    const pending = sender.deliver({
      webhook: { platform: 'json', url: sink.url('t5'), signingSecret: null },
      body: { a: 1 },
      messageId: 'm3',
    });
    const deadline = Date.now() + 10_000;
    while (sink.requestsFor('t5').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Arrived, never answered.
    expect(sink.requestsFor('t5').map((r) => r.status)).toEqual([0]);
    await thread.close();
    const out = await pending;
    expect(out.outcome).toBe('retry');
    expect(out.statusCode).toBeNull();
    expect(out.error).toMatch(/^ESENDTHREAD: the send thread stopped/);
    const after = await sender.deliver({
      webhook: { platform: 'json', url: sink.url('t5'), signingSecret: null },
      body: { a: 1 },
      messageId: 'm4',
    });
    expect(after.outcome).toBe('retry');
    expect(sink.requestsFor('t5')).toHaveLength(1);
  });
});
