/** Which SQL dialect a knex instance speaks (the stores pick their statements by it). */
import type { Knex } from 'knex';

export type DbKind = 'sqlite' | 'postgres' | 'mysql';

/** The dialect knex's client declares, so a client given as a class (node:sqlite) is named too. */
export function dbKindOf(db: Knex): DbKind {
  const dialect = String((db.client as { dialect?: unknown }).dialect ?? '');
  if (/postgres/.test(dialect)) return 'postgres';
  if (/mysql|maria/.test(dialect)) return 'mysql';
  return 'sqlite';
}
