/**
 * The test sinks behave like the platforms they stand for: if they did not, the delivery tests
 * built on them would prove nothing. Plain got requests (no module code) to 127.0.0.1.
 */
import { got } from 'got';
import { DiscordSink } from '../../support/discord-sink.js';
import { SlackSink } from '../../support/slack-sink.js';

const post = (url: string, body: unknown, timeoutMs = 2000) =>
  got.post(url, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    throwHttpErrors: false,
    retry: { limit: 0 },
    timeout: { request: timeoutMs },
  });

describe('DiscordSink', () => {
  let sink: DiscordSink;
  beforeEach(async () => {
    sink = await new DiscordSink({ limit: 3, windowMs: 60_000 }).start();
  });
  afterEach(() => sink.close());

  it('answers 200 with the message under wait=true, 204 without, with Discord rate-limit headers', async () => {
    const a = await post(sink.url(11) + '?wait=true', { content: 'hello' });
    expect(a.statusCode).toBe(200);
    expect(JSON.parse(a.body)).toMatchObject({ content: 'hello' });
    expect(a.headers['x-ratelimit-limit']).toBe('3');
    expect(a.headers['x-ratelimit-remaining']).toBe('2');
    expect(Number(a.headers['x-ratelimit-reset-after'])).toBeGreaterThan(0);
    const b = await post(sink.url(11), { content: 'again' });
    expect(b.statusCode).toBe(204);
    expect(sink.messages(11).map((m) => m.content)).toEqual(['hello', 'again']);
  });

  it('answers 429 with a float retry_after body, Retry-After and Remaining 0 past the bucket, per webhook', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post(sink.url(12) + '?wait=true', { content: `m${i}` })).headers['x-ratelimit-remaining']).toBe(String(2 - i));
    const over = await post(sink.url(12) + '?wait=true', { content: 'too many' });
    expect(over.statusCode).toBe(429);
    const body = JSON.parse(over.body);
    expect(body.global).toBe(false);
    expect(typeof body.retry_after).toBe('number');
    expect(body.retry_after).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(sink.overLimit.get('12')).toBe(1);
    // Another webhook has its own bucket.
    expect((await post(sink.url(13) + '?wait=true', { content: 'other' })).statusCode).toBe(200);
  });

  it('refuses bad bodies with 50035 field errors, a deleted webhook with 10015, a revoked token with 50027', async () => {
    const long = await post(sink.url(14) + '?wait=true', { content: 'x'.repeat(2001) });
    expect(long.statusCode).toBe(400);
    expect(JSON.parse(long.body)).toMatchObject({ code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    sink.deleteWebhook(14);
    const gone = await post(sink.url(14) + '?wait=true', { content: 'x' });
    expect([gone.statusCode, JSON.parse(gone.body)]).toEqual([404, { message: 'Unknown Webhook', code: 10015 }]);
    sink.revokeToken(15);
    const bad = await post(sink.url(15) + '?wait=true', { content: 'x' });
    expect([bad.statusCode, JSON.parse(bad.body).code]).toEqual([401, 50027]);
  });

  it('plays injected faults in order: 500, connection reset, hang (client timeout), global 429', async () => {
    sink.inject('16', { kind: 'status', status: 500, body: 'boom' }, { kind: 'reset' }, { kind: 'hang' });
    expect((await post(sink.url(16), { content: 'a' })).statusCode).toBe(500);
    await expect(post(sink.url(16), { content: 'b' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(post(sink.url(16), { content: 'c' }, 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    sink.rateLimitGlobally(0.25);
    const global = await post(sink.url(17), { content: 'd' });
    expect(global.statusCode).toBe(429);
    expect(global.headers['x-ratelimit-global']).toBe('true');
    expect(JSON.parse(global.body)).toMatchObject({ retry_after: 0.25, global: true });
    expect((await post(sink.url(16), { content: 'e' })).statusCode).toBe(204);
  });
});

describe('SlackSink', () => {
  let sink: SlackSink;
  beforeEach(async () => {
    sink = await new SlackSink({ minGapMs: 60_000 }).start();
  });
  afterEach(() => sink.close());

  it('answers ok as plain text, then 429 Retry-After within the pacing gap', async () => {
    const ok = await post(sink.url('B1'), { text: 'hi' });
    expect([ok.statusCode, ok.body, ok.headers['content-type']]).toEqual([200, 'ok', 'text/plain; charset=utf-8']);
    const soon = await post(sink.url('B1'), { text: 'again' });
    expect(soon.statusCode).toBe(429);
    expect(Number(soon.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(sink.messages('B1')).toEqual([{ text: 'hi' }]);
  });

  it('answers plain-text errors: invalid_payload, no_text, no_service, channel_is_archived, action_prohibited', async () => {
    expect(await post(sink.url('B2'), 'not json').then((r) => [r.statusCode, r.body])).toEqual([400, 'invalid_payload']);
    expect(await post(sink.url('B3'), { text: '' }).then((r) => [r.statusCode, r.body])).toEqual([400, 'no_text']);
    sink.breakWebhook('B4', 'no_service');
    sink.breakWebhook('B5', 'channel_is_archived');
    sink.breakWebhook('B6', 'action_prohibited');
    expect(await post(sink.url('B4'), { text: 'x' }).then((r) => [r.statusCode, r.body])).toEqual([404, 'no_service']);
    expect(await post(sink.url('B5'), { text: 'x' }).then((r) => [r.statusCode, r.body])).toEqual([410, 'channel_is_archived']);
    expect(await post(sink.url('B6'), { text: 'x' }).then((r) => [r.statusCode, r.body])).toEqual([403, 'action_prohibited']);
  });
});
