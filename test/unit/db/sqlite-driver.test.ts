import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseSqliteDriver } from '../../../host/db/sqlite-driver.js';
import { connectDatabase } from '../../../host/db/connect-database.js';

// Told apart here without the module's helper: node:sqlite with StatementSync#columns (22.16+).
const getBuiltin = (process as { getBuiltinModule?: (id: string) => { StatementSync?: { prototype: object } } | undefined })
  .getBuiltinModule;
const nodeSqlite = getBuiltin?.call(process, 'node:sqlite');
const nodeHasSqlite = !!nodeSqlite?.StatementSync && 'columns' in nodeSqlite.StatementSync.prototype;

describe(`SQLite driver on Node ${process.version}`, () => {
  it(`picks ${nodeHasSqlite ? 'node:sqlite' : 'better-sqlite3'} by default`, () => {
    expect(chooseSqliteDriver({})).toBe(nodeHasSqlite ? 'node' : 'better-sqlite3');
  });

  it('takes SQLITE_DRIVER, and names the variable when its value is wrong', () => {
    expect(chooseSqliteDriver({ SQLITE_DRIVER: 'better-sqlite3' })).toBe('better-sqlite3');
    expect(() => chooseSqliteDriver({ SQLITE_DRIVER: 'sqlite3' })).toThrow(
      'SQLITE_DRIVER must be "node" or "better-sqlite3", not "sqlite3"',
    );
    if (nodeHasSqlite) expect(chooseSqliteDriver({ SQLITE_DRIVER: 'node' })).toBe('node');
    else
      expect(() => chooseSqliteDriver({ SQLITE_DRIVER: 'node' })).toThrow(/SQLITE_DRIVER=node: this Node\.js .* has no usable node:sqlite/);
  });

  it('runs knex on the chosen driver: WAL, foreign keys, RETURNING, transactions, epoch-ms integers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-driver-'));
    const db = connectDatabase(`sqlite:${path.join(dir, 'd.db')}`);
    try {
      expect((db.client as { driverName: string }).driverName).toBe(nodeHasSqlite ? 'node:sqlite' : 'better-sqlite3');
      expect(await db.raw('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await db.raw('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      await db.schema.createTable('parent', (t) => t.increments('id'));
      await db.schema.createTable('child', (t) => {
        t.increments('id');
        t.integer('parent_id').notNullable().references('parent.id');
        t.bigInteger('at').notNullable();
        t.boolean('flag');
      });
      const [parent] = await db('parent').insert({}).returning('id');
      expect(parent).toEqual({ id: 1 });
      const at = 4_102_444_800_000; // 2100-01-01: past 2^32, below 2^53
      await db('child').insert({ parent_id: 1, at, flag: true });
      const rows = await db('child').select('parent_id', 'at', 'flag');
      expect(rows).toEqual([{ parent_id: 1, at, flag: 1 }]);
      expect(Object.getPrototypeOf(rows[0])).not.toBeNull(); // plain objects, as better-sqlite3 gives
      // Matched on the message: a native driver's error from a module loaded by another test file of
      // the same jest worker is not `instanceof Error` here, and toThrow() would not see it.
      await expect(db('child').insert({ parent_id: 99, at })).rejects.toMatchObject({ message: expect.stringMatching(/FOREIGN KEY/) });
      await expect(
        db.transaction(async (tx) => {
          await tx('child').del();
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await db('child').count({ n: '*' })).toEqual([{ n: 1 }]);
      expect(await db('child').where({ parent_id: 1 }).update({ flag: false })).toBe(1);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
