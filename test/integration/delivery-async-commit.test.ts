/**
 * PostgreSQL: the worker's hot writes (fan-out, claims, successes) commit without waiting for the
 * WAL flush; the host's emit (the event row) keeps its full commit. Each statement runs here in a
 * transaction of the test's, where `SHOW synchronous_commit` reads what the statement set for
 * its own transaction.
 */
import type { Knex } from 'knex';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { KnexDeliveryStore } from '../../module/delivery/knex-delivery-store.js';
import { EventStore } from '../../module/delivery/event-store.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { createSecrets } from '../../host/security/secrets.js';
import { migrate, TestClock } from './delivery-harness.js';

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('commits of the delivery worker on PostgreSQL', () => {
  let db: TestDatabase;
  const clock = new TestClock();
  let webhookId: number;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    await migrate(db.knex);
    const store = new WebhookStore(db.knex, createSecrets('async-commit-test-key-'.padEnd(40, 'x')), clock.now);
    const webhook = await store.create({
      name: 'async',
      platform: 'json',
      url: 'http://127.0.0.1:9/x',
      events: ['order.paid'],
      templates: {},
    });
    webhookId = webhook.id;
  });
  afterAll(async () => {
    await db?.destroy();
  });

  /** What synchronous_commit is once `work` ran in a transaction (rolled back). */
  async function commitModeAfter(work: (trx: Knex.Transaction) => Promise<unknown>): Promise<string> {
    const trx = await db.knex.transaction();
    try {
      await work(trx);
      const answer = (await trx.raw('SHOW synchronous_commit')) as { rows: { synchronous_commit: string }[] };
      return answer.rows[0].synchronous_commit;
    } finally {
      await trx.rollback();
    }
  }

  const payload = () => ({ ...sampleEvent('order.paid', { seq: 1, now: clock.now() }), eventId: 'evt_async_1' });

  it('fan-out, claim (with and without successes) and successes commit asynchronously', async () => {
    const enqueue = (trx: Knex.Transaction) =>
      new KnexDeliveryStore(trx, clock.now).enqueueWith(
        [{ webhookId, event: 'order.paid', eventId: 'evt_async_1', body: { content: 'hi' } }],
        (q) => q('wh_events').where('id', -1).delete(),
      );
    expect(await commitModeAfter(enqueue)).toBe('off');
    // A claim that finds nothing still commits asynchronously (its successes may ride along).
    expect(
      await commitModeAfter((trx) => new KnexDeliveryStore(trx, clock.now).claim(webhookId, clock.now(), 10, 'w', clock.now() + 1000)),
    ).toBe('off');
    const claimThenRecord = async (trx: Knex.Transaction, withClaim: boolean) => {
      const store = new KnexDeliveryStore(trx, clock.now);
      await enqueue(trx);
      const rows = await store.claim(webhookId, clock.now(), 10, 'w', clock.now() + 1000);
      expect(rows.map((r) => r.eventId)).toEqual(['evt_async_1']);
      const attempt = { statusCode: 204, outcome: 'ok' as const, error: null, responseBody: '', durationMs: 3 };
      const done = [{ rows, batchId: null, attempt, at: clock.now() }];
      if (withClaim) await store.claim(webhookId, clock.now(), 10, 'w', clock.now() + 1000, done);
      else await store.deliveredMany(done);
      const [row] = await trx('wh_deliveries').select('status').where('event_id', 'evt_async_1');
      expect(row.status).toBe('delivered');
    };
    expect(await commitModeAfter((trx) => claimThenRecord(trx, true))).toBe('off');
    expect(await commitModeAfter((trx) => claimThenRecord(trx, false))).toBe('off');
  });

  it("the host's emit (the event row) keeps its full commit", async () => {
    const mode = await commitModeAfter((trx) => {
      const events = new EventStore(trx, new KnexDeliveryStore(trx, clock.now), clock.now);
      return events.add('order.paid', payload());
    });
    expect(mode).toBe('on');
  });
});
