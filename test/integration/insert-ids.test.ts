/**
 * The ids inserts hand back, on every database kind. knex's mysql client ignores `.returning()`
 * (it prints ".returning() is not supported by mysql and will not have any effect." and the driver
 * answers `[insertId]`, not `[{ id }]`), so the callers that need the new row's id do not ask
 * MariaDB for RETURNING. Proven here: each answered id is the row's own (also after a deleted row,
 * where an id guessed from a count would be wrong), and knex prints no such note.
 */
import { createSecrets } from '../../host/security/secrets.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { TestClock } from '../support/clock.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { makeHarness, migrate } from './admin-harness.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/SECRETtokenABCDEFghijklmnop';
const RETURNING_NOTE = /returning\(\) is not supported/;

/**
 * Records what is written with console.log (where knex's default logger writes its notes) while
 * `run` runs. Everything is still written as usual: this only looks.
 */
async function consoleLines(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    original.apply(console, args);
  };
  try {
    await run();
  } finally {
    console.log = original;
  }
  return lines;
}

describe.each(testDatabaseKinds())('insert ids on %s', (kind) => {
  let db: TestDatabase;
  let store: WebhookStore;
  // The database's one clock: the store and the admin harness below both write with it.
  const clock = new TestClock();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    store = new WebhookStore(db.knex, createSecrets('test-app-key'), clock.now);
  });
  afterAll(async () => db?.destroy());

  const newWebhook = (name: string, signingSecret: string | null = null) =>
    store.create({ name, url: DISCORD, platform: 'discord', events: ['order.paid'], templates: { order: '%id%' }, signingSecret });

  it('WebhookStore.create answers the row it inserted', async () => {
    const lines = await consoleLines(async () => {
      const gone = await newWebhook('Gone');
      expect(await store.remove(gone.id)).toBe(true);
      const made = [
        await newWebhook('Shop'),
        await newWebhook('Support', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
        await newWebhook('Billing'),
      ];
      expect(made.map((w) => w.name)).toEqual(['Shop', 'Support', 'Billing']);
      for (const w of made) {
        const row = await db.knex('wh_webhooks').where({ name: w.name }).first();
        expect(w.id).toBe(Number(row.id));
        expect(w.id).toBeGreaterThan(gone.id);
      }
      expect(new Set(made.map((w) => w.id)).size).toBe(3);
      expect(made[1].signingSecret).toBe('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    });
    expect(lines.filter((l) => RETURNING_NOTE.test(l))).toEqual([]);
  });

  it("the admin harness's insertDelivery answers the delivery it inserted; its attempts point at it", async () => {
    const h = makeHarness(db.knex, { now: clock.now });
    const w = await newWebhook('Log');
    const lines = await consoleLines(async () => {
      const gone = await h.insertDelivery({ webhookId: w.id, body: { content: 'gone' } });
      await db.knex('wh_deliveries').where({ id: gone }).delete();
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          await h.insertDelivery({
            webhookId: w.id,
            status: 'failed',
            body: { content: `m${i}` },
            attempts: Array.from({ length: i + 1 }, () => ({ statusCode: 502, outcome: 'retry', error: 'Bad Gateway' })),
          }),
        );
      }
      expect(new Set(ids).size).toBe(3);
      for (const [i, id] of ids.entries()) {
        expect(id).toBeGreaterThan(gone);
        const row = await db.knex('wh_deliveries').where({ id }).first();
        expect(JSON.parse(row.body)).toEqual({ content: `m${i}` });
        expect(await db.knex('wh_attempts').where({ delivery_id: id })).toHaveLength(i + 1);
      }
    });
    expect(lines.filter((l) => RETURNING_NOTE.test(l))).toEqual([]);
  });
});
