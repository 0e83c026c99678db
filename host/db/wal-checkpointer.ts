/**
 * SQLite's WAL checkpoints on a thread of their own. By default SQLite checkpoints inside the
 * commit that crosses 1000 WAL pages, on the connection that made it: with one connection, that
 * is the host's event loop, which then copies pages back into the database and waits for an
 * fsync (a few ms to tens of ms) in the middle of a request or an `emit`. Here a second
 * connection on a worker thread runs a PASSIVE checkpoint every few hundred ms (it never blocks
 * a writer or a reader), and once that thread runs the host's connection checkpoints by itself
 * only past ten times SQLite's threshold (writes the thread could not keep up with); if the
 * thread fails, SQLite's own threshold comes back.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import type { SqliteDriver } from './sqlite-driver.js';

export interface WalCheckpointer {
  /** Stops the thread (before the database closes; closing checkpoints what is left). */
  stop(): Promise<void>;
}

interface CheckpointThreadData {
  file: string;
  driver: SqliteDriver;
  /** better-sqlite3's entry, resolved here: the thread runs from source text, not from a file. */
  driverPath: string;
  everyMs: number;
  /** Sooner, while writes outpace it. */
  catchUpMs: number;
}

/** SQLite's own default for wal_autocheckpoint, restored when the thread fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/**
 * The host's connection still checkpoints past this many pages (about 40 MB): a safety net for
 * writes the thread cannot keep up with, ten times rarer than SQLite's default.
 */
const HANDED_OVER_AUTOCHECKPOINT_PAGES = 10_000;
const CHECKPOINT_EVERY_MS = 200;
const CATCH_UP_MS = 20;
const STOP_WAIT_MS = 5000;

/**
 * The thread's whole program. It is started from this function's source text (`eval`), so it
 * needs no file of its own beside the built host (or the TypeScript sources under test), and it
 * may use nothing from the enclosing module.
 */
function checkpointThread(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { workerData, parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const data = workerData as CheckpointThreadData;
  type Connection = { exec(sql: string): void; prepare(sql: string): { get(): unknown }; close(): void };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite = require(data.driver === 'node' ? 'node:sqlite' : data.driverPath) as
    { DatabaseSync: new (file: string) => Connection } | (new (file: string) => Connection);
  const db: Connection = 'DatabaseSync' in sqlite ? new sqlite.DatabaseSync(data.file) : new sqlite(data.file);
  // The host's own settings: a connection opened before the database was first set to WAL would
  // otherwise stay in rollback mode, where there is nothing to checkpoint.
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;');
  const statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let timer: ReturnType<typeof setTimeout>;
  let lastLog = 0;
  const checkpoint = () => {
    let behind = false;
    try {
      // While writes go on, small checkpoints in quick succession: the WAL starts over from its
      // beginning only at a write that finds it fully copied, so each copy must be short enough
      // to fall between two writes (otherwise the WAL grows).
      const { log, checkpointed } = statement.get() as { log: number; checkpointed: number };
      behind = checkpointed < log || log !== lastLog;
      lastLog = log;
    } catch {
      // The database was busy (a schema change, a locking mode): the next run tries again.
    }
    timer = setTimeout(checkpoint, behind ? data.catchUpMs : data.everyMs);
  };
  timer = setTimeout(checkpoint, data.everyMs);
  parentPort!.on('message', () => {
    clearTimeout(timer);
    db.close();
    parentPort!.close();
  });
  parentPort!.postMessage('ready');
}

export function startWalCheckpointer(
  db: Knex,
  file: string,
  driver: SqliteDriver,
  logger: { warn(msg: string, fields?: Record<string, unknown>): void },
): WalCheckpointer {
  const data: CheckpointThreadData = {
    file,
    driver,
    driverPath: driver === 'node' ? '' : createRequire(import.meta.url).resolve('better-sqlite3'),
    everyMs: CHECKPOINT_EVERY_MS,
    catchUpMs: CATCH_UP_MS,
  };
  const worker = new Worker(`(${checkpointThread.toString()})()`, { eval: true, workerData: data });
  worker.unref();
  let stopping = false;
  let handedOver = false;
  const autocheckpoint = (pages: number) => db.raw(`PRAGMA wal_autocheckpoint = ${pages}`);
  worker.once('message', () => {
    if (stopping) return;
    handedOver = true;
    autocheckpoint(HANDED_OVER_AUTOCHECKPOINT_PAGES).catch((err: Error) =>
      logger.warn('host: could not hand SQLite checkpoints to their thread', { error: err.message }),
    );
  });
  const failed = (reason: string) => {
    if (stopping) return;
    logger.warn('host: the SQLite checkpoint thread stopped; checkpoints run on the host thread again', { reason });
    if (handedOver) autocheckpoint(SQLITE_AUTOCHECKPOINT_PAGES).catch(() => undefined);
    handedOver = false;
  };
  worker.on('error', (err) => failed(err.message));
  worker.on('exit', (code) => failed(`exit code ${code}`));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
