/**
 * A generic JSON receiver on 127.0.0.1 (the `json` platform): answers 200 `{"ok":true}`, or
 * 410 Gone for a key marked gone (the Standard Webhooks way of saying "stop sending").
 * URL: `/hooks/:key/:secret-part`.
 */
import { SinkServer, type ReceivedRequest, type SinkAnswer } from './sink-server.js';

export class JsonSink extends SinkServer {
  private readonly gone = new Set<string>();

  url(key: string): string {
    return `${this.origin}/hooks/${key}/receiver-secret-part`;
  }

  markGone(key: string): void {
    this.gone.add(key);
  }

  protected webhookOf(path: string): string | null {
    const m = /^\/hooks\/([^/]+)\/[^/]+$/.exec(path);
    return m ? m[1] : null;
  }

  protected unknownPath(): SinkAnswer {
    return { status: 404, body: { error: 'not found' } };
  }

  protected answer(req: ReceivedRequest): SinkAnswer {
    if (this.gone.has(req.webhook)) return { status: 410, body: { error: 'gone' } };
    return { status: 200, body: { ok: true } };
  }
}
