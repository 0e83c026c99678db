/**
 * wh_chat_events (migration 013): the chat events the helpdesk acted on (Slack's `event_id`, and
 * interaction keys `<platform>:interaction:<id>`: module/helpdesk/register-helpdesk.ts), so a
 * retried one acts once, and the fingerprints of answers typed in a ticket's chat thread, so the ticket.reply such
 * an answer causes is not posted back into that thread. Rows live a day.
 */
import type { Knex } from 'knex';
import { isDuplicateKey } from '../storage/duplicate-key.js';

const TABLE = 'wh_chat_events';
const KEEP_MS = 86_400_000;

export class ChatEventStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
  ) {}

  /**
   * Records `eventId` first seen now; false when it was already recorded (a retry). Two copies
   * arriving at once: the primary key lets one insert win.
   */
  async firstSeen(eventId: string): Promise<boolean> {
    await this.db(TABLE)
      .where('created_at', '<', this.now() - KEEP_MS)
      .delete();
    try {
      await this.db(TABLE).insert({ event_id: eventId, created_at: this.now() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** The event `eventId` is answering `ticketId` in `channel` with text of fingerprint `echo`. */
  async expectEcho(eventId: string, ticketId: string, channel: string, echo: string): Promise<void> {
    await this.db(TABLE).where({ event_id: eventId }).update({ ticket_id: ticketId, channel, echo });
  }

  /** The answer was not taken: no echo to expect. */
  async dropEcho(eventId: string): Promise<void> {
    await this.db(TABLE).where({ event_id: eventId }).update({ echo: null });
  }

  /** True (once) when an answer of `ticketId` with fingerprint `echo` came from `channel`'s thread. */
  async takeEcho(ticketId: string, channel: string, echo: string): Promise<boolean> {
    const row: { event_id: string } | undefined = await this.db(TABLE)
      .select('event_id')
      .where({ ticket_id: ticketId, channel, echo })
      .first();
    if (!row) return false;
    // One answer, one skipped message: the same words typed twice are two answers.
    return Number(await this.db(TABLE).where({ event_id: row.event_id, echo }).update({ echo: null })) > 0;
  }
}
