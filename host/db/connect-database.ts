/** Opens a knex connection from a DATABASE_URL: sqlite:path (or a bare path), postgres://, mysql:// or mariadb://. */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { cachePreparedStatements, type PreparingConnection } from '../../sdk/sqlite-statement-cache.js';
import { chooseSqliteDriver, nodeSqliteClient } from './sqlite-driver.js';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

export function databaseKind(url: string): DatabaseKind {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (/^(mysql|mariadb):\/\//i.test(url)) return 'mysql';
  return 'sqlite';
}

/** The file (or `:memory:`) of a SQLite DATABASE_URL. */
export function sqliteFileOf(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/i, '');
}

export function connectDatabase(url: string, opts: { poolMax?: number } = {}): Knex {
  const kind = databaseKind(url);
  if (kind === 'postgres') {
    return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: opts.poolMax ?? 10 } });
  }
  if (kind === 'mysql') {
    const u = new URL(url.replace(/^mariadb:/i, 'mysql:'));
    return knexFactory({
      client: 'mysql2',
      connection: {
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username || 'root'),
        password: decodeURIComponent(u.password),
        database: u.pathname.replace(/^\//, '') || undefined,
        // BIGINT epoch-ms columns come back as numbers, not strings.
        supportBigNumbers: true,
        bigNumberStrings: false,
        charset: 'utf8mb4',
      },
      pool: { min: 0, max: opts.poolMax ?? 10 },
    });
  }
  const file = sqliteFileOf(url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const driver = chooseSqliteDriver();
  return knexFactory({
    // knex accepts a client class; node:sqlite has no built-in knex client.
    client: (driver === 'node' ? nodeSqliteClient() : 'better-sqlite3') as Knex.Config['client'],
    connection: { filename: file },
    useNullAsDefault: true,
    // One connection: SQLite has a single writer; knex queues queries on it.
    pool: {
      min: 1,
      max: 1,
      // exec() is common to both drivers (better-sqlite3's pragma() is not).
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
          cachePreparedStatements(conn);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
}

/** What both SQLite drivers' connections offer that the pool hook uses. */
interface SqliteConnection extends PreparingConnection {
  exec(sql: string): unknown;
}
