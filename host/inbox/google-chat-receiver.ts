/**
 * Acts like a Google Chat incoming webhook for the demo (`POST /v1/spaces/:space/messages?key=…&token=…`):
 * 403 without key or token, 400 without text or cards, else 200 with the created message's `name`
 * and `thread.name`. A body's `thread.threadKey` with `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`
 * replies in that key's thread (started when new), as Google documents it.
 */
import type { InboxStore } from './inbox-store.js';
import type { ReceiverAnswer } from './discord-receiver.js';

const json = (status: number, body: unknown): ReceiverAnswer => ({ status, headers: { 'content-type': 'application/json' }, body });
const googleError = (code: number, status: string, message: string) => json(code, { error: { code, message, status } });

export class GoogleChatReceiver {
  private readonly threads = new Map<string, string>();
  private seq = 0;

  constructor(private readonly store: InboxStore) {}

  receive(space: string, query: Record<string, string | undefined>, body: unknown): ReceiverAnswer {
    if (!query.key || !query.token) return googleError(403, 'PERMISSION_DENIED', 'Invalid token or key');
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload');
    const b = body as { text?: unknown; cardsV2?: unknown; thread?: { threadKey?: unknown } };
    if (!(typeof b.text === 'string' && b.text.trim()) && !(Array.isArray(b.cardsV2) && b.cardsV2.length))
      return googleError(400, 'INVALID_ARGUMENT', 'Message cannot be empty');
    const key = typeof b.thread?.threadKey === 'string' ? b.thread.threadKey : null;
    const replies =
      query.messageReplyOption === 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' || query.messageReplyOption === 'REPLY_MESSAGE_OR_FAIL';
    const threadKey = replies && key ? `${space}\n${key}` : null;
    let thread = threadKey ? this.threads.get(threadKey) : undefined;
    if (!thread) {
      thread = `spaces/${space}/threads/t${++this.seq}`;
      if (threadKey) this.threads.set(threadKey, thread);
    }
    this.store.add('googlechat', space.slice(0, 4) + '…', body as Record<string, unknown>, {
      thread: { id: thread, name: replies && key ? key : '', tags: [] },
    });
    return json(200, { name: `spaces/${space}/messages/m${++this.seq}`, thread: { name: thread } });
  }
}
