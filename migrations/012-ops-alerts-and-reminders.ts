import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * wh_ops_alerts: per webhook, what the operational events need across restarts and host
 * processes — since when it fails, how many deliveries it gave up, and when each kind of alert
 * was last raised (alerts are coalesced per webhook and window).
 * wh_awaiting_staff: the durable schedule of `ticket.awaiting_staff` reminders — one row per
 * ticket and delay while a customer's message waits for staff, due at a time, claimed with a
 * lease by one process, deleted once its event is persisted or when staff answer or close.
 */
export const opsAlertsAndReminders: ModuleMigration = {
  name: '012-ops-alerts-and-reminders',
  async up(knex: Knex) {
    await knex.schema.createTable('wh_ops_alerts', (t) => {
      t.integer('webhook_id').unsigned().primary().references('id').inTable('wh_webhooks').onDelete('CASCADE');
      t.bigInteger('failing_since').nullable();
      t.integer('failures').notNullable().defaultTo(0);
      /** Deliveries given up since the last delivery_failed alert (told in the next one). */
      t.integer('unreported').notNullable().defaultTo(0);
      t.bigInteger('failed_alert_at').nullable();
      t.bigInteger('disabled_alert_at').nullable();
      t.bigInteger('paused_alert_at').nullable();
      t.bigInteger('updated_at').notNullable();
    });
    await knex.schema.createTable('wh_awaiting_staff', (t) => {
      t.bigIncrements('id').primary();
      t.string('ticket_id', 64).notNullable();
      t.integer('delay_minutes').notNullable();
      t.bigInteger('waiting_since').notNullable();
      t.bigInteger('due_at').notNullable();
      /** The ticket and the customer's message the reminder shows (JSON). */
      t.text('snapshot').notNullable();
      t.string('locked_by', 64).nullable();
      t.bigInteger('locked_until').nullable();
      t.bigInteger('created_at').notNullable();
      // One waiting period per ticket and delay: a second customer message adds nothing.
      t.unique(['ticket_id', 'delay_minutes']);
      t.index(['due_at']);
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('wh_awaiting_staff');
    await knex.schema.dropTableIfExists('wh_ops_alerts');
  },
};
