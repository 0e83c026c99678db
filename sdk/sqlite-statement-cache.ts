/** What both SQLite drivers' connections (better-sqlite3, node:sqlite) offer that the cache wraps. */
export interface PreparingConnection {
  prepare(sql: string): unknown;
}

/** Prepared statements kept per connection (least recently used out): the hot queries are a few dozen texts. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * knex prepares every query again; on SQLite preparing cost about as much as running the hot
 * queries (a third of the dispatcher's database time on the host's connection; 1.7 s of a
 * 10,000-delivery burst, 7 % of the thread, on the engine thread's own connection). Both drivers'
 * statements can be run again with new bindings (knex uses all() and run(), never an open
 * iterator), so each connection keeps its recent ones. In the sdk because both sides open SQLite
 * connections: the host its own, the module its engine thread's.
 */
export function cachePreparedStatements(conn: PreparingConnection): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement !== undefined) {
      cache.delete(sql);
    } else {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return statement;
  };
}
