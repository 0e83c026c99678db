/** Module-scoped key/value settings in `host_settings` (JSON text values). */
import type { Knex } from 'knex';
import type { ModuleSettings } from '../../sdk/module-context.js';

export function createSettings(db: Knex, scope: string, now: () => number): ModuleSettings {
  const parse = (text: string): unknown => JSON.parse(text);
  return {
    async get<T>(key: string, fallback: T): Promise<T> {
      const row = await db('host_settings').where({ scope, key }).first('value');
      return row ? (parse(row.value as string) as T) : fallback;
    },
    async set(key, value) {
      if (key.length === 0 || key.length > 191) throw new Error(`settings: key must be 1-191 characters (got ${key.length})`);
      const text = JSON.stringify(value ?? null);
      await db.transaction(async (trx) => {
        const updated = await trx('host_settings').where({ scope, key }).update({ value: text, updated_at: now() });
        if (!updated) await trx('host_settings').insert({ scope, key, value: text, updated_at: now() });
      });
    },
    async all() {
      const rows = await db('host_settings').where({ scope }).orderBy('key').select('key', 'value');
      return Object.fromEntries(rows.map((r: { key: string; value: string }) => [r.key, parse(r.value)]));
    },
  };
}
