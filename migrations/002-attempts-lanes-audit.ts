import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/** Attempt history (Svix style), shared rate-limit lanes, the audit trail, and the lease owner. */
export const attemptsLanesAudit: ModuleMigration = {
  name: '002-attempts-lanes-audit',
  async up(knex: Knex) {
    await knex.schema.alterTable('wh_deliveries', (t) => {
      /** Which worker holds the lease: lets a worker release only its own rows on shutdown. */
      t.string('locked_by', 64).nullable();
      /** Deliveries packed into one request share a batch id (coalescing). */
      t.string('batch_id', 64).nullable();
    });
    await knex.schema.createTable('wh_attempts', (t) => {
      t.bigIncrements('id').primary();
      t.bigInteger('delivery_id').unsigned().notNullable().references('id').inTable('wh_deliveries').onDelete('CASCADE');
      t.bigInteger('attempted_at').notNullable();
      t.integer('status_code').nullable();
      /** ok | retry | rate_limited | dead */
      t.string('outcome', 16).notNullable();
      t.text('error').nullable();
      /** Capped (4 KB) response body, pruned with the delivery. */
      t.text('response_body').nullable();
      t.integer('duration_ms').notNullable();
      t.index(['delivery_id'], 'wh_attempts_delivery_idx');
    });
    await knex.schema.createTable('wh_lanes', (t) => {
      /** One row per webhook: rate-limit state every host process reads before sending. */
      t.integer('webhook_id').unsigned().primary().references('id').inTable('wh_webhooks').onDelete('CASCADE');
      /** No request to this webhook before this time (epoch ms). */
      t.bigInteger('blocked_until').notNullable().defaultTo(0);
      t.string('bucket', 128).nullable();
      t.bigInteger('updated_at').notNullable();
    });
    await knex.schema.createTable('wh_audit', (t) => {
      t.bigIncrements('id').primary();
      t.bigInteger('at').notNullable();
      t.string('actor', 200).notNullable();
      t.string('action', 64).notNullable();
      t.integer('webhook_id').nullable();
      /** JSON; never holds a webhook URL in clear */
      t.text('details').nullable();
      t.index(['at'], 'wh_audit_at_idx');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('wh_audit');
    await knex.schema.dropTableIfExists('wh_lanes');
    await knex.schema.dropTableIfExists('wh_attempts');
    await knex.schema.alterTable('wh_deliveries', (t) => {
      t.dropColumn('batch_id');
      t.dropColumn('locked_by');
    });
  },
};
