/**
 * SQLite's WAL checkpoints on their own thread (host/db/wal-checkpointer.ts), on a real database
 * file: the host's connection checkpoints only past a high threshold once the thread runs, the
 * thread copies the WAL back between bursts of writes so it starts over (a control grows), a
 * thread that cannot start leaves SQLite's automatic checkpoints on, logged, and stop() ends it
 * before the database closes.
 * The host itself starts one on a SQLite file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { connectDatabase } from '../../host/db/connect-database.js';
import { chooseSqliteDriver } from '../../host/db/sqlite-driver.js';
import { startWalCheckpointer, type WalCheckpointer } from '../../host/db/wal-checkpointer.js';
import { createHost } from '../../host/create-host.js';
import { waitUntil } from '../faults/wait-until.js';
import { recordingLogger } from './delivery-harness.js';

let dir: string;
let db: Knex | null = null;
let checkpointer: WalCheckpointer | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-wal-'));
});
afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = null;
  await db?.destroy();
  db = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

const autocheckpoint = async (knex: Knex): Promise<number> => {
  const rows = (await knex.raw('PRAGMA wal_autocheckpoint')) as { wal_autocheckpoint: number }[];
  return Number(rows[0].wal_autocheckpoint);
};

/** Writes `mb` MB in 64 KB rows, back to back. */
async function write(knex: Knex, mb: number): Promise<void> {
  const chunk = 'x'.repeat(64 * 1024);
  for (let i = 0; i < mb * 16; i++) await knex('blobs').insert({ data: chunk });
}

/** 4 MB, a pause (a host between bursts of requests), 4 MB more: the WAL's size after each burst. */
async function burstsOnThe(knex: Knex, file: string): Promise<[number, number]> {
  await knex.schema.createTable('blobs', (t) => {
    t.increments('id');
    t.text('data');
  });
  await write(knex, 4);
  const first = walBytes(file);
  await new Promise((r) => setTimeout(r, 1000));
  await write(knex, 4);
  return [first, walBytes(file)];
}

const walBytes = (file: string) => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

describe('WAL checkpoints on their own thread', () => {
  it("takes over from the host's connection: the WAL is copied back between bursts and starts over; without it, it grows", async () => {
    const file = path.join(dir, 'with.db');
    db = connectDatabase(`sqlite:${file}`);
    await db.raw('select 1');
    const logger = recordingLogger();
    checkpointer = startWalCheckpointer(db, file, chooseSqliteDriver(), logger);
    await waitUntil(
      async () => (await autocheckpoint(db!)) === 10_000,
      () => 'the host connection still checkpoints at SQLite threshold',
    );
    const [first, second] = await burstsOnThe(db, file);
    expect(first).toBeGreaterThan(4 * 1024 * 1024);
    // The second burst wrote over the first one's frames, copied meanwhile by the thread.
    expect(second).toBe(first);
    expect(logger.entries).toEqual([]);

    // Control: the same threshold and no thread: nothing copies the WAL back below it.
    const control = path.join(dir, 'without.db');
    const bare = connectDatabase(`sqlite:${control}`);
    try {
      await bare.raw('PRAGMA wal_autocheckpoint = 10000');
      const [controlFirst, controlSecond] = await burstsOnThe(bare, control);
      expect(controlSecond).toBeGreaterThan(1.9 * controlFirst);
    } finally {
      await bare.destroy();
    }
  });

  it('a thread that cannot open the database leaves automatic checkpoints on, and says so', async () => {
    const file = path.join(dir, 'broken.db');
    db = connectDatabase(`sqlite:${file}`);
    await db.raw('select 1');
    const logger = recordingLogger();
    checkpointer = startWalCheckpointer(db, path.join(dir, 'no-such-folder', 'x.db'), chooseSqliteDriver(), logger);
    await waitUntil(
      () => logger.entries.length > 0,
      () => 'no word from the failed checkpoint thread',
    );
    expect(logger.entries[0].msg).toBe('host: the SQLite checkpoint thread stopped; checkpoints run on the host thread again');
    expect(await autocheckpoint(db)).toBe(1000);
  });

  it('the host starts one on its SQLite file and stops it on close', async () => {
    const varDir = path.join(dir, 'var');
    const host = await createHost({ port: 0, varDir, appKey: 'wal-test-key-'.padEnd(40, 'x'), logLevel: 'silent' });
    try {
      await waitUntil(
        async () => (await autocheckpoint(host.db)) === 10_000,
        () => "the host's connection still checkpoints by itself",
      );
    } finally {
      await host.close();
    }
    // Closed cleanly: the last connection checkpointed and removed the WAL.
    expect(fs.existsSync(path.join(varDir, 'host.db-wal'))).toBe(false);
  });
});
