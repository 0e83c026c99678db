import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * The host's emit persists the validated event once (wh_events, Svix's "message") and returns;
 * fan-out renders it for each webhook in the background and replaces it with its delivery rows in
 * one transaction. A row still here after a crash is fanned out by the next process that starts.
 * wh_worker_leases holds the fan-out lease (one holder across host processes, so the deliveries
 * of a webhook keep the order of the events).
 */
export const eventIntake: ModuleMigration = {
  name: '005-event-intake',
  async up(knex: Knex) {
    await knex.schema.createTable('wh_events', (t) => {
      /** Fan-out goes in this order. */
      t.bigIncrements('id').primary();
      t.string('event_name', 64).notNullable();
      t.string('event_id', 128).notNullable();
      /** The validated payload (JSON text). */
      t.text('payload', 'mediumtext').notNullable();
      /** Fan-outs the database refused (a poison row is dropped after a few, with an error log). */
      t.integer('attempts').notNullable().defaultTo(0);
      t.text('last_error').nullable();
      t.bigInteger('created_at').notNullable();
    });
    await knex.schema.createTable('wh_worker_leases', (t) => {
      t.string('name', 64).primary();
      t.string('locked_by', 64).nullable();
      t.bigInteger('locked_until').nullable();
    });
    await knex('wh_worker_leases').insert({ name: 'fan-out', locked_by: null, locked_until: null });
  },
  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('wh_worker_leases');
    await knex.schema.dropTableIfExists('wh_events');
  },
};
