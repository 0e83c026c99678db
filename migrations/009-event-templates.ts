import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * A webhook's templates per event (`{"ticket.reply": "…"}`), read before its family's template,
 * so "new reply from staff" and "new reply from the customer"… read differently. Nullable text
 * (MariaDB gives TEXT no default): null is "none", as are rows written before this migration.
 */
export const eventTemplates: ModuleMigration = {
  name: '009-event-templates',
  async up(knex: Knex) {
    await knex.schema.alterTable('wh_webhooks', (t) => t.text('event_templates').nullable());
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('wh_webhooks', (t) => t.dropColumn('event_templates'));
  },
};
