/**
 * Acts like a Slack incoming webhook for the demo: `ok` as text/plain, `invalid_payload` (400)
 * without text or blocks, `no_service` (404) when the last path part is `gone`.
 */
import type { InboxStore } from './inbox-store.js';
import type { ReceiverAnswer } from './discord-receiver.js';

export class SlackReceiver {
  constructor(private readonly store: InboxStore) {}

  receive(team: string, secret: string, body: unknown): ReceiverAnswer {
    const text = (status: number, s: string): ReceiverAnswer => ({
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: s,
    });
    if (secret === 'gone') return text(404, 'no_service');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return text(400, 'invalid_payload');
    const b = body as { text?: unknown; blocks?: unknown };
    const ok = (typeof b.text === 'string' && b.text.trim() !== '') || (Array.isArray(b.blocks) && b.blocks.length > 0);
    if (!ok) return text(400, 'no_text');
    this.store.add('slack', team.slice(0, 4) + '…', body as Record<string, unknown>);
    return text(200, 'ok');
  }
}
