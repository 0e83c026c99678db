/**
 * Shared plumbing of the test sinks: an HTTP server on 127.0.0.1 (random port) that records
 * every request, tracks how many are in flight per webhook, and plays injected faults
 * (status codes, hangs, connection resets) before answering normally.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** Webhook key taken from the path (Discord id, Slack path). */
  webhook: string;
  /** HTTP method (POST, PATCH). */
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body, or null when it is not JSON. */
  json: Record<string, unknown> | null;
  /** Date.now() when the request arrived. */
  at: number;
  /** Status the sink answered with. */
  status: number;
  /** The injected fault this request met, if any (its kind). */
  fault?: Fault['kind'];
}

export type Fault =
  /** Answer this instead (after `delayMs`, default at once). */
  | { kind: 'status'; status: number; body?: string | Record<string, unknown>; headers?: Record<string, string>; delayMs?: number }
  /** Accept the request and never answer (until the sink closes): a client timeout. */
  | { kind: 'hang' }
  /** Destroy the socket without an answer: a connection reset. */
  | { kind: 'reset' }
  /** Wait `delayMs`, then answer normally (a slow target). */
  | { kind: 'slow'; delayMs: number };

export interface SinkAnswer {
  status: number;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

export abstract class SinkServer {
  readonly requests: ReceivedRequest[] = [];
  /** Highest number of requests to one webhook being handled at the same time. */
  readonly maxInFlight = new Map<string, number>();
  /** Answer delay (ms) for accepted requests, so overlapping requests would show up. */
  latencyMs = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly faults = new Map<string, Fault[]>();
  /** Faults played on every request until released (an outage, a spell of 5xx, slow answers). */
  private readonly standing = new Map<string, Fault>();
  private readonly server: http.Server;
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Queues faults for a webhook ('*' = any webhook); each request consumes one, in order. */
  inject(webhook: string, ...faults: Fault[]): void {
    this.faults.set(webhook, [...(this.faults.get(webhook) ?? []), ...faults]);
  }

  /** Plays `fault` on every request to `webhook` until `release(webhook)` (queued faults come after it). */
  hold(webhook: string, fault: Fault): void {
    this.standing.set(webhook, fault);
  }

  release(webhook: string): void {
    this.standing.delete(webhook);
  }

  /** Requests being handled right now (arrived, not yet answered), all webhooks together. */
  inFlightNow(): number {
    let n = 0;
    for (const v of this.inFlight.values()) n += v;
    return n;
  }

  requestsFor(webhook: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.webhook === webhook);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The webhook key of a path, or null for an unknown path (answered 404). */
  protected abstract webhookOf(path: string): string | null;
  /** The normal answer (validation, rate limits, deleted webhooks). */
  protected abstract answer(req: ReceivedRequest): SinkAnswer;
  protected abstract unknownPath(): SinkAnswer;

  private takeFault(webhook: string): Fault | undefined {
    const standing = this.standing.get(webhook);
    if (standing) return standing;
    for (const key of [webhook, '*']) {
      const queue = this.faults.get(key);
      if (queue?.length) return queue.shift();
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', this.origin);
    const webhook = this.webhookOf(u.pathname);
    let json: Record<string, unknown> | null = null;
    try {
      const v: unknown = JSON.parse(text);
      json = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      // not JSON: json stays null (Slack's invalid_payload case)
    }
    const record: ReceivedRequest = {
      webhook: webhook ?? '',
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
      text,
      json,
      at: Date.now(),
      status: 0,
    };
    this.requests.push(record);
    if (webhook === null) return this.reply(res, record, this.unknownPath());

    const fault = this.takeFault(webhook);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'hang') return; // never answered; closeAllConnections() ends it
    if (fault?.kind === 'reset') {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.kind === 'status') {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      return this.reply(res, record, fault);
    }

    const now = (this.inFlight.get(webhook) ?? 0) + 1;
    this.inFlight.set(webhook, now);
    this.maxInFlight.set(webhook, Math.max(this.maxInFlight.get(webhook) ?? 0, now));
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      this.reply(res, record, this.answer(record));
    } finally {
      this.inFlight.set(webhook, (this.inFlight.get(webhook) ?? 1) - 1);
    }
  }

  private reply(res: http.ServerResponse, record: ReceivedRequest, a: SinkAnswer): void {
    record.status = a.status;
    const isJson = typeof a.body === 'object';
    const payload = a.body === undefined ? '' : isJson ? JSON.stringify(a.body) : String(a.body);
    res.writeHead(a.status, { 'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8', ...a.headers });
    res.end(payload);
  }
}
