/**
 * The one place that makes HTTP requests to webhook targets. got with its own retries off (the
 * outbox owns retries), redirects not followed, a request timeout, agents that refuse private,
 * loopback, link-local and internal targets unless the host allows them (guarded-agent.ts: the
 * URL form's classification, applied again at connect time), and the response body read up
 * to 4 KB at most. Never throws: every answer or failure comes back classified. Never puts the
 * URL in an error: targets are credentials.
 */
import { got, type Got } from 'got';
import type { NetworkPolicy } from '../../sdk/module-context.js';
import { signStandardWebhook } from '../rendering/sign-standard-webhook.js';
import type { MessageBody } from '../rendering/types.js';
import type { Webhook } from '../webhooks/webhook.js';
import { GuardedHttpAgent, GuardedHttpsAgent } from './guarded-agent.js';
import { networkFailureOf, type NetworkFailure } from './network-failure.js';
import { classifyNetworkError, classifyResponse, type Classified, type RateLimitInfo, type Verdict } from './classify-response.js';

export const RESPONSE_BODY_CAP = 4096;

export interface SendRequest {
  webhook: Pick<Webhook, 'platform' | 'url' | 'signingSecret'>;
  body?: MessageBody;
  /** The body as JSON text when the caller has it (a stored row): sent as is, `body` unread. */
  text?: string;
  /** Extra query parameters (Discord thread_id). */
  query?: Record<string, string> | null;
  /** Standard Webhooks message id: the same on every retry of one delivery. */
  messageId: string;
  /** Discord: edit this message of the webhook (`PATCH …/messages/{id}`) instead of posting one. */
  editMessageId?: string;
  /** Keep this much of the answer instead of RESPONSE_BODY_CAP (the created message, to read its ids). */
  responseCap?: number;
}

/** What a platform answered to one request, classified by the delivery slice. */
export interface SendResult {
  outcome: 'ok' | 'retry' | 'rate_limited' | 'dead';
  statusCode: number | null;
  /** The platform's own error message or code, e.g. "Unknown Webhook" / "no_service" / "timeout". */
  error: string | null;
  /** Discord's JSON error code (10015, 50027, 50035) when present. */
  platformCode?: number | null;
  /** No HTTP answer: what kind of network failure (DNS, refused, timeout, TLS, …). */
  failure?: NetworkFailure | null;
  durationMs: number;
}

/** Send test on the settings page goes through this. */
export interface TestSender {
  /** Sends `body` to the webhook now, outside the outbox, and classifies the answer. */
  send(webhook: Webhook, body: MessageBody): Promise<SendResult>;
}

export interface SendOutcome extends SendResult {
  verdict: Verdict;
  rateLimit: RateLimitInfo;
  /** At most RESPONSE_BODY_CAP bytes of the answer. */
  responseBody: string | null;
}

export interface SenderOptions {
  network: NetworkPolicy;
  /** Whole-request timeout (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
  userAgent?: string;
}

/**
 * The URL a request goes to: Discord waits for the message (so errors come back), plus the
 * renderer's query; an edit goes to the message's own URL (which takes no `wait`).
 */
export function targetUrl(webhook: Pick<Webhook, 'platform' | 'url'>, query?: Record<string, string> | null, editMessageId?: string): URL {
  const url = new URL(webhook.url);
  if (editMessageId) url.pathname = `${url.pathname.replace(/\/+$/, '')}/messages/${encodeURIComponent(editMessageId)}`;
  else if (webhook.platform === 'discord') url.searchParams.set('wait', 'true');
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url;
}

export class Sender implements TestSender {
  private readonly http: Got;
  private readonly now: () => number;
  private readonly agents: [GuardedHttpAgent, GuardedHttpsAgent];

