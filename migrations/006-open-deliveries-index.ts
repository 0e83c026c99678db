import type { Knex } from 'knex';
import type { ModuleMigration } from '../sdk/module-context.js';

/**
 * The lanes' hot query (a webhook's due rows, oldest first) reads only open rows: pending,
 * failed or sending. With 30 days of delivered history the (webhook_id, id) index walked every
 * delivered row of the webhook first; this index holds the open rows only, so the query costs
 * the same with no history or a million rows of it. PostgreSQL and SQLite take a partial index
 * (the due query repeats its predicate word for word, as SQLite requires); MariaDB has none, so
 * there the status leads the range instead.
 */
export const OPEN_STATUSES_SQL = "status IN ('pending', 'failed', 'sending')";
const NAME = 'wh_deliveries_open_idx';

export const openDeliveriesIndex: ModuleMigration = {
  name: '006-open-deliveries-index',
  async up(knex: Knex) {
    if (/mysql|maria/.test(String(knex.client.dialect)))
      await knex.schema.alterTable('wh_deliveries', (t) => t.index(['webhook_id', 'status', 'id'], NAME));
    else await knex.raw(`CREATE INDEX ${NAME} ON wh_deliveries (webhook_id, id) WHERE ${OPEN_STATUSES_SQL}`);
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('wh_deliveries', (t) => t.dropIndex(['webhook_id', 'status', 'id'], NAME));
  },
};
