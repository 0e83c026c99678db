/**
 * Acts like Discord's execute-webhook endpoint for the demo: validates like Discord does
 * (empty message, 2000-character content, 10 embeds), answers 200 with the message when
 * `?wait=true` and 204 otherwise, sends X-RateLimit headers and a 429 past 5 requests per
 * 2 s per webhook. Webhook id `0` answers 404 Unknown Webhook (to try the "dead webhook" path).
 * Like a forum channel's webhook: `thread_name` creates a post (the answer's `channel_id` and
 * `id` are the thread's), `?thread_id=` posts into it, never both; `edit` changes a message the
 * webhook sent (404 Unknown Message when there is none). A thread id it never saw is shown as a
 * post of its own, so a webhook set to a fixed thread works in the demo too.
 */
import type { InboxStore } from './inbox-store.js';

export interface ReceiverAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const LIMIT = 5;
/** The demo's text channel and server. */
const CHANNEL_ID = '1100000000000000000';
const GUILD_ID = '1100000000000000001';
const WINDOW_MS = 2000;

export class DiscordReceiver {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private nextId = 1_300_000_000_000_000_000n;

  constructor(
    private readonly store: InboxStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** PATCH /webhooks/{id}/{token}/messages/{message_id}: only the fields sent change. */
  edit(webhookId: string, messageId: string, body: unknown): ReceiverAnswer {
    if (webhookId === '0') return { status: 404, headers: {}, body: { message: 'Unknown Webhook', code: 10015 } };
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { status: 400, headers: {}, body: { message: 'Invalid Form Body', code: 50035 } };
    const msg = this.store.edit(messageId, body as Record<string, unknown>);
    if (!msg) return { status: 404, headers: {}, body: { message: 'Unknown Message', code: 10008 } };
    return { status: 200, headers: {}, body: { ...msg.body, id: messageId, channel_id: msg.thread?.id ?? CHANNEL_ID, type: 0 } };
  }

  receive(webhookId: string, wait: boolean, body: unknown, threadId?: string): ReceiverAnswer {
    if (webhookId === '0') return { status: 404, headers: {}, body: { message: 'Unknown Webhook', code: 10015 } };
    const at = this.now();
    let w = this.windows.get(webhookId);
    if (!w || at - w.start >= WINDOW_MS) {
      w = { start: at, count: 0 };
      this.windows.set(webhookId, w);
    }
    const resetAfter = Math.max(0, (w.start + WINDOW_MS - at) / 1000);
    const headers = (remaining: number): Record<string, string> => ({
      'x-ratelimit-limit': String(LIMIT),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': ((w!.start + WINDOW_MS) / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': `inbox-${webhookId.slice(0, 8)}`,
    });
    if (w.count >= LIMIT) {
      return {
        status: 429,
        headers: { ...headers(0), 'retry-after': String(Math.ceil(resetAfter)) },
        body: { message: 'You are being rate limited.', retry_after: Number(resetAfter.toFixed(3)), global: false },
      };
    }
    w.count += 1;
    const h = headers(LIMIT - w.count);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { status: 400, headers: h, body: { message: 'Cannot send an empty message', code: 50006 } };
    const b = body as { content?: unknown; embeds?: unknown[]; username?: unknown };
    const hasContent = typeof b.content === 'string' && b.content.trim() !== '';
    const embeds = Array.isArray(b.embeds) ? b.embeds : [];
    if (!hasContent && embeds.length === 0)
      return { status: 400, headers: h, body: { message: 'Cannot send an empty message', code: 50006 } };
    if (typeof b.content === 'string' && b.content.length > 2000) {
      return {
        status: 400,
        headers: h,
        body: {
          message: 'Invalid Form Body',
          code: 50035,
          errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
        },
      };
    }
    if (embeds.length > 10) {
      return {
        status: 400,
        headers: h,
        body: {
          message: 'Invalid Form Body',
          code: 50035,
          errors: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }] } },
        },
      };
    }
    const threadName = (b as { thread_name?: unknown }).thread_name;
    if (typeof threadName === 'string' && threadId)
      return { status: 400, headers: h, body: { message: 'Cannot include both thread_name and thread_id', code: 220003 } };
    const id = String(this.nextId++);
    const tags = (b as { applied_tags?: unknown }).applied_tags;
    const thread =
      typeof threadName === 'string'
        ? { id, name: threadName, tags: Array.isArray(tags) ? tags.map(String) : [] }
        : threadId
          ? (this.store.thread(threadId) ?? { id: threadId, name: `#${threadId.slice(-4)}`, tags: [] })
          : undefined;
    const stored = this.store.add('discord', webhookId.slice(0, 4) + '…', body as Record<string, unknown>, { messageId: id, thread });
    if (!wait) return { status: 204, headers: h, body: null };
    return {
      status: 200,
      headers: h,
      body: {
        id,
        type: 0,
        content: hasContent ? b.content : '',
        embeds,
        channel_id: thread?.id ?? CHANNEL_ID,
        guild_id: GUILD_ID,
        webhook_id: webhookId,
        author: { id: webhookId, username: typeof b.username === 'string' ? b.username : 'Webhooks', bot: true, discriminator: '0000' },
        timestamp: new Date(stored.at).toISOString(),
        attachments: [],
        mentions: [],
        mention_roles: [],
      },
    };
  }
}
