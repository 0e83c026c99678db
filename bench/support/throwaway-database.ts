/**
 * Throw-away databases for benchmarks (the test helpers are not part of the build): a SQLite
 * file in a temporary folder, or a fresh PostgreSQL database dropped afterwards.
 * BENCH_PG_URL (default: the local server, user postgres) is the admin connection.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../../host/db/connect-database.js';

export const BENCH_PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowAwayDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function throwAwayDatabase(kind: 'sqlite' | 'postgres'): Promise<ThrowAwayDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bench-sqlite-'));
    return { url: `sqlite:${path.join(dir, 'bench.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `wh_bench_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = connectDatabase(BENCH_PG_URL, { poolMax: 1 });
  try {
    await admin.raw(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.destroy();
  }
  const u = new URL(BENCH_PG_URL);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    async drop() {
      const a = connectDatabase(BENCH_PG_URL, { poolMax: 1 });
      try {
        await a.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.destroy();
      }
    },
  };
}
