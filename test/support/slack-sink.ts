/**
 * A test server on 127.0.0.1 that answers like a Slack incoming webhook
 * (`POST /services/T…/B…/secret`): `200 ok` as plain text, and plain-text errors —
 * `invalid_payload` / `no_text` (400), `action_prohibited` (403), `no_service` (404),
 * `channel_is_archived` (410) — plus about one message per second per webhook: past it a 429
 * with `Retry-After: 1`. Mattermost and Rocket.Chat accept the same shape.
 */
import { SinkServer, type ReceivedRequest, type SinkAnswer } from './sink-server.js';

export type SlackGone = 'no_service' | 'channel_is_archived' | 'action_prohibited';
const goneStatus: Record<SlackGone, number> = { no_service: 404, channel_is_archived: 410, action_prohibited: 403 };

export class SlackSink extends SinkServer {
  /** Minimum gap between two accepted messages to one webhook (ms); 0 turns pacing off. */
  minGapMs: number;
  /** Requests answered 429 because they came too soon, per webhook. */
  readonly tooSoon = new Map<string, number>();
  private readonly gone = new Map<string, SlackGone>();
  private readonly last = new Map<string, number>();

  constructor(opts: { minGapMs?: number } = {}) {
    super();
    this.minGapMs = opts.minGapMs ?? 1000;
  }

  url(key: string): string {
    return `${this.origin}/services/T0001/${key}/sinksecretsinksecret`;
  }

  /** The webhook stops working the way Slack says it: no_service, channel_is_archived or action_prohibited. */
  breakWebhook(key: string, why: SlackGone): void {
    this.gone.set(key, why);
  }

  repairWebhook(key: string): void {
    this.gone.delete(key);
  }

  messages(key: string): Record<string, unknown>[] {
    return this.requestsFor(key)
      .filter((r) => r.status === 200 && r.json)
      .map((r) => r.json!);
  }

  protected webhookOf(path: string): string | null {
    const m = /^\/services\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
    return m ? m[2] : null;
  }

  protected unknownPath(): SinkAnswer {
    return { status: 404, body: 'no_service' };
  }

  protected answer(req: ReceivedRequest): SinkAnswer {
    const why = this.gone.get(req.webhook);
    if (why) return { status: goneStatus[why], body: why };
    const now = Date.now();
    const last = this.last.get(req.webhook);
    if (this.minGapMs > 0 && last !== undefined && now - last < this.minGapMs) {
      this.tooSoon.set(req.webhook, (this.tooSoon.get(req.webhook) ?? 0) + 1);
      return { status: 429, body: 'rate_limited', headers: { 'retry-after': String(Math.ceil((this.minGapMs - (now - last)) / 1000)) } };
    }
    if (!req.json) return { status: 400, body: 'invalid_payload' };
    const hasText = typeof req.json.text === 'string' && req.json.text.length > 0;
    const hasBlocks = Array.isArray(req.json.blocks) && req.json.blocks.length > 0;
    if (!hasText && !hasBlocks) return { status: 400, body: 'no_text' };
    this.last.set(req.webhook, now);
    return { status: 200, body: 'ok' };
  }
}
