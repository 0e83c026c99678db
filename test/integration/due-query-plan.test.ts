/**
 * The lanes' hot query stays flat as history grows: on every database the due query (a
 * webhook's open rows, oldest first) and the lane pick's EXISTS read the open-rows index
 * (migration 006; on MariaDB an index led by the status), not the webhook's whole history. Checked with each database's EXPLAIN on a
 * table holding 5,000 delivered rows and a few open ones; the timings are in
 * `npm run bench -- due-query`.
 */
import type { Knex } from 'knex';
import { dueCondition } from '../../module/delivery/knex-delivery-store.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { migrate } from './delivery-harness.js';

const HISTORY = 5000;
const INDEX = 'wh_deliveries_open_idx';

async function planOf(db: Knex, kind: string, query: Knex.QueryBuilder): Promise<string> {
  const { sql, bindings } = query.toSQL();
  if (kind === 'sqlite') {
    const rows: { detail: string }[] = await db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as never);
    return rows.map((r) => r.detail).join('\n');
  }
  if (kind === 'postgres') {
    const res: { rows: Record<string, string>[] } = await db.raw(`EXPLAIN ${sql}`, bindings as never);
    return res.rows.map((r) => Object.values(r)[0]).join('\n');
  }
  const [rows] = (await db.raw(`EXPLAIN ${sql}`, bindings as never)) as [Record<string, unknown>[]];
  return rows.map((r) => `${String(r.table)} key=${String(r.key)} rows=${String(r.rows)}`).join('\n');
}

/**
 * True when the plan reads wh_deliveries through an index that holds open rows only. MariaDB has
 * no partial index: there either index led by the status (006's, or 001's due index) reads only
 * open rows, and its optimizer picks between them by cost, so the estimated rows must stay small.
 */
function readsOpenRowsOnly(plan: string, kind: string): boolean {
  if (kind !== 'mysql') return plan.includes(INDEX);
  const line = plan.split('\n').find((l) => /^(wh_deliveries|d) /.test(l)) ?? '';
  const key = /key=(\S+)/.exec(line)?.[1];
  return (key === INDEX || key === 'wh_deliveries_due_idx') && Number(/rows=(\d+)/.exec(line)?.[1]) < HISTORY / 100;
}

describe.each(testDatabaseKinds())('the due query on %s', (kind) => {
  let db: TestDatabase;
  let webhookId: number;
  const now = 1_900_000_000_000;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    await db.knex('wh_webhooks').insert({
      name: 'w',
      platform: 'json',
      url_sealed: 'x',
      url_hint: 'x',
      events: '[]',
      templates: '{}',
      options: '{}',
      filters: '{}',
      enabled: true,
      created_at: now,
      updated_at: now,
    });
    webhookId = Number((await db.knex('wh_webhooks').first('id')).id);
    const row = (i: number, status: string) => ({
      webhook_id: webhookId,
      event_name: 'order.paid',
      event_id: `e${i}`,
      idempotency_key: `${webhookId}:e${i}`,
      status,
      body: '{}',
      attempts: 1,
      next_attempt_at: now - 1000,
      // A `sending` row whose lease ran out (a crash) is due again.
      locked_until: status === 'sending' ? now - 500 : null,
      created_at: now - 1000,
      updated_at: now - 1000,
    });
    for (let i = 0; i < HISTORY; i += 500)
      await db.knex('wh_deliveries').insert(Array.from({ length: 500 }, (_, k) => row(i + k, 'delivered')));
    await db.knex('wh_deliveries').insert([row(HISTORY + 1, 'pending'), row(HISTORY + 2, 'failed'), row(HISTORY + 3, 'sending')]);
    await db.knex('wh_lanes').insert({ webhook_id: webhookId, blocked_until: 0, updated_at: now });
    await db.knex.raw(kind === 'mysql' ? 'ANALYZE TABLE wh_deliveries' : 'ANALYZE');
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('reads the open-rows index for a webhook’s due rows', async () => {
    const q = dueCondition(db.knex('wh_deliveries').select('id').where('webhook_id', webhookId), now).orderBy('id', 'asc').limit(50);
    const plan = await planOf(db.knex, kind, q);
    expect({ plan, openRowsOnly: readsOpenRowsOnly(plan, kind) }).toEqual({ plan, openRowsOnly: true });
    // And it finds the three open rows, in order.
    expect((await q).map((r: { id: number | string }) => Number(r.id))).toEqual([HISTORY + 1, HISTORY + 2, HISTORY + 3]);
  });

  it('reads it for the lane pick’s EXISTS too', async () => {
    const q = db
      .knex('wh_lanes as l')
      .select('l.webhook_id')
      .whereExists((e) =>
        dueCondition(e.select(db.knex.raw('1')).from('wh_deliveries as d').whereRaw('d.webhook_id = l.webhook_id'), now, 'd'),
      );
    const plan = await planOf(db.knex, kind, q);
    expect({ plan, openRowsOnly: readsOpenRowsOnly(plan, kind) }).toEqual({ plan, openRowsOnly: true });
  });
});
