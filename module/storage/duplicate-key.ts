/**
 * A primary-key or unique clash, as each driver says it: better-sqlite3 by its code, node:sqlite
 * by SQLite's extended result code (it names every error ERR_SQLITE_ERROR), PostgreSQL by its
 * SQLSTATE, MariaDB by its errno.
 */
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown; errcode?: unknown };
  return (
    e.code === 'SQLITE_CONSTRAINT' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (e.code === 'ERR_SQLITE_ERROR' && (e.errcode === SQLITE_CONSTRAINT_PRIMARYKEY || e.errcode === SQLITE_CONSTRAINT_UNIQUE)) ||
    e.code === '23505' ||
    e.code === 'ER_DUP_ENTRY' ||
    e.errno === 1062
  );
}
