/**
 * The host's own tables, run through knex's migrator (table `host_migrations`) at every start.
 * Times are epoch ms (BIGINT), like the module's tables.
 */
import type { Knex } from 'knex';

interface NamedMigration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const hostMigrations: NamedMigration[] = [
  {
    name: '001-host-modules-settings-notifications',
    async up(knex) {
      await knex.schema.createTable('host_modules', (t) => {
        t.string('uuid', 64).primary();
        t.string('name', 200).notNullable();
        t.string('version', 64).notNullable();
        t.text('manifest').notNullable();
        /** `folder` (used where it is) or `archive` (extracted by the host into `dir`). */
        t.string('source_kind', 16).notNullable();
        t.text('source').notNullable();
        t.text('dir').notNullable();
        t.string('state', 16).notNullable();
        t.text('error').nullable();
        t.bigInteger('installed_at').notNullable();
        t.bigInteger('updated_at').notNullable();
      });
      await knex.schema.createTable('host_settings', (t) => {
        /** A module uuid, or `_host` for the host's own keys. */
        t.string('scope', 64).notNullable();
        t.string('key', 191).notNullable();
        t.text('value').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.primary(['scope', 'key']);
      });
      await knex.schema.createTable('host_notifications', (t) => {
        t.increments('id').primary();
        t.string('source', 64).notNullable();
        t.string('level', 16).notNullable();
        t.string('title', 500).notNullable();
        t.text('body').notNullable();
        t.string('href', 2048).nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('read_at').nullable();
        t.index(['read_at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('host_notifications');
      await knex.schema.dropTableIfExists('host_settings');
      await knex.schema.dropTableIfExists('host_modules');
    },
  },
  {
    name: '002-host-sessions',
    async up(knex) {
      // Admin sessions (http/session-store.ts): the SHA-256 of the cookie's session id, never the id.
      await knex.schema.createTable('host_sessions', (t) => {
        t.string('id_hash', 64).primary();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('expires_at').notNullable();
        t.index(['expires_at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('host_sessions');
    },
  },
  {
    name: '003-host-modules-update-error',
    async up(knex) {
      // Why the last update of a module failed while its previous version kept running.
      await knex.schema.alterTable('host_modules', (t) => {
        t.text('update_error').nullable();
      });
    },
    async down(knex) {
      await knex.schema.alterTable('host_modules', (t) => {
        t.dropColumn('update_error');
      });
    },
  },
  {
    name: '004-host-helpdesk',
    async up(knex) {
      // The reference host's helpdesk: staff, tickets and their messages (helpdesk/).
      await knex.schema.createTable('host_staff', (t) => {
        t.string('id', 64).primary();
        t.string('name', 200).notNullable();
        t.string('email', 320).nullable();
        /** JSON array: `tickets.reply`, `tickets.close`, `tickets.assign`, or `*`. */
        t.text('permissions').notNullable();
        t.boolean('active').notNullable().defaultTo(true);
        t.bigInteger('created_at').notNullable();
      });
      await knex.schema.createTable('host_tickets', (t) => {
        t.increments('id').primary();
        t.string('subject', 1000).notNullable();
        t.string('department', 200).notNullable();
        t.string('priority', 16).notNullable();
        /** `open` (waiting for staff), `answered` (waiting for the customer) or `closed`. */
        t.string('status', 16).notNullable();
        t.string('customer_first_name', 200).notNullable();
        t.string('customer_last_name', 200).notNullable();
        t.string('customer_email', 320).notNullable();
        /** SHA-256 of the key in the customer's link to the ticket, never the key. */
        t.string('customer_key_hash', 64).notNullable();
        t.string('assigned_staff_id', 64).nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.index(['status', 'updated_at']);
      });
      await knex.schema.createTable('host_ticket_messages', (t) => {
        t.increments('id').primary();
        t.integer('ticket_id').unsigned().notNullable();
        /** `customer` or `staff`. */
        t.string('author_kind', 16).notNullable();
        t.string('staff_id', 64).nullable();
        t.string('author_name', 200).notNullable();
        t.text('content').notNullable();
        t.bigInteger('created_at').notNullable();
        t.index(['ticket_id', 'id']);
      });
      await knex('host_staff').insert({
        id: 'admin',
        name: 'Admin',
        email: null,
        permissions: JSON.stringify(['*']),
        active: true,
        created_at: Date.now(),
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('host_ticket_messages');
      await knex.schema.dropTableIfExists('host_tickets');
      await knex.schema.dropTableIfExists('host_staff');
    },
  },
];

/** A knex migrationSource over in-memory migrations (no files to find: works from src and dist alike). */
export function listSource(migrations: NamedMigration[]): Knex.MigrationSource<NamedMigration> {
  return {
    getMigrations: async () => migrations,
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({ up: (k: Knex) => m.up(k), down: (k: Knex) => m.down(k) }),
  };
}

export async function migrateHost(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource: listSource(hostMigrations), tableName: 'host_migrations' });
}
