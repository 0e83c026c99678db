import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * The order or ticket number of each delivery, so the delivery log's rows say which order or
 * ticket they were about (the event itself is gone once fanned out). Nullable: rows written
 * before this migration have none.
 */
export const deliveryReference: ModuleMigration = {
  name: '007-delivery-reference',
  async up(knex: Knex) {
    await knex.schema.alterTable('wh_deliveries', (t) => t.string('reference', 64).nullable());
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('wh_deliveries', (t) => t.dropColumn('reference'));
  },
};
