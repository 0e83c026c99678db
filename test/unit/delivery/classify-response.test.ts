import { classifyNetworkError, classifyResponse, discordErrorText, readRateLimit } from '../../../module/delivery/classify-response.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const text = (status: number, body: string, headers: Record<string, string> = {}) => ({ status, headers, body });

describe('classifyResponse: Discord', () => {
  it('ok on 200 and 204, with the window read from the headers', () => {
    const c = classifyResponse(
      'discord',
      json(200, { id: '1' }, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '1.234', 'X-RateLimit-Bucket': 'abc' }),
    );
    expect(c.verdict).toEqual({ kind: 'ok' });
    expect(c.rateLimit).toMatchObject({ remaining: 0, resetAfterMs: 1234, bucket: 'abc', global: false });
    expect(classifyResponse('discord', text(204, '')).verdict).toEqual({ kind: 'ok' });
  });

  it('429: the body retry_after (float seconds) wins over the Retry-After header', () => {
    const c = classifyResponse(
      'discord',
      json(429, { message: 'You are being rate limited.', retry_after: 0.65, global: false }, { 'retry-after': '1' }),
    );
    expect(c.verdict).toEqual({
      kind: 'rate_limited',
      waitMs: 650,
      global: false,
      source: 'body retry_after',
      capped: false,
      askedMs: 650,
      ignored: [],
    });
  });

  it('429 global from the header or the body', () => {
    expect(classifyResponse('discord', json(429, { retry_after: 2 }, { 'x-ratelimit-global': 'true' })).verdict).toMatchObject({
      kind: 'rate_limited',
      waitMs: 2000,
      global: true,
    });
    expect(classifyResponse('discord', json(429, { retry_after: 2, global: true })).verdict).toMatchObject({ global: true });
  });

  it('429 with only Retry-After (seconds or date), or nothing', () => {
    expect(classifyResponse('slack', text(429, 'rate_limited', { 'Retry-After': '3' })).verdict).toMatchObject({
      kind: 'rate_limited',
      waitMs: 3000,
      global: false,
    });
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(readRateLimit(text(429, '', { 'retry-after': new Date(now + 7000).toUTCString() }), now).retryAfterMs).toBe(7000);
    expect(classifyResponse('teams', text(429, '')).verdict).toMatchObject({ kind: 'rate_limited', waitMs: 1000, source: 'floor' });
  });

  it('404 10015 and 401 50027 are dead webhooks', () => {
    expect(classifyResponse('discord', json(404, { message: 'Unknown Webhook', code: 10015 })).verdict).toEqual({
      kind: 'dead_webhook',
      reason: 'Unknown Webhook (10015)',
      platformCode: 10015,
    });
    expect(classifyResponse('discord', json(401, { message: 'Invalid Webhook Token', code: 50027 })).verdict).toEqual({
      kind: 'dead_webhook',
      reason: 'Invalid Webhook Token (50027)',
      platformCode: 50027,
    });
    expect(classifyResponse('discord', text(404, 'Not Found')).verdict).toMatchObject({ kind: 'dead_webhook', platformCode: 10015 });
  });

  it('400 50035 is a dead request naming the fields', () => {
    const body = {
      code: 50035,
      message: 'Invalid Form Body',
      errors: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } },
    };
    expect(classifyResponse('discord', json(400, body)).verdict).toEqual({
      kind: 'dead_request',
      reason: 'Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length.',
      platformCode: 50035,
    });
  });

  it('5xx and 408 are retried', () => {
    expect(classifyResponse('discord', text(502, 'Bad Gateway')).verdict).toEqual({ kind: 'retry', reason: 'HTTP 502: Bad Gateway' });
    expect(classifyResponse('discord', text(408, '')).verdict).toEqual({ kind: 'retry', reason: 'HTTP 408' });
  });
});

