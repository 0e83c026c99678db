/** Runs a module's migrations through knex's migrator, with one migrations table per module. */
import type { Knex } from 'knex';
import type { ModuleMigration } from '../../sdk/module-context.js';
import { listSource } from '../db/host-migrations.js';

/** The table knex records a module's applied migrations in. */
export const migrationsTableOf = (uuid: string) => `modmig_${uuid}`;

function config(uuid: string, migrations: ModuleMigration[]): Knex.MigratorConfig {
  // A migration applied by a newer version that failed to start, and was rolled back to this
  // one, stays applied (see ModuleRegistry.update): this version must still start on that schema.
  return { migrationSource: listSource(migrations), tableName: migrationsTableOf(uuid), disableMigrationsListValidation: true };
}

export function checkMigrations(value: unknown): ModuleMigration[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('entry: `migrations` must be an array of {name, up, down}');
  value.forEach((m, i) => {
    if (!m || typeof m.name !== 'string' || typeof m.up !== 'function' || typeof m.down !== 'function') {
      throw new Error(`entry: migrations[${i}] must be {name: string, up(knex), down(knex)}`);
    }
  });
  return value as ModuleMigration[];
}

export async function migrateModuleUp(db: Knex, uuid: string, migrations: ModuleMigration[]): Promise<void> {
  await db.migrate.latest(config(uuid, migrations));
}

/** Rolls every migration of the module back, then drops its migrator's own tables. */
export async function migrateModuleDown(db: Knex, uuid: string, migrations: ModuleMigration[]): Promise<void> {
  await db.migrate.rollback(config(uuid, migrations), true);
  await db.schema.dropTableIfExists(`modmig_${uuid}_lock`);
  await db.schema.dropTableIfExists(`modmig_${uuid}`);
}
