import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * A lane remembers its run of 429s (answers "too many requests" with no success in between), so
 * the backoff grows and the webhook is paused after a bound, whichever host process sends.
 */
export const rateLimitRuns: ModuleMigration = {
  name: '004-rate-limit-runs',
  async up(knex: Knex) {
    await knex.schema.alterTable('wh_lanes', (t) => {
      /** 429s in a row (0 after a success, at pause). */
      t.integer('limited_count').notNullable().defaultTo(0);
      /** When the run's first 429 arrived (epoch ms), or null. */
      t.bigInteger('limited_since').nullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('wh_lanes', (t) => {
      t.dropColumn('limited_since');
      t.dropColumn('limited_count');
    });
  },
};
