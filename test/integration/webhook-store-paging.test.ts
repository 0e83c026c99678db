/** WebhookStore.page and labels on every database kind: paging, counting and name search run in SQL. */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { TestClock } from '../support/clock.js';
import { seedWebhooks } from '../support/seed-webhooks.js';
import { migrate } from './admin-harness.js';
import { createSecrets } from '../../host/security/secrets.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';

const COUNT = 10_000;
/** Names where LIKE's wildcards and the escape character must match only themselves. */
const SPECIAL = ['100% uptime', '100 percent', 'under_score', 'underXscore', 'bang!name', 'bang name', 'Équipe Support'];

describe.each(testDatabaseKinds())('webhook store paging on %s', (kind) => {
  let db: TestDatabase;
  let store: WebhookStore;
  let ids: number[];
  const clock = new TestClock();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    const secrets = createSecrets('test-app-key');
    store = new WebhookStore(db.knex, secrets, clock.now);
    ids = await seedWebhooks(db.knex, secrets, COUNT, { now: clock.now });
    for (const name of SPECIAL)
      await store.create({
        name,
        url: 'https://hooks.slack.com/services/T0/B0/x',
        platform: 'slack',
        events: ['ticket.submit'],
        templates: {},
      });
  }, 120_000);
  afterAll(async () => db?.destroy());

  it('answers one page in id order with the count of all rows', async () => {
    const first = await store.page({ page: 1, perPage: 50 });
    const second = await store.page({ page: 2, perPage: 50 });
    expect(first.total).toBe(COUNT + SPECIAL.length);
    expect(second.total).toBe(COUNT + SPECIAL.length);
    expect(first.items.map((w) => w.id)).toEqual(ids.slice(0, 50));
    expect(second.items.map((w) => w.id)).toEqual(ids.slice(50, 100));
    expect(first.items[7]).toMatchObject({
      name: 'Webhook 00007',
      platform: 'discord',
      urlHint: 'https://discord.com/api/webhooks/••••/••••',
    });
    // A list row carries no URL and no secret, only their hint and presence.
    expect(first.items[0]).not.toHaveProperty('url');
    expect(first.items[0]).not.toHaveProperty('signingSecret');
    expect(first.items[0].hasSigningSecret).toBe(false);
    const lastPage = Math.ceil((COUNT + SPECIAL.length) / 50);
    const last = await store.page({ page: lastPage, perPage: 50 });
    expect(last.items.map((w) => w.name)).toEqual(SPECIAL);
    expect((await store.page({ page: lastPage + 1, perPage: 50 })).items).toEqual([]);
  });

  it('searches names case-insensitively, counting the matches', async () => {
    const one = await store.page({ page: 1, perPage: 50, search: 'webHOOK 0424' });
    expect(one.total).toBe(10);
    expect(one.items.map((w) => w.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Webhook 0424${i}`));
    expect((await store.page({ page: 1, perPage: 50, search: 'WEBHOOK 09999' })).items.map((w) => w.id)).toEqual([ids[9999]]);
    expect((await store.page({ page: 1, perPage: 50, search: 'nothing like this' })).total).toBe(0);
  });

  it('finds accented names as typed everywhere, and in any case where the database folds Unicode', async () => {
    const names = async (search: string) => (await store.page({ page: 1, perPage: 50, search })).items.map((w) => w.name);
    expect(await names('Équipe')).toEqual(['Équipe Support']);
    expect(await names('équipe SUPPORT')).toEqual(kind === 'sqlite' ? [] : ['Équipe Support']);
  });

  it('takes %, _ and ! in a search literally', async () => {
    const names = async (search: string) => (await store.page({ page: 1, perPage: 50, search })).items.map((w) => w.name);
    expect(await names('100%')).toEqual(['100% uptime']);
    expect(await names('%')).toEqual(['100% uptime']);
    expect(await names('under_')).toEqual(['under_score']);
    expect(await names('_')).toEqual(['under_score']);
    expect(await names('bang!')).toEqual(['bang!name']);
    expect(await names('!')).toEqual(['bang!name']);
  });

  it('lists only the webhooks a failure disabled', async () => {
    await store.disable(ids[3], 'Discord says 404 Unknown Webhook');
    await store.update(ids[4], { enabled: false }); // paused by the admin: no notice
    const disabled = await store.page({ page: 1, perPage: 5, disabledOnly: true });
    expect(disabled.total).toBe(1);
    expect(disabled.items[0]).toMatchObject({ id: ids[3], enabled: false, disabledReason: 'Discord says 404 Unknown Webhook' });
  });

  it('names only the webhooks asked for', async () => {
    const labels = await store.labels([ids[10], ids[20], ids[10], 99_999_999]);
    expect([...labels.keys()].sort((a, b) => a - b)).toEqual([ids[10], ids[20]]);
    expect(labels.get(ids[20])).toEqual({ id: ids[20], name: 'Webhook 00020', enabled: true });
    expect((await store.labels([])).size).toBe(0);
  });
});
