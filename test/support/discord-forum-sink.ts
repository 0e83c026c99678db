/**
 * A test server on 127.0.0.1 that answers like the webhook of a Discord forum channel:
 *  - `POST /api/webhooks/:id/:token?wait=true` with `thread_name` (and `applied_tags`) creates a
 *    post: a thread whose starter message has the thread's id; the answer is that message, its
 *    `channel_id` the thread;
 *  - with `?thread_id=` the message goes into that thread (404 code 10003 Unknown Channel when it
 *    does not exist or was deleted);
 *  - neither, or both: 400 as Discord answers (220001, 220003 "thread_name and thread_id");
 *  - `PATCH /api/webhooks/:id/:token/messages/:message_id[?thread_id=]` edits a message of the
 *    thread (404 code 10008 Unknown Message, 10003 for an unknown thread);
 *  - deletePost(threadId) removes a post as a moderator would.
 * Thread and message ids are 18-digit snowflakes.
 */
import { discordBodyProblems } from './discord-sink.js';
import { SinkServer, type ReceivedRequest, type SinkAnswer } from './sink-server.js';

export interface ForumMessage {
  id: string;
  content: string | null;
  embeds: unknown[];
  /** Times the message was edited. */
  edits: number;
  /** The body the webhook sent, the last edit applied. */
  body: Record<string, unknown>;
}

export interface ForumPost {
  id: string;
  name: string;
  tags: string[];
  /** Starter first (its id is the thread's), in arrival order. */
  messages: ForumMessage[];
}

export const GUILD_ID = '111111111111111111';

export class DiscordForumSink extends SinkServer {
  readonly posts = new Map<string, ForumPost>();
  /** Posts deleted by deletePost, by id. */
  readonly deleted = new Set<string>();
  private nextId = 200_000_000_000_000_000n;

  url(id: string | number, token = 'forum-token-abcdef'): string {
    return `${this.origin}/api/webhooks/${id}/${token}`;
  }

  deletePost(threadId: string): void {
    this.posts.delete(threadId);
    this.deleted.add(threadId);
  }

  /** Posts in creation order. */
  allPosts(): ForumPost[] {
    return [...this.posts.values()];
  }

  protected webhookOf(path: string): string | null {
    const m = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/[^/]+)?$/.exec(path);
    return m ? m[1] : null;
  }

  protected unknownPath(): SinkAnswer {
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private id(): string {
    return String(this.nextId++);
  }

  private message(post: ForumPost, m: ForumMessage): Record<string, unknown> {
    return { ...m.body, id: m.id, channel_id: post.id, guild_id: GUILD_ID, content: m.content ?? '', embeds: m.embeds, type: 0 };
  }

  protected answer(req: ReceivedRequest): SinkAnswer {
    const body = req.json;
    const threadId = req.query.thread_id;
    if (req.method === 'PATCH') {
      const messageId = /\/messages\/([^/]+)$/.exec(req.path)![1];
      const post = threadId ? this.posts.get(threadId) : undefined;
      if (!post) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      const m = post.messages.find((x) => x.id === messageId);
      if (!m) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      if (!body) return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
      // Only the fields sent change (Discord's PATCH).
      if ('content' in body) m.content = (body.content as string | null) ?? null;
      if ('embeds' in body) m.embeds = (body.embeds as unknown[] | null) ?? [];
      m.body = { ...m.body, ...body };
      m.edits++;
      return { status: 200, body: this.message(post, m) };
    }
    const problems = discordBodyProblems(body);
    if (problems) return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: problems } };
    const name = body!.thread_name;
    if (typeof name === 'string' && threadId)
      return { status: 400, body: { message: 'Cannot include both thread_name and thread_id', code: 220003 } };
    if (typeof name !== 'string' && !threadId)
      return { status: 400, body: { message: 'Webhooks posted to forum channels must have a thread_name or thread_id', code: 220001 } };
    const m = (id: string): ForumMessage => ({
      id,
      content: typeof body!.content === 'string' ? body!.content : null,
      embeds: Array.isArray(body!.embeds) ? body!.embeds : [],
      edits: 0,
      body: body!,
    });
    let post: ForumPost;
    let msg: ForumMessage;
    if (typeof name === 'string') {
      const id = this.id();
      msg = m(id);
      post = { id, name, tags: (body!.applied_tags as string[] | undefined) ?? [], messages: [msg] };
      this.posts.set(id, post);
    } else {
      const found = this.posts.get(threadId!);
      if (!found) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      post = found;
      msg = m(this.id());
      post.messages.push(msg);
    }
    if (req.query.wait !== 'true') return { status: 204 };
    return { status: 200, body: this.message(post, msg) };
  }
}
