import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * Times are epoch milliseconds in BIGINT columns: the same arithmetic on SQLite, PostgreSQL
 * and MariaDB, and no time-zone conversion by drivers. Stores convert them with Number().
 */
export const createWebhooksAndDeliveries: ModuleMigration = {
  name: '001-create-webhooks-and-deliveries',
  async up(knex: Knex) {
    await knex.schema.createTable('wh_webhooks', (t) => {
      t.increments('id').primary();
      t.string('name', 200).notNullable();
      /** The URL is a credential: sealed with the host's APP_KEY, never stored in clear. */
      t.text('url_sealed').notNullable();
      /** Masked form for lists and logs, e.g. https://discord.com/api/webhooks/1234…/•••• */
      t.string('url_hint', 300).notNullable();
      t.string('platform', 32).notNullable();
      /** JSON array of event names */
      t.text('events').notNullable();
      /** JSON object: family ('order' | 'ticket') -> template */
      t.text('templates').notNullable();
      /** JSON object: formatting and delivery options */
      t.text('options').notNullable();
      /** JSON object: which events of its kinds it receives */
      t.text('filters').notNullable();
      t.boolean('enabled').notNullable().defaultTo(true);
      t.text('disabled_reason').nullable();
      t.bigInteger('disabled_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
    await knex.schema.createTable('wh_deliveries', (t) => {
      t.bigIncrements('id').primary();
      t.integer('webhook_id').unsigned().notNullable().references('id').inTable('wh_webhooks').onDelete('CASCADE');
      t.string('event_name', 64).notNullable();
      t.string('event_id', 128).notNullable();
      /** webhook id + event id: an event emitted twice is enqueued once */
      t.string('idempotency_key', 200).notNullable().unique();
      /** pending | sending | delivered | failed | dead */
      t.string('status', 16).notNullable();
      /** The rendered request body (JSON text), exactly what is sent. */
      t.text('body', 'mediumtext').notNullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.bigInteger('next_attempt_at').notNullable();
      t.bigInteger('locked_until').nullable();
      t.text('last_error').nullable();
      t.integer('last_status_code').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.bigInteger('delivered_at').nullable();
      t.index(['status', 'next_attempt_at'], 'wh_deliveries_due_idx');
      t.index(['webhook_id', 'id'], 'wh_deliveries_webhook_idx');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('wh_deliveries');
    await knex.schema.dropTableIfExists('wh_webhooks');
  },
};
