/**
 * A module's schema changes while the host serves: a module updated from 1.0.0 to 1.1.0 through
 * the host (its migration adds a column), then the downgrade's migration (1.1.0's rolled back:
 * the column dropped, which SQLite does by rebuilding the table). After each step the tables are
 * read back with `SELECT *` by the module's own route and by the host's connection (which ran the
 * migrations and keeps its prepared statements), by a second connection that read them before
 * (another process on the same database), and written with `INSERT … RETURNING`. On every
 * database and, on SQLite, on every driver this Node runs (Node 22's node:sqlite `all()` kept a
 * statement's columns from before the change: issue 30).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Knex } from 'knex';
import type { Host } from '../../host/create-host.js';
import { connectDatabase, type DatabaseKind } from '../../host/db/connect-database.js';
import { listSource } from '../../host/db/host-migrations.js';
import type { SqliteDriver } from '../../host/db/sqlite-driver.js';
import { startTestHost } from '../fixtures/host-kit.js';
import { writeCraftedTgz } from '../support/crafted-tar.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';

const getBuiltin = (process as { getBuiltinModule?: (id: string) => { StatementSync?: { prototype: object } } | undefined })
  .getBuiltinModule;
const nodeSqlite = getBuiltin?.call(process, 'node:sqlite');

/** The SQLite drivers this Node runs: node:sqlite from 22.16, better-sqlite3 12 where it loads, below Node 24 (it aborts at exit from 24.19, nodejs/node#65446). */
function sqliteDrivers(): SqliteDriver[] {
  const drivers: SqliteDriver[] = [];
  if (nodeSqlite?.StatementSync && 'columns' in nodeSqlite.StatementSync.prototype) drivers.push('node');
  if (Number(process.versions.node.split('.')[0]) < 24) {
    try {
      createRequire(import.meta.url)('better-sqlite3');
      drivers.push('better-sqlite3');
    } catch {
      // An optional dependency: not built on this machine.
    }
  }
  return drivers;
}

const cases: Array<[string, DatabaseKind, SqliteDriver | null]> = testDatabaseKinds().flatMap((kind) =>
  kind === 'sqlite'
    ? sqliteDrivers().map((d): [string, DatabaseKind, SqliteDriver | null] => [`sqlite on ${d}`, kind, d])
    : [[kind, kind, null] as [string, DatabaseKind, SqliteDriver | null]],
);

const UUID = 'ledger';
interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}
const createEntries: Migration = {
  name: '001-ledger-entries',
  up: async (knex) =>
    knex.schema.createTable('ledger_entries', (t) => {
      t.increments('id');
      t.integer('amount').notNullable();
    }),
  down: async (knex) => knex.schema.dropTableIfExists('ledger_entries'),
};
const addNote: Migration = {
  name: '002-ledger-entry-note',
  up: async (knex) =>
    knex.schema.alterTable('ledger_entries', (t) => {
      t.string('note', 100).nullable();
    }),
  down: async (knex) =>
    knex.schema.alterTable('ledger_entries', (t) => {
      t.dropColumn('note');
    }),
};

/** The module's code: its migrations, and a route that reads its table whole. */
function moduleSource(migrations: Migration[]): string {
  // The same functions as above, as the module's own source text.
  const list = migrations.map((m) => `{ name: ${JSON.stringify(m.name)}, up: ${m.up.toString()}, down: ${m.down.toString()} }`);
  return `export const migrations = [${list.join(', ')}];
export async function register(ctx) {
  ctx.admin.api('GET', '/entries', async () => ({ json: { items: await ctx.db('ledger_entries').select('*').orderBy('id') } }));
}
`;
}

async function writeModule(file: string, version: string, migrations: Migration[]): Promise<string> {
  const manifest = {
    uuid: UUID,
    name: 'Ledger',
    description: 'Test module whose 1.1.0 adds a column.',
    version,
    author: { name: 'Tests' },
    entry: 'index.js',
    prerequisites: { host: '>=1.0.0 <2.0.0' },
    events: [],
    permissions: [],
  };
  await writeCraftedTgz(file, [
    { path: 'manifest.json', body: JSON.stringify(manifest) },
    { path: 'package.json', body: '{"type":"module","private":true}' },
    { path: 'index.js', body: moduleSource(migrations) },
  ]);
  return file;
}

