/**
 * Throw-away databases for tests. `TEST_DB` picks the kinds (comma list of sqlite, postgres,
 * mysql; default all three). PostgreSQL and MariaDB URLs come from `TEST_PG_URL` and
 * `TEST_MYSQL_URL` (defaults: the local servers CI starts). Each call creates a fresh database.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { connectDatabase, type DatabaseKind } from '../../host/db/connect-database.js';

export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

export function testDatabaseKinds(): DatabaseKind[] {
  const raw = process.env.TEST_DB ?? 'sqlite,postgres,mysql';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s === 'mariadb' ? 'mysql' : s) as DatabaseKind);
}

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  knex: Knex;
  /** Closes the connection and drops the database. */
  destroy(): Promise<void>;
}

/** Makes an empty database and returns its URL (no connection kept open). */
export async function createDatabaseUrl(kind: DatabaseKind): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wh_test_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-sqlite-'));
    return { url: `sqlite:${path.join(dir, 'test.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = kind === 'postgres' ? PG_URL : MYSQL_URL;
  const admin = connectDatabase(adminUrl, { poolMax: 1 });
  await admin.raw(kind === 'postgres' ? `CREATE DATABASE "${name}"` : `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.destroy();
  const u = new URL(adminUrl);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    drop: async () => {
      const a = connectDatabase(adminUrl, { poolMax: 1 });
      try {
        await a.raw(kind === 'postgres' ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)` : `DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await a.destroy();
      }
    },
  };
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const { url, drop } = await createDatabaseUrl(kind);
  const knex = connectDatabase(url);
  return {
    kind,
    url,
    knex,
    async destroy() {
      await knex.destroy();
      await drop();
    },
  };
}
