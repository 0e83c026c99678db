/**
 * A test server on 127.0.0.1 that answers like Discord's execute-webhook endpoint:
 * `POST /api/webhooks/:id/:token[?wait=true][&thread_id=]`.
 *  - a per-webhook bucket (default 5 requests per 2 s, fixed window) with Discord's
 *    X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket headers; past it a 429 with
 *    `{message, retry_after: <float s>, global}`, `Retry-After` and `X-RateLimit-Scope`;
 *  - 200 with the created message when `wait=true`, 204 without;
 *  - 400 code 50035 "Invalid Form Body" with field errors for a body Discord would refuse;
 *  - 404 code 10015 "Unknown Webhook" for a deleted webhook, 401 code 50027 for a bad token;
 *  - faults from SinkServer.inject (5xx, hang, reset) and a global 429 via rateLimitGlobally().
 */
import { SinkServer, type ReceivedRequest, type SinkAnswer } from './sink-server.js';

export interface DiscordSinkOptions {
  /** Requests per window per webhook. */
  limit?: number;
  windowMs?: number;
}

interface Window {
  start: number;
  count: number;
}

export class DiscordSink extends SinkServer {
  readonly limit: number;
  readonly windowMs: number;
  /** Requests that arrived over the limit (each answered 429), per webhook. */
  readonly overLimit = new Map<string, number>();
  private readonly windows = new Map<string, Window>();
  private readonly deleted = new Set<string>();
  private readonly badTokens = new Set<string>();
  private nextMessageId = 1;

  constructor(opts: DiscordSinkOptions = {}) {
    super();
    this.limit = opts.limit ?? 5;
    this.windowMs = opts.windowMs ?? 2000;
  }

  /** The execute-webhook URL of webhook `id` (the token part is a fake credential). */
  url(id: string | number, token = 'sink-token-abcdef'): string {
    return `${this.origin}/api/webhooks/${id}/${token}`;
  }

  /** The webhook is deleted on Discord's side: 404 / 10015 from now on. */
  deleteWebhook(id: string | number): void {
    this.deleted.add(String(id));
  }

  restoreWebhook(id: string | number): void {
    this.deleted.delete(String(id));
  }

  /** The token was regenerated: 401 / 50027 from now on. */
  revokeToken(id: string | number): void {
    this.badTokens.add(String(id));
  }

  /** The next request (to any webhook) gets a global 429 asking for `retryAfterS` seconds. */
  rateLimitGlobally(retryAfterS: number): void {
    this.inject('*', {
      kind: 'status',
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: retryAfterS, global: true },
      headers: { 'retry-after': String(Math.ceil(retryAfterS)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
    });
  }

  /** Accepted messages of a webhook (2xx answers), in arrival order. */
  messages(id: string | number): Record<string, unknown>[] {
    return this.requestsFor(String(id))
      .filter((r) => r.status >= 200 && r.status < 300 && r.json)
      .map((r) => r.json!);
  }

  protected webhookOf(path: string): string | null {
    const m = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
    return m ? m[1] : null;
  }

  protected unknownPath(): SinkAnswer {
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  protected answer(req: ReceivedRequest): SinkAnswer {
    const id = req.webhook;
    if (this.deleted.has(id)) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (this.badTokens.has(id)) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };

    const now = Date.now();
    let w = this.windows.get(id);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(id, w);
    }
    // Reset-After rounded up to the millisecond, as Discord does, so a client waiting it out is never early.
    const resetAfter = Math.ceil(Math.max(0, w.start + this.windowMs - now)) / 1000;
    const rl = (remaining: number): Record<string, string> => ({
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': ((w!.start + this.windowMs) / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': `sink-bucket-${id}`,
    });
    if (w.count >= this.limit) {
      this.overLimit.set(id, (this.overLimit.get(id) ?? 0) + 1);
      return {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
        headers: { ...rl(0), 'retry-after': String(Math.ceil(resetAfter)), 'x-ratelimit-scope': 'user' },
      };
    }
    w.count += 1;
    const headers = rl(this.limit - w.count);

    const problems = discordBodyProblems(req.json);
    if (problems) return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: problems }, headers };
    if (req.query.wait !== 'true') return { status: 204, headers };
    const message = { id: String(this.nextMessageId++), channel_id: req.query.thread_id ?? '1', ...req.json };
    return { status: 200, body: message, headers };
  }
}

/** A small subset of Discord's checks, with its error shape: `{field: {_errors: [{code, message}]}}`. */
export function discordBodyProblems(body: Record<string, unknown> | null): Record<string, unknown> | null {
  const err = (code: string, message: string) => ({ _errors: [{ code, message }] });
  if (!body) return { _errors: [{ code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' }] };
  const content = body.content;
  const embeds = body.embeds;
  const hasContent = typeof content === 'string' && content.length > 0;
  const hasEmbeds = Array.isArray(embeds) && embeds.length > 0;
  if (!hasContent && !hasEmbeds) return { content: err('BASE_TYPE_REQUIRED', 'Cannot send an empty message') };
  if (typeof content === 'string' && content.length > 2000)
    return { content: err('BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.') };
  if (Array.isArray(embeds) && embeds.length > 10) return { embeds: err('BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.') };
  if (typeof body.username === 'string' && /discord|clyde/i.test(body.username)) {
    return { username: err('USERNAME_INVALID_CONTAINS', 'Username cannot contain "discord"') };
  }
  return null;
}
