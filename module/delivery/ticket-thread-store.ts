/**
 * wh_ticket_threads: per webhook and ticket, the Discord forum post (thread id) and the first
 * message the status card edits. Written and read by the worker only (ticket-threads.ts), inside
 * the webhook's lane, so one ticket's events never race on their row.
 */
import type { Knex } from 'knex';

const TABLE = 'wh_ticket_threads';

export interface TicketThread {
  /** The forum post (thread channel id); null in a text channel (status card only). */
  threadId: string | null;
  /** The ticket's first message: the post's starter message, or the text channel's message. */
  messageId: string;
  guildId: string | null;
}

export interface TicketThreadStore {
  get(webhookId: number, ticketId: string): Promise<TicketThread | null>;
  /** Records (or replaces, after a re-created post) the ticket's thread. */
  put(webhookId: number, ticketId: string, thread: TicketThread): Promise<void>;
  /** Discord said the post or message is gone. */
  forget(webhookId: number, ticketId: string): Promise<void>;
  /** Retention: map rows untouched for `olderThanDays` go (a later reply then opens a new post). */
  prune(olderThanDays: number): Promise<number>;
}

export class KnexTicketThreadStore implements TicketThreadStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
  ) {}

  async get(webhookId: number, ticketId: string): Promise<TicketThread | null> {
    const r: { thread_id: string | null; message_id: string; guild_id: string | null } | undefined = await this.db(TABLE)
      .select('thread_id', 'message_id', 'guild_id')
      .where({ webhook_id: webhookId, ticket_id: ticketId })
      .first();
    return r ? { threadId: r.thread_id ?? null, messageId: r.message_id, guildId: r.guild_id ?? null } : null;
  }

  async put(webhookId: number, ticketId: string, thread: TicketThread): Promise<void> {
    const at = this.now();
    await this.db(TABLE)
      .insert({
        webhook_id: webhookId,
        ticket_id: ticketId,
        thread_id: thread.threadId,
        message_id: thread.messageId,
        guild_id: thread.guildId,
        created_at: at,
        updated_at: at,
      })
      .onConflict(['webhook_id', 'ticket_id'])
      .merge(['thread_id', 'message_id', 'guild_id', 'updated_at']);
  }

  /** The ticket whose thread is `threadId` with first message `messageId` (a Slack channel and ts), or null. */
  async ticketOf(threadId: string, messageId: string): Promise<string | null> {
    const r: { ticket_id: string } | undefined = await this.db(TABLE)
      .select('ticket_id')
      .where({ thread_id: threadId, message_id: messageId })
      .first();
    return r?.ticket_id ?? null;
  }

  async forget(webhookId: number, ticketId: string): Promise<void> {
    await this.db(TABLE).where({ webhook_id: webhookId, ticket_id: ticketId }).delete();
  }

  async prune(olderThanDays: number): Promise<number> {
    if (!(olderThanDays > 0)) throw new RangeError(`prune: olderThanDays must be > 0, got ${olderThanDays}`);
    return this.db(TABLE)
      .where('updated_at', '<', this.now() - olderThanDays * 86_400_000)
      .delete();
  }
}
