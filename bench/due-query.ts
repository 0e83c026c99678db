/**
 * The lanes' hot query as history grows: a webhook's due rows (KnexDeliveryStore.due, 50 open rows),
 * timed with no finished row in the table and again after 1,000,000 delivered rows of the same
 * webhook were added (older ids, as 30 days of history would be), on SQLite, PostgreSQL and
 * MariaDB. Flat means the second within a small factor of the first (goal: 1.5x).
 */
import type { Knex } from 'knex';
import { connectDatabase } from '../host/db/connect-database.js';
import { migrations } from '../migrations/index.js';
import { KnexDeliveryStore } from '../module/delivery/knex-delivery-store.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { median, ms, ratio } from './support/stats.js';
import { throwAwayDatabase } from './support/throwaway-database.js';

const HISTORY = 1_000_000;
const OPEN = 50;
const SAMPLES = 300;
const GOAL = 1.5;
const NOW = 1_900_000_000_000;

/** 1,000,000 delivered rows of webhook 1, written by the database itself (one statement). */
async function addHistory(db: Knex, kind: 'sqlite' | 'postgres' | 'mysql'): Promise<void> {
  const cols =
    'webhook_id, event_name, event_id, idempotency_key, status, body, attempts, next_attempt_at, created_at, updated_at, delivered_at';
  const values = (n: string) =>
    `1, 'order.paid', CONCAT('h', ${n}), CONCAT('1:h', ${n}), 'delivered', '{}', 1, ${NOW - 1e9}, ${NOW - 1e9}, ${NOW - 1e9}, ${NOW - 1e9}`;
  if (kind === 'postgres')
    await db.raw(`INSERT INTO wh_deliveries (${cols}) SELECT ${values('n')} FROM generate_series(1, ${HISTORY}) AS n`);
  // MariaDB stops a recursive CTE at 1000 rows by default; its Sequence engine counts instead.
  else if (kind === 'mysql') await db.raw(`INSERT INTO wh_deliveries (${cols}) SELECT ${values('seq')} FROM seq_1_to_${HISTORY}`);
  else
    await db.raw(
      `INSERT INTO wh_deliveries (${cols}) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${HISTORY}) SELECT ${values('n').replaceAll(/CONCAT\(('[^']*'), n\)/g, '$1 || n')} FROM s`,
    );
  await db.raw(kind === 'mysql' ? 'ANALYZE TABLE wh_deliveries' : 'ANALYZE');
}

async function addOpenRows(db: Knex, tag: string): Promise<void> {
  await db('wh_deliveries').insert(
    Array.from({ length: OPEN }, (_, i) => ({
      webhook_id: 1,
      event_name: 'order.paid',
      event_id: `${tag}${i}`,
      idempotency_key: `1:${tag}${i}`,
      status: 'pending',
      body: '{}',
      attempts: 0,
      next_attempt_at: NOW - 1000,
      created_at: NOW - 1000,
      updated_at: NOW - 1000,
    })),
  );
}

/** One due query, checked: it must find the 50 open rows. */
async function timeOnce(outbox: KnexDeliveryStore): Promise<number> {
  const t0 = performance.now();
  const rows = await outbox.due(1, NOW, OPEN);
  const took = performance.now() - t0;
  if (rows.length !== OPEN) throw new Error(`due query returned ${rows.length} rows, expected ${OPEN}`);
  return took;
}

/** Medians of SAMPLES due queries on each database, alternating between them so drift hits both alike. */
async function alternate(a: KnexDeliveryStore, b: KnexDeliveryStore): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < SAMPLES + 20; i++) {
    let x: number;
    let y: number;
    if (i % 2) {
      x = await timeOnce(a);
      y = await timeOnce(b);
    } else {
      y = await timeOnce(b);
      x = await timeOnce(a);
    }
    // The first 20 of each warm the caches and the JIT.
    if (i < 20) continue;
    ta.push(x);
    tb.push(y);
  }
  return [median(ta), median(tb)];
}

/** A migrated database with webhook 1, its outbox, and a way to drop it. */
async function prepare(kind: 'sqlite' | 'postgres' | 'mysql') {
  const database = await throwAwayDatabase(kind);
  const db = connectDatabase(database.url);
  for (const m of migrations) await m.up(db);
  await db('wh_webhooks').insert({
    id: 1,
    name: 'due',
    platform: 'json',
    url_sealed: 'x',
    url_hint: 'x',
    events: '[]',
    templates: '{}',
    options: '{}',
    filters: '{}',
    enabled: true,
    created_at: NOW,
    updated_at: NOW,
  });
  return {
    db,
    outbox: new KnexDeliveryStore(db, () => NOW),
    async drop() {
      await db.destroy();
      await database.drop();
    },
  };
}

export const dueQuery: Benchmark = {
  id: 'due-query',
  title: `Due query with 0 and ${HISTORY.toLocaleString('en')} finished rows in history (SQLite, PostgreSQL, MariaDB)`,
  async run(log): Promise<BenchResult> {
    const result: BenchResult = { figures: [], goals: [], notes: [] };
    for (const kind of ['sqlite', 'postgres', 'mysql'] as const) {
      const empty = await prepare(kind);
      const full = await prepare(kind);
      try {
        await addOpenRows(empty.db, 'a');
        const t0 = performance.now();
        await addHistory(full.db, kind);
        const filled = (performance.now() - t0) / 1000;
        await addOpenRows(full.db, 'b');
        const [none, million] = await alternate(empty.outbox, full.outbox);
        // The same million rows without migration 006's index: what the query cost before it.
        await full.db.schema.alterTable('wh_deliveries', (t) =>
          kind === 'mysql'
            ? t.dropIndex(['webhook_id', 'status', 'id'], 'wh_deliveries_open_idx')
            : t.dropIndex([], 'wh_deliveries_open_idx'),
        );
        const [, without] = await alternate(empty.outbox, full.outbox);
        const line =
          `due query ${kind}: 0 finished rows ${ms(none)}, ${HISTORY.toLocaleString('en')} finished rows ${ms(million)} (${ratio(million, none)}); ` +
          `without the open-rows index ${ms(without)} (${ratio(without, none)}) (p50 of ${SAMPLES}, alternating; history written in ${filled.toFixed(0)} s)`;
        log(line);
        result.goals.push({
          goal: `${kind}: due query flat in the history (1M finished rows within ${GOAL}x of none)`,
          measured: ratio(million, none),
          met: million / none <= GOAL,
        });
      } finally {
        await empty.drop();
        await full.drop();
      }
    }
    return result;
  },
};
