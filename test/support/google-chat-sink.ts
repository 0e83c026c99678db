/**
 * A Google Chat incoming-webhook receiver on 127.0.0.1: `POST /v1/spaces/:space/messages?key=…&token=…`
 * answers the created `Message` (`name`, `thread.name`) and keeps each space's threads as Google
 * documents them: a body `thread.threadKey` with `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`
 * (or `REPLY_MESSAGE_OR_FAIL`) replies in that key's thread, starting it when it does not exist yet;
 * without a reply option (the default, MESSAGE_REPLY_OPTION_UNSPECIFIED) every message starts a
 * new thread, whatever key it carries. A missing key or token answers 403 like Google's.
 */
import { SinkServer, type ReceivedRequest, type SinkAnswer } from './sink-server.js';

export interface ChatThread {
  name: string;
  key: string | null;
  messages: Record<string, unknown>[];
}

export class GoogleChatSink extends SinkServer {
  /** Threads of each space, in creation order. */
  readonly threads = new Map<string, ChatThread[]>();
  private seq = 0;

  url(space: string): string {
    return `${this.origin}/v1/spaces/${space}/messages?key=test-key&token=test-token`;
  }

  protected webhookOf(path: string): string | null {
    const m = /^\/v1\/spaces\/([^/]+)\/messages$/.exec(path);
    return m ? m[1] : null;
  }

  protected unknownPath(): SinkAnswer {
    return { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } } };
  }

  protected answer(req: ReceivedRequest): SinkAnswer {
    if (!req.query.key || !req.query.token)
      return { status: 403, body: { error: { code: 403, message: 'Invalid token', status: 'PERMISSION_DENIED' } } };
    const body = req.json ?? {};
    const threads = this.threads.get(req.webhook) ?? [];
    this.threads.set(req.webhook, threads);
    const key = (body.thread as { threadKey?: string } | undefined)?.threadKey ?? null;
    const replies = ['REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD', 'REPLY_MESSAGE_OR_FAIL'].includes(req.query.messageReplyOption ?? '');
    let thread = replies && key !== null ? threads.find((t) => t.key === key) : undefined;
    if (!thread) {
      thread = { name: `spaces/${req.webhook}/threads/t${++this.seq}`, key: replies ? key : null, messages: [] };
      threads.push(thread);
    }
    thread.messages.push(body);
    return { status: 200, body: { name: `spaces/${req.webhook}/messages/m${++this.seq}`, thread: { name: thread.name } } };
  }
}
