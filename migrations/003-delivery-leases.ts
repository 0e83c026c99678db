import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * Lane leases for the dispatcher: one worker (in any host process) holds a webhook's lane at a
 * time, so sends to one webhook stay in order and within its rate limit. A crashed worker's
 * lease expires (`locked_until`) and the lane comes back. Deliveries keep the URL query the
 * renderer asked for (Discord `thread_id`).
 */
export const deliveryLeases: ModuleMigration = {
  name: '003-delivery-leases',
  async up(knex: Knex) {
    await knex.schema.alterTable('wh_lanes', (t) => {
      t.string('locked_by', 64).nullable();
      t.bigInteger('locked_until').nullable();
      /** Why the lane waits (rate_limited, retry backoff, pacing): shown to the admin. */
      t.string('blocked_reason', 64).nullable();
    });
    await knex.schema.alterTable('wh_deliveries', (t) => {
      /** JSON object of query parameters added to the URL when sending, or null. */
      t.text('query').nullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('wh_deliveries', (t) => {
      t.dropColumn('query');
    });
    await knex.schema.alterTable('wh_lanes', (t) => {
      t.dropColumn('blocked_reason');
      t.dropColumn('locked_until');
      t.dropColumn('locked_by');
    });
  },
};
