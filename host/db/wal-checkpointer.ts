/**
 * SQLite's WAL checkpoints on a thread of their own. By default SQLite checkpoints inside the
 * commit that crosses 1000 WAL pages, on the connection that made it: with one connection, that
 * is the host's event loop, which then copies pages back into the database and waits for an
 * fsync (a few ms to tens of ms) in the middle of a request or an `emit`. Here a second
 * connection on a worker thread runs a PASSIVE checkpoint every few hundred ms (it never blocks
 * a writer or a reader), and the host's connection stops checkpointing by itself only once that
 * thread runs; if the thread fails, automatic checkpoints come back.
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
}

/** SQLite's own default for wal_autocheckpoint, restored when the thread fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const CHECKPOINT_EVERY_MS = 250;
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
  type Connection = { exec(sql: string): void; close(): void };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite = require(data.driver === 'node' ? 'node:sqlite' : data.driverPath) as
    { DatabaseSync: new (file: string) => Connection } | (new (file: string) => Connection);
  const db: Connection = 'DatabaseSync' in sqlite ? new sqlite.DatabaseSync(data.file) : new sqlite(data.file);
  const checkpoint = () => db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(checkpoint, data.everyMs);
  parentPort!.on('message', () => {
    clearInterval(timer);
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
  };
  const worker = new Worker(`(${checkpointThread.toString()})()`, { eval: true, workerData: data });
  worker.unref();
  let stopping = false;
  let handedOver = false;
  const autocheckpoint = (pages: number) => db.raw(`PRAGMA wal_autocheckpoint = ${pages}`);
  worker.once('message', () => {
    if (stopping) return;
    handedOver = true;
    autocheckpoint(0).catch((err: Error) => logger.warn('host: could not hand SQLite checkpoints to their thread', { error: err.message }));
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