  constructor(opts: SenderOptions) {
    this.now = opts.now ?? (() => Date.now());
    this.agents = [new GuardedHttpAgent(opts.network, { keepAlive: true }), new GuardedHttpsAgent(opts.network, { keepAlive: true })];
    this.http = got.extend({
      timeout: { request: opts.timeoutMs ?? 10_000 },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      agent: { http: this.agents[0], https: this.agents[1] },
      headers: { 'user-agent': opts.userAgent ?? 'clientx-webhooks/1.0', 'content-type': 'application/json' },
    });
  }

  /** Closes kept-alive connections (module shutdown). */
  close(): void {
    for (const agent of this.agents) agent.destroy();
  }

  /** "Send test" on the settings page: one request now, classified. */
  async send(webhook: Webhook, body: MessageBody): Promise<SendResult> {
    const { verdict, rateLimit, responseBody, ...result } = await this.deliver({
      webhook,
      body,
      messageId: `msg_test_${this.now().toString(36)}`,
    });
    void verdict;
    void rateLimit;
    void responseBody;
    return result;
  }

  async deliver(req: SendRequest): Promise<SendOutcome> {
    const started = performance.now();
    let url: URL;
    try {
      url = targetUrl(req.webhook, req.query, req.editMessageId);
    } catch {
      const invalid = { code: 'EINVALIDURL', message: 'the webhook URL is not a valid URL' };
      return this.outcome(classifyNetworkError(invalid), null, null, started, networkFailureOf(invalid));
    }
    const text = req.text ?? JSON.stringify(req.body);
    const headers: Record<string, string> = {};
    if (req.webhook.platform === 'json' && req.webhook.signingSecret) {
      Object.assign(headers, signStandardWebhook(req.webhook.signingSecret, req.messageId, Math.floor(this.now() / 1000), text));
    }
    try {
      const answer = await this.post(url, text, headers, req.editMessageId ? 'patch' : 'post', req.responseCap ?? RESPONSE_BODY_CAP);
      return this.outcome(classifyResponse(req.webhook.platform, answer, this.now()), answer.status, answer.body, started);
    } catch (err) {
      return this.outcome(
        classifyNetworkError(err as Error & { code?: string }),
        null,
        null,
        started,
        networkFailureOf(err as Error & { code?: string }),
      );
    }
  }

  /** Streams the answer so a huge body is cut at the cap instead of being buffered whole. */
  private post(
    url: URL,
    body: string,
    headers: Record<string, string>,
    method: 'post' | 'patch',
    cap: number,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((resolve, reject) => {
      const stream = this.http.stream[method](url, { body, headers });
      let status = 0;
      let resHeaders: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve({ status, headers: resHeaders, body: Buffer.concat(chunks).toString('utf8').slice(0, cap) });
      };
      stream.on('response', (res: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
        status = res.statusCode;
        resHeaders = res.headers;
      });
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= cap) {
          finish();
          stream.destroy();
        }
      });
      stream.on('end', finish);
      stream.on('error', (err: Error) => {
        if (done) return;
        // An answer whose status arrived but whose body broke off is still an answer.
        if (status > 0 && chunks.length > 0) return finish();
        done = true;
        reject(err);
      });
      // A stream must be read for 'response' to fire; data handler above consumes it.
    });
  }

  private outcome(
    c: Classified,
    status: number | null,
    body: string | null,
    started: number,
    failure: NetworkFailure | null = null,
  ): SendOutcome {
    const v = c.verdict;
    const outcome: SendResult['outcome'] =
      v.kind === 'ok' ? 'ok' : v.kind === 'rate_limited' ? 'rate_limited' : v.kind === 'retry' ? 'retry' : 'dead';
    const error = v.kind === 'ok' ? null : v.kind === 'rate_limited' ? `rate limited (${v.waitMs} ms)` : v.reason;
    const platformCode = v.kind === 'dead_request' || v.kind === 'dead_webhook' ? v.platformCode : null;
    return {
      outcome,
      statusCode: status,
      error,
      platformCode,
      failure,
      durationMs: Math.round(performance.now() - started),
      verdict: v,
      rateLimit: c.rateLimit,
      responseBody: body,
    };
  }
}
