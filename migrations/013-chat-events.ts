import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * Chat events the helpdesk acted on (Slack Events API `event_id`): a retried event (Slack resends
 * until it gets a 200 within 3 s, with `X-Slack-Retry-Num`) finds its row and acts no more. A row
 * of an answer typed in a ticket's chat thread also keeps the answer's fingerprint and the
 * thread's channel, so the ticket.reply it causes is not posted back into that thread
 * (delivery/bot-posts.ts). Rows older than a day go.
 */
export const chatEvents: ModuleMigration = {
  name: '013-chat-events',
  async up(knex: Knex) {
    await knex.schema.createTable('wh_chat_events', (t) => {
      t.string('event_id', 128).notNullable().primary();
      t.string('ticket_id', 64).nullable();
      t.string('channel', 32).nullable();
      /** The answer's fingerprint (rendering/ticket-thread-plan.ts echoKey) until its ticket.reply is skipped once. */
      t.string('echo', 64).nullable();
      t.bigInteger('created_at').notNullable();
      t.index(['ticket_id', 'echo'], 'wh_chat_events_echo_idx');
      t.index(['created_at'], 'wh_chat_events_created_idx');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('wh_chat_events');
  },
};
