/**
 * One HTTP request to a webhook target and what came back, with nothing classified: the IO half
 * of the sender. got with its own retries off (the outbox owns retries), redirects not followed,
 * a request timeout, agents that refuse private, loopback, link-local and internal targets unless
 * the host allows them (guarded-agent.ts), and the answer read up to a cap. Everything in and out
 * is plain data, so the same exchange runs on the calling thread or on the send thread
 * (send-thread.ts).
 */
import { got, type Got } from 'got';
import type { NetworkPolicy } from '../../sdk/module-context.js';
import { GuardedHttpAgent, GuardedHttpsAgent } from './guarded-agent.js';

export interface ExchangeRequest {
  url: string;
  method: 'post' | 'patch';
  body: string;
  headers: Record<string, string>;
  /** Keep at most this much of the answer. */
  cap: number;
}

export type ExchangeResult =
  | { kind: 'answer'; status: number; headers: Record<string, string | string[] | undefined>; body: string }
  /** No HTTP answer: the error's code, name and message (what classifyNetworkError reads). */
  | { kind: 'failure'; error: { code?: string; name?: string; message: string } };

export interface HttpExchange {
  /** Never rejects: a failure comes back as `kind: 'failure'`. */
  exchange(req: ExchangeRequest): Promise<ExchangeResult>;
  /** Ends kept-alive connections and requests still running (module shutdown). */
  close(): Promise<void>;
}

export interface ExchangeOptions {
  network: NetworkPolicy;
  /** Whole-request timeout (default 10 s). */
  timeoutMs?: number;
  userAgent?: string;
}

/** The exchange on the calling thread. */
export class GotExchange implements HttpExchange {
  private readonly http: Got;
  private readonly agents: [GuardedHttpAgent, GuardedHttpsAgent];

  constructor(opts: ExchangeOptions) {
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

  async close(): Promise<void> {
    for (const agent of this.agents) agent.destroy();
  }

  async exchange(req: ExchangeRequest): Promise<ExchangeResult> {
    try {
      return { kind: 'answer', ...(await this.stream(req)) };
    } catch (err) {
      const e = err as Error & { code?: string };
      return { kind: 'failure', error: { code: e.code, name: e.name, message: e.message } };
    }
  }

  /** Streams the answer so a huge body is cut at the cap instead of being buffered whole. */
  private stream(req: ExchangeRequest): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((resolve, reject) => {
      const stream = this.http.stream[req.method](req.url, { body: req.body, headers: req.headers });
      let status = 0;
      let resHeaders: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve({ status, headers: resHeaders, body: Buffer.concat(chunks).toString('utf8').slice(0, req.cap) });
      };
      stream.on('response', (res: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
        status = res.statusCode;
        resHeaders = res.headers;
      });
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= req.cap) {
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
      // A stream must be read for 'response' to fire; the data handler above consumes it.
    });
  }
}