describe.each(cases)('a module schema change while the host serves (%s)', (_label, kind, driver) => {
  let host: Host;
  let varDir: string;
  let other: Knex;
  let drop: () => Promise<void>;
  const driverBefore = process.env.SQLITE_DRIVER;

  beforeAll(async () => {
    if (driver) process.env.SQLITE_DRIVER = driver;
    const created = await createDatabaseUrl(kind);
    drop = created.drop;
    ({ host, varDir } = await startTestHost({ databaseUrl: created.url, label: 'schema-change' }));
    other = connectDatabase(created.url, { poolMax: 1 });
  });
  afterAll(async () => {
    await other?.destroy();
    await host?.close();
    await drop?.();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
    if (driverBefore === undefined) delete process.env.SQLITE_DRIVER;
    else process.env.SQLITE_DRIVER = driverBefore;
  });

  const routeRows = async () => {
    const res = await fetch(`${host.url}/admin/modules/${UUID}/api/entries`, { headers: { authorization: `Bearer ${host.adminToken}` } });
    const body = (await res.json()) as { items?: unknown[]; error?: string };
    expect({ status: res.status, error: body.error }).toEqual({ status: 200, error: undefined });
    return body.items;
  };
  /** Every reader's `SELECT *`, rows as plain objects with numbers (PostgreSQL gives ids as numbers too). */
  const everyReader = async () => ({
    route: await routeRows(),
    host: await host.db('ledger_entries').select('*').orderBy('id'),
    other: await other('ledger_entries').select('*').orderBy('id'),
  });
  const same = (rows: unknown[]) => ({ route: rows, host: rows, other: rows });
  /** INSERT … RETURNING (not on MySQL/MariaDB, which have none): the row comes back as the table now is, written once. */
  const insertReturning = async (row: Record<string, unknown>) => {
    if (kind === 'mysql') {
      await host.db('ledger_entries').insert(row);
      return null;
    }
    return (await host.db('ledger_entries').insert(row).returning('*'))[0] as Record<string, unknown>;
  };

  it('1.0.0 -> 1.1.0 adds a column and the downgrade drops it: every reader sees the table as it is after each step', async () => {
    const v100 = await writeModule(path.join(varDir, 'ledger-1.0.0.tgz'), '1.0.0', [createEntries]);
    const v110 = await writeModule(path.join(varDir, 'ledger-1.1.0.tgz'), '1.1.0', [createEntries, addNote]);
    await host.modules.installFromArchive(v100);
    expect(await host.modules.enable(UUID)).toMatchObject({ version: '1.0.0', running: true, error: null });
    await host.db('ledger_entries').insert([{ amount: 10 }, { amount: 20 }]);
    expect(await everyReader()).toEqual(
      same([
        { id: 1, amount: 10 },
        { id: 2, amount: 20 },
      ]),
    );
    expect(await insertReturning({ amount: 30 })).toEqual(kind === 'mysql' ? null : { id: 3, amount: 30 });

    // The update, through the host, while it serves: the new column shows up everywhere.
    const updated = await host.modules.update(UUID, v110);
    expect({ updated: updated.updated, error: updated.error }).toEqual({ updated: true, error: null });
    expect(await host.modules.get(UUID)).toMatchObject({ version: '1.1.0', running: true });
    expect(await insertReturning({ amount: 40, note: 'after the update' })).toEqual(
      kind === 'mysql' ? null : { id: 4, amount: 40, note: 'after the update' },
    );
    expect(await everyReader()).toEqual(
      same([
        { id: 1, amount: 10, note: null },
        { id: 2, amount: 20, note: null },
        { id: 3, amount: 30, note: null },
        { id: 4, amount: 40, note: 'after the update' },
      ]),
    );
    expect((await host.db('host_modules').select('*').where({ uuid: UUID }))[0]).toMatchObject({ version: '1.1.0' });

    // The downgrade's migration: 1.1.0's rolled back on the module's own migrations table (the
    // one the host's migrator keeps), while the host serves. The host has no downgrade command.
    await host.db.migrate.down({
      migrationSource: listSource([createEntries, addNote]),
      tableName: `modmig_${UUID}`,
      disableMigrationsListValidation: true,
    });
    expect(await host.db.schema.hasColumn('ledger_entries', 'note')).toBe(false);
    expect(await everyReader()).toEqual(
      same([
        { id: 1, amount: 10 },
        { id: 2, amount: 20 },
        { id: 3, amount: 30 },
        { id: 4, amount: 40 },
      ]),
    );
    expect(await insertReturning({ amount: 50 })).toEqual(kind === 'mysql' ? null : { id: 5, amount: 50 });
    expect(Number((await host.db('ledger_entries').count({ n: '*' }))[0].n)).toBe(5);
    expect((await host.db('host_modules').select('*').where({ uuid: UUID }))[0]).toMatchObject({ uuid: UUID });
  });
});
