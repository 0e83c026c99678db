/**
 * Which SQLite driver the embedded database uses. Node's own `node:sqlite` where it is complete
 * (Node 22.16+, 24): no native addon to build, and better-sqlite3 12 aborts the process on
 * Node 24.19+ (`Assertion failed: (env) != nullptr` in `Statement::~Statement`, nodejs/node#65446),
 * while better-sqlite3 13, which fixes that, crashes on Node 20. better-sqlite3 12 therefore
 * serves only the Node versions without a usable `node:sqlite` (20, early 22). Where `node:sqlite`'s
 * `all()` misses schema changes (Node 22, 24 before 24.21; see nodeSqliteAllSeesSchemaChanges) its
 * rows are read step by step instead, on the same driver: better-sqlite3 would serve Node 22, but
 * not 24.19 and 24.20, which have both faults.
 * `SQLITE_DRIVER=node` or `SQLITE_DRIVER=better-sqlite3` overrides the choice.
 */
import { createRequire } from 'node:module';
import type { Knex } from 'knex';

export type SqliteDriver = 'node' | 'better-sqlite3';

/** The part of `node:sqlite` the knex client below uses (its types are not in @types/node 20). */
export interface NodeSqliteStatement {
  columns(): unknown[];
  all(...params: unknown[]): Record<string, unknown>[];
  iterate(...params: unknown[]): Iterator<Record<string, unknown>>;
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  setReadBigInts(on: boolean): void;
}
interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => NodeSqliteDatabase;
  StatementSync: { prototype: object };
}

function loadNodeSqlite(): NodeSqliteModule | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const mod = getBuiltin?.call(process, 'node:sqlite') as NodeSqliteModule | undefined;
  // columns() (22.16+) is how a statement that returns rows is told from one that does not.
  return mod && 'columns' in mod.StatementSync.prototype ? mod : undefined;
}

let allProbe: boolean | undefined;

/**
 * Whether this Node's `StatementSync#all()` sees a schema change made after the statement was
 * prepared. SQLite re-prepares such a statement inside its next step, but `all()` before
 * nodejs/node#64219 (Node 24.21; not in 22.23.3) reads the column count before that step: a
 * `SELECT *` then leaves out an added column, fails with "Cannot get name of column N" after a
 * column drop, and an `INSERT … RETURNING` fails *after* its row was written. It happens on every
 * connection, not only the one that changed the schema, and prepared statements are kept (see
 * connect-database.ts). `get()` and `iterate()` read the count after the step. Tried, not guessed
 * from the version: a backport to 22 is picked up by itself.
 */
export function nodeSqliteAllSeesSchemaChanges(): boolean {
  if (allProbe !== undefined) return allProbe;
  const sqlite = loadNodeSqlite();
  if (!sqlite) return (allProbe = false);
  const db = new sqlite.DatabaseSync(':memory:');
  try {
    db.exec('CREATE TABLE probe (a)');
    const statement = db.prepare('SELECT * FROM probe');
    db.exec('ALTER TABLE probe ADD COLUMN b; INSERT INTO probe VALUES (1, 2)');
    allProbe = Object.keys(statement.all()[0] ?? {}).length === 2;
  } finally {
    db.close();
  }
  return allProbe;
}

/** `all()` through the statement's iterator, which reads the columns after each step. */
export function allRowsStepByStep(statement: NodeSqliteStatement, bindings: unknown[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const iterator = statement.iterate(...bindings);
  try {
    for (let next = iterator.next(); !next.done; next = iterator.next()) rows.push({ ...next.value });
  } catch (err) {
    // A step that failed leaves the statement un-reset: its next run would report this error
    // again instead of running. return() resets it (all() does that by itself).
    iterator.return?.();
    throw err;
  }
  return rows;
}

export function chooseSqliteDriver(env: NodeJS.ProcessEnv = process.env): SqliteDriver {
  const wanted = env.SQLITE_DRIVER?.trim();
  if (wanted === 'node' || wanted === 'better-sqlite3') {
    if (wanted === 'node' && !loadNodeSqlite()) {
      throw new Error(
        `SQLITE_DRIVER=node: this Node.js (${process.version}) has no usable node:sqlite; use Node 22.16+ or unset SQLITE_DRIVER`,
      );
    }
    return wanted;
  }
  if (wanted) throw new Error(`SQLITE_DRIVER must be "node" or "better-sqlite3", not "${wanted}"`);
  return loadNodeSqlite() ? 'node' : 'better-sqlite3';
}

/** The start banner's words for the driver this process uses (and how it reads rows). */
export function describeSqliteDriver(env: NodeJS.ProcessEnv = process.env): string {
  if (chooseSqliteDriver(env) === 'better-sqlite3') return `better-sqlite3 (Node ${process.version})`;
  if (nodeSqliteAllSeesSchemaChanges()) return `node:sqlite (Node ${process.version})`;
  return `node:sqlite (Node ${process.version}; rows read step by step: this Node's all() misses schema changes)`;
}

const require = createRequire(import.meta.url);

type KnexClientClass = new (config: Knex.Config) => object;

let cachedClient: KnexClientClass | undefined;

/**
 * A knex client on `node:sqlite`: knex's better-sqlite3 client (same SQL dialect, same response
 * shapes) with the driver calls swapped, so query building and result processing stay knex's.
 */
export function nodeSqliteClient(): KnexClientClass {
  if (cachedClient) return cachedClient;
  const sqlite = loadNodeSqlite();
  if (!sqlite) throw new Error(`node:sqlite is not usable on Node.js ${process.version}`);
  const BetterSqliteClient = require('knex/lib/dialects/better-sqlite3/index.js') as KnexClientClass;
  const allSeesSchemaChanges = nodeSqliteAllSeesSchemaChanges();

  class NodeSqliteClient extends (BetterSqliteClient as new (config: Knex.Config) => {
    connectionSettings: { filename: string; options?: { readonly?: boolean } };
    _formatBindings(bindings: unknown[] | undefined): unknown[];
  }) {
    _driver(): NodeSqliteModule {
      return sqlite as NodeSqliteModule;
    }

    async acquireRawConnection(): Promise<NodeSqliteDatabase> {
      const options = this.connectionSettings.options ?? {};
      return new (sqlite as NodeSqliteModule).DatabaseSync(this.connectionSettings.filename, { readOnly: !!options.readonly });
    }

    async destroyRawConnection(connection: NodeSqliteDatabase): Promise<void> {
      connection.close();
    }

    async _query(
      connection: NodeSqliteDatabase | undefined,
      obj: { sql?: string; bindings?: unknown[]; response?: unknown; context?: unknown },
    ) {
      if (!obj.sql) throw new Error('The query is empty');
      if (!connection) throw new Error('No connection provided');
      const statement = connection.prepare(obj.sql);
      const bindings = this._formatBindings(obj.bindings);
      if (statement.columns().length > 0) {
        // node:sqlite rows have a null prototype; callers (and jest) expect plain objects.
        obj.response = allSeesSchemaChanges
          ? statement.all(...bindings).map((row) => ({ ...row }))
          : allRowsStepByStep(statement, bindings);
        return obj;
      }
      const response = statement.run(...bindings);
      obj.response = response;
      obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
      return obj;
    }
  }
  Object.assign(NodeSqliteClient.prototype, { driverName: 'node:sqlite' });
  // The module's engine thread opens the same file with this class, loaded there from here.
  Object.assign(NodeSqliteClient, { threadSource: { moduleUrl: import.meta.url, exportName: 'nodeSqliteClient' } });
  cachedClient = NodeSqliteClient;
  return NodeSqliteClient;
}
