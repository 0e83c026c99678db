/**
 * Drops every connection a PostgreSQL database has open, the way a server restart or a
 * failover does, using `pg_terminate_backend` from a separate admin connection.
 */
import { connectDatabase } from '../../host/db/connect-database.js';
import { PG_URL } from '../support/databases.js';

/** Terminates the backends connected to `databaseUrl`'s database; returns how many were dropped. */
export async function terminateConnections(databaseUrl: string): Promise<number> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  const admin = connectDatabase(PG_URL, { poolMax: 1 });
  try {
    const result = await admin.raw(
      'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
      [name],
    );
    return Number(result.rows[0].n);
  } finally {
    await admin.destroy();
  }
}
