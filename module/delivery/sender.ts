/**
 * The one place that sends to webhook targets: builds the request (the target URL, the signature
 * of a signed JSON webhook) and classifies what came back; the request itself is an exchange
 * (http-exchange.ts: got, guarded agents, the answer read up to 4 KB at most), on the calling
 * thread or on the send thread. Never throws: every answer or failure comes back classified.
 * Never puts the URL in an error: targets are credentials.
 */
import { platformOf } from '../platforms/index.js';
import { signStandardWebhook } from '../platforms/json/sign-standard-webhook.js';
import type { MessageBody } from '../rendering/types.js';
import type { Webhook } from '../webhooks/webhook.js';
import { GotExchange, type ExchangeOptions, type HttpExchange } from './http-exchange.js';
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
  /** Extra request headers (a bot's `Authorization`): never logged nor recorded. */
  headers?: Record<string, string>;
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

export interface SenderOptions extends ExchangeOptions {
  now?: () => number;
  /** Where requests are made (default: got on the calling thread, built from these options). */
  exchange?: HttpExchange;
}

/**
 * The URL a request goes to: Discord waits for the message (so errors come back), plus the
 * renderer's query; an edit goes to the message's own URL (which takes no `wait`).
 */
export function targetUrl(webhook: Pick<Webhook, 'platform' | 'url'>, query?: Record<string, string> | null, editMessageId?: string): URL {
  const url = new URL(webhook.url);
  if (editMessageId) url.pathname = `${url.pathname.replace(/\/+$/, '')}/messages/${encodeURIComponent(editMessageId)}`;
  else for (const [k, v] of Object.entries(platformOf(webhook.platform).sendQuery ?? {})) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url;
}

export class Sender implements TestSender {
  private readonly exchange: HttpExchange;
  private readonly now: () => number;

  constructor(opts: SenderOptions) {
    this.now = opts.now ?? (() => Date.now());
    this.exchange = opts.exchange ?? new GotExchange(opts);
  }

  /** Closes kept-alive connections and ends requests still running (module shutdown). */
  close(): Promise<void> {
    return this.exchange.close();
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
    const headers: Record<string, string> = { ...req.headers };
    if (platformOf(req.webhook.platform).signed && req.webhook.signingSecret) {
      Object.assign(headers, signStandardWebhook(req.webhook.signingSecret, req.messageId, Math.floor(this.now() / 1000), text));
    }
    const answer = await this.exchange.exchange({
      url: url.href,
      method: req.editMessageId ? 'patch' : 'post',
      body: text,
      headers,
      cap: req.responseCap ?? RESPONSE_BODY_CAP,
    });
    if (answer.kind === 'failure')
      return this.outcome(classifyNetworkError(answer.error), null, null, started, networkFailureOf(answer.error));
    // Classified here, on the caller's clock: Retry-After dates and reset times are read against it.
    return this.outcome(classifyResponse(req.webhook.platform, answer, this.now()), answer.status, answer.body, started);
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
