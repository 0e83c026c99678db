import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * A webhook's condition: a CEL expression over the event's payload (`order.total >= 100`),
 * checked beside the fixed filters, which keep working. Nullable: null is "every event".
 */
export const webhookCondition: ModuleMigration = {
  name: '010-webhook-condition',
  async up(knex: Knex) {
    await knex.schema.alterTable('wh_webhooks', (t) => t.text('condition').nullable());
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('wh_webhooks', (t) => t.dropColumn('condition'));
  },
};
