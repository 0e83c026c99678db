/** Opens a knex connection from a DATABASE_URL: sqlite:path (or a bare path), postgres://, mysql:// or mariadb://. */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

export function databaseKind(url: string): DatabaseKind {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (/^(mysql|mariadb):\/\//i.test(url)) return 'mysql';
  return 'sqlite';
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
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    // One connection: SQLite has a single writer; knex queues queries on it.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
        conn.pragma('synchronous = NORMAL');
        done(null, conn);
      },
    },
  });
}
