import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * One conversation per ticket on Discord (options.threadPerTicket, options.statusCard):
 * wh_ticket_threads maps a webhook's ticket to its forum post (thread id) and first message (the
 * one the status card edits); wh_deliveries.thread holds the fan-out's plan of a ticket row
 * (title, tags, card: module/rendering/ticket-thread-plan.ts) for the worker that sends it.
 * Map rows go with their webhook and are pruned with the delivery retention.
 */
export const ticketThreads: ModuleMigration = {
  name: '008-ticket-threads',
  async up(knex: Knex) {
    await knex.schema.createTable('wh_ticket_threads', (t) => {
      t.integer('webhook_id').unsigned().notNullable().references('id').inTable('wh_webhooks').onDelete('CASCADE');
      t.string('ticket_id', 64).notNullable();
      /** The forum post (a thread channel); null for a text channel's status card. */
      t.string('thread_id', 32).nullable();
      /** The ticket's first message: the post's starter, or the text channel's message. */
      t.string('message_id', 32).notNullable();
      /** The server, when Discord said it: the delivery log links to the thread with it. */
      t.string('guild_id', 32).nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.primary(['webhook_id', 'ticket_id']);
      t.index(['updated_at'], 'wh_ticket_threads_updated_idx');
    });
    await knex.schema.alterTable('wh_deliveries', (t) => {
      t.text('thread').nullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('wh_deliveries', (t) => {
      t.dropColumn('thread');
    });
    await knex.schema.dropTableIfExists('wh_ticket_threads');
  },
};
