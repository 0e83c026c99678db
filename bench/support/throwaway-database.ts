/**
 * Throw-away databases for benchmarks (the test helpers are not part of the build): a SQLite
 * file in a temporary folder, or a fresh PostgreSQL or MariaDB database dropped afterwards.
 * BENCH_PG_URL / BENCH_MYSQL_URL (default: the local servers) are the admin connections.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../../host/db/connect-database.js';

export const BENCH_PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_MYSQL_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

export interface ThrowAwayDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function throwAwayDatabase(kind: 'sqlite' | 'postgres' | 'mysql'): Promise<ThrowAwayDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bench-sqlite-'));
    return { url: `sqlite:${path.join(dir, 'bench.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `wh_bench_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  const adminUrl = kind === 'postgres' ? BENCH_PG_URL : BENCH_MYSQL_URL;
  const admin = connectDatabase(adminUrl, { poolMax: 1 });
  try {
    await admin.raw(kind === 'postgres' ? `CREATE DATABASE "${name}"` : `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.destroy();
  }
  const u = new URL(adminUrl);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    async drop() {
      const a = connectDatabase(adminUrl, { poolMax: 1 });
      try {
        await a.raw(kind === 'postgres' ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)` : `DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await a.destroy();
      }
    },
  };
}