describe('classifyResponse: Slack-likes', () => {
  it('ok on 200 ok', () => expect(classifyResponse('slack', text(200, 'ok')).verdict).toEqual({ kind: 'ok' }));
  it.each([
    [404, 'no_service'],
    [410, 'channel_is_archived'],
    [403, 'action_prohibited'],
    [403, 'invalid_token'],
  ])('%i %s disables the webhook', (status, word) => {
    expect(classifyResponse('slack', text(status, word)).verdict).toEqual({ kind: 'dead_webhook', reason: word, platformCode: null });
  });
  it('400 invalid_payload is a dead request', () => {
    expect(classifyResponse('mattermost', text(400, 'invalid_payload')).verdict).toEqual({
      kind: 'dead_request',
      reason: 'invalid_payload',
      platformCode: null,
    });
  });
  it('500 is retried', () => expect(classifyResponse('rocketchat', text(500, 'oops')).verdict.kind).toBe('retry'));
});

describe('classifyResponse: Telegram, Teams, JSON', () => {
  it('Telegram 400 chat not found and 403 blocked disable the webhook', () => {
    expect(
      classifyResponse('telegram', json(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' })).verdict,
    ).toEqual({
      kind: 'dead_webhook',
      reason: 'Bad Request: chat not found',
      platformCode: 400,
    });
    expect(
      classifyResponse('telegram', json(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' })).verdict
        .kind,
    ).toBe('dead_webhook');
  });
  it('Telegram 429 reads parameters.retry_after', () => {
    expect(
      classifyResponse(
        'telegram',
        json(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }),
      ).verdict,
    ).toMatchObject({
      kind: 'rate_limited',
      waitMs: 7000,
      global: false,
    });
  });
  it('Telegram other 400 is a dead request with its description', () => {
    expect(
      classifyResponse('telegram', json(400, { ok: false, error_code: 400, description: "Bad Request: can't parse entities" })).verdict,
    ).toEqual({
      kind: 'dead_request',
      reason: "Bad Request: can't parse entities",
      platformCode: 400,
    });
  });
  it('generic: 2xx ok, 404/410 dead webhook, 3xx not followed, other 4xx dead request', () => {
    expect(classifyResponse('json', text(202, '')).verdict).toEqual({ kind: 'ok' });
    expect(classifyResponse('teams', text(404, 'gone')).verdict.kind).toBe('dead_webhook');
    expect(classifyResponse('json', text(301, '')).verdict).toEqual({
      kind: 'dead_request',
      reason: 'HTTP 301: redirects are not followed',
      platformCode: null,
    });
    expect(classifyResponse('json', text(422, 'bad field')).verdict).toEqual({
      kind: 'dead_request',
      reason: 'HTTP 422: bad field',
      platformCode: null,
    });
  });
});

describe('classifyNetworkError', () => {
  it('retries timeouts and resets, and never repeats a URL', () => {
    expect(classifyNetworkError({ code: 'ETIMEDOUT', name: 'TimeoutError', message: 'Timeout awaiting request' }).verdict).toEqual({
      kind: 'retry',
      reason: 'timeout',
    });
    const reset = classifyNetworkError({ code: 'ECONNRESET', message: 'socket hang up at https://discord.com/api/webhooks/1/secret' });
    expect(reset.verdict.kind).toBe('retry');
    expect(JSON.stringify(reset)).not.toContain('secret');
  });
  it('a refused address is dead at once', () => {
    expect(
      classifyNetworkError({ message: 'DNS lookup 10.0.0.1(family:4, host:10.0.0.1) is not allowed. Because, It is private IP address.' })
        .verdict.kind,
    ).toBe('dead_request');
  });
});

describe('discordErrorText', () => {
  it('lists at most five field errors', () => {
    const errors = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}`, { _errors: [{ message: `bad ${i}` }] }]));
    expect(discordErrorText({ code: 50035, message: 'Invalid Form Body', errors }).split('; ')).toHaveLength(5);
  });
});
