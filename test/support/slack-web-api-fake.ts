/**
 * A stand-in for Slack's Web API on 127.0.0.1 (the host's SLACK_API_BASE points at `url`): it
 * answers `chat.postMessage` and `chat.postEphemeral` as Slack does — HTTP 200 with `{ok: true,
 * channel, ts, message}` or `{ok: false, error}` (`not_authed` without a bearer token,
 * `invalid_auth` with another one, `channel_not_found` for a channel it does not know), and a
 * 429 `{ok: false, error: "ratelimited"}` with `Retry-After` when told to. Every `ts` is new
 * (seconds and six digits, like Slack's).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackApiCall {
  method: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** What it answered (the ts of a posted message). */
  answer: Record<string, unknown>;
}

export class SlackWebApiFake {
  readonly calls: SlackApiCall[] = [];
  /** The next this many chat.postMessage calls answer 429 ratelimited. */
  rateLimitNext = 0;
  private server: http.Server | null = null;
  private seq = 0;

  constructor(
    private readonly token: string,
    private readonly channels: readonly string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api`;
  }

  posts(channel?: string): SlackApiCall[] {
    return this.calls.filter((c) => c.method === 'chat.postMessage' && c.answer.ok === true && (!channel || c.body.channel === channel));
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          // Slack answers invalid_json; the module only sends JSON.
        }
        const send = (status: number, answer: Record<string, unknown>, headers: Record<string, string> = {}) => {
          this.calls.push({ method, authorization: req.headers.authorization, body, answer });
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
          res.end(JSON.stringify(answer));
        };
        const auth = req.headers.authorization;
        if (!auth) return send(200, { ok: false, error: 'not_authed' });
        if (auth !== `Bearer ${this.token}`) return send(200, { ok: false, error: 'invalid_auth' });
        if (method !== 'chat.postMessage' && method !== 'chat.postEphemeral') return send(200, { ok: false, error: 'unknown_method' });
        if (method === 'chat.postMessage' && this.rateLimitNext > 0) {
          this.rateLimitNext--;
          return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
        }
        if (typeof body.channel !== 'string' || !this.channels.includes(body.channel))
          return send(200, { ok: false, error: 'channel_not_found' });
        const ts = `${1733400000 + this.seq}.${String(++this.seq).padStart(6, '0')}`;
        if (method === 'chat.postEphemeral') return send(200, { ok: true, message_ts: ts });
        send(200, { ok: true, channel: body.channel, ts, message: { type: 'message', text: body.text, ts, thread_ts: body.thread_ts } });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
  }

  async close(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}
