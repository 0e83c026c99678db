/**
 * Many webhooks at once, for list and paging tests: rows written in bulk through knex exactly as
 * WebhookStore.create writes them (URL sealed with the secrets given, masked hint, JSON columns),
 * because 10,000 store.create calls would take minutes on PostgreSQL and MariaDB.
 */
import type { Knex } from 'knex';
import type { Secrets } from '../../sdk/module-context.js';
import { defaultFilters, defaultOptions } from '../../module/webhooks/webhook.js';
import { maskUrl } from '../../module/webhooks/mask-url.js';

export interface SeedOptions {
  /** Name of the i-th webhook (0-based); default `Webhook 00042`. */
  name?: (i: number) => string;
  /** Stamps created_at and updated_at: the test world's clock. */
  now: () => number;
  /** Rows per INSERT (SQLite caps bound variables per statement). */
  chunk?: number;
}

/** Inserts `count` webhooks and answers their ids in insertion order. */
export async function seedWebhooks(knex: Knex, secrets: Secrets, count: number, o: SeedOptions): Promise<number[]> {
  const name = o.name ?? ((i: number) => `Webhook ${String(i).padStart(5, '0')}`);
  const at = o.now();
  const options = JSON.stringify(defaultOptions());
  const filters = JSON.stringify(defaultFilters());
  const rows = Array.from({ length: count }, (_, i) => {
    const url = `https://discord.com/api/webhooks/${100000000000000000 + i}/seedToken${i}abcdefghijklmnop`;
    return {
      name: name(i),
      url_sealed: secrets.encrypt(url),
      url_hint: maskUrl(url),
      platform: 'discord',
      events: JSON.stringify(['order.paid']),
      templates: JSON.stringify({ order: `Order %id% for webhook ${i}` }),
      options,
      filters,
      enabled: true,
      created_at: at,
      updated_at: at,
    };
  });
  const before = await knex('wh_webhooks').max({ id: 'id' }).first();
  await knex.batchInsert('wh_webhooks', rows, o.chunk ?? 500);
  const ids: { id: number | string }[] = await knex('wh_webhooks')
    .select('id')
    .where('id', '>', Number(before?.id ?? 0))
    .orderBy('id');
  return ids.map((r) => Number(r.id));
}
