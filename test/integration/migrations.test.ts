/** Backstage style: seed rows at each step, migrate up and down, check the data each way, on every database. */
import { migrations } from '../../migrations/index.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import type { Knex } from 'knex';

async function migrateTo(knex: Knex, count: number, from: number): Promise<void> {
  for (let i = from; i < count; i++) await migrations[i].up(knex);
  for (let i = from - 1; i >= count; i--) await migrations[i].down(knex);
}

describe.each(testDatabaseKinds())('migrations on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => db?.destroy());

  it('runs up and down with data kept each way', async () => {
    const { knex } = db;
    await migrateTo(knex, 1, 0);
    await knex('wh_webhooks').insert({
      name: 'Shop',
      url_sealed: 'v1.x.y.z',
      url_hint: 'https://discord.com/api/webhooks/1234…/••••',
      platform: 'discord',
      events: '["order.paid"]',
      templates: '{}',
      options: '{}',
      filters: '{}',
      enabled: true,
      created_at: 1,
      updated_at: 1,
    });
    const webhook = await knex('wh_webhooks').first();
    await knex('wh_deliveries').insert({
      webhook_id: webhook.id,
      event_name: 'order.paid',
      event_id: 'evt_1',
      idempotency_key: `${webhook.id}:evt_1`,
      status: 'pending',
      body: '{"content":"x"}',
      next_attempt_at: 1_764_000_000_000,
      created_at: 1,
      updated_at: 1,
    });

    await migrateTo(knex, migrations.length, 1);
    const delivery = await knex('wh_deliveries').first();
    expect(delivery.idempotency_key).toBe(`${webhook.id}:evt_1`);
    expect(Number(delivery.next_attempt_at)).toBe(1_764_000_000_000);
    expect(delivery.locked_by).toBeNull();
    expect(delivery.query).toBeNull();
    expect(delivery.reference).toBeNull();
    await knex('wh_deliveries').where({ id: delivery.id }).update({ reference: '1001' });
    expect((await knex('wh_deliveries').first()).reference).toBe('1001');
    expect(await knex.schema.hasColumn('wh_lanes', 'blocked_reason')).toBe(true);
    expect(await knex.schema.hasColumn('wh_lanes', 'limited_count')).toBe(true);
    await knex('wh_attempts').insert({ delivery_id: delivery.id, attempted_at: 2, status_code: 204, outcome: 'ok', duration_ms: 12 });
    await knex('wh_lanes').insert({ webhook_id: webhook.id, blocked_until: 5, updated_at: 5 });
    expect(Number((await knex('wh_lanes').first()).limited_count)).toBe(0);
    await knex('wh_audit').insert({ at: 3, actor: 'admin', action: 'webhook.create', webhook_id: webhook.id });
    // 007: the ticket-thread map (one row per webhook and ticket) and the rows' thread plan.
    expect(delivery.thread).toBeNull();
    const post = {
      webhook_id: webhook.id,
      ticket_id: '42',
      thread_id: '200000000000000000',
      message_id: '200000000000000000',
      created_at: 4,
      updated_at: 4,
    };
    await knex('wh_ticket_threads').insert(post);
    await expect(knex('wh_ticket_threads').insert(post)).rejects.toMatchObject({
      message: expect.stringMatching(/UNIQUE|Duplicate|duplicate key/i),
    });
    await knex('wh_deliveries').where({ id: delivery.id }).update({ thread: '{"ticket":"42"}' });
    // 008 (and what follows) down and up again: the map goes, the rows stay with their body, the
    // open-rows index (006) survives.
    const threadsStep = migrations.findIndex((m) => m.name === '008-ticket-threads');
    await migrateTo(knex, threadsStep, migrations.length);
    expect(await knex.schema.hasTable('wh_ticket_threads')).toBe(false);
    expect(await knex.schema.hasColumn('wh_deliveries', 'thread')).toBe(false);
    expect((await knex('wh_deliveries').first()).body).toBe('{"content":"x"}');
    if (kind === 'sqlite')
      expect(await knex('sqlite_master').where({ type: 'index', name: 'wh_deliveries_open_idx' }).first()).toBeDefined();
    await migrateTo(knex, migrations.length, threadsStep);
    expect(Number((await knex('wh_ticket_threads').count({ n: '*' }))[0].n)).toBe(0);

    // 009: a webhook's templates per event; none on the rows written before it, kept each way.
    const eventTemplatesStep = migrations.findIndex((m) => m.name === '009-event-templates');
    expect((await knex('wh_webhooks').first()).event_templates).toBeNull();
    const perEvent = JSON.stringify({ 'ticket.reply': 'Réponse de %author% : %content%' });
    await knex('wh_webhooks').where({ id: webhook.id }).update({ event_templates: perEvent });
    expect((await knex('wh_webhooks').first()).event_templates).toBe(perEvent);
    await migrateTo(knex, eventTemplatesStep, migrations.length);
    expect(await knex.schema.hasColumn('wh_webhooks', 'event_templates')).toBe(false);
    expect((await knex('wh_webhooks').first()).templates).toBe('{}');
    await migrateTo(knex, migrations.length, eventTemplatesStep);
    expect((await knex('wh_webhooks').first()).event_templates).toBeNull();

    // 010: a webhook's condition; none on older rows, kept each way.
    const conditionStep = migrations.findIndex((m) => m.name === '010-webhook-condition');
    expect((await knex('wh_webhooks').first()).condition).toBeNull();
    await knex('wh_webhooks').where({ id: webhook.id }).update({ condition: 'order.total >= 100' });
    expect((await knex('wh_webhooks').first()).condition).toBe('order.total >= 100');
    await migrateTo(knex, conditionStep, migrations.length);
    expect(await knex.schema.hasColumn('wh_webhooks', 'condition')).toBe(false);
    expect((await knex('wh_webhooks').first()).name).toBe('Shop');
    await migrateTo(knex, migrations.length, conditionStep);
    expect((await knex('wh_webhooks').first()).condition).toBeNull();

    // 012: the operational alerts' state and the awaiting-staff schedule (one waiting period per
    // ticket and delay); down drops both tables and leaves the webhooks, up again starts empty.
    const remindersStep = migrations.findIndex((m) => m.name === '012-ops-alerts-and-reminders');
    await knex('wh_ops_alerts').insert({ webhook_id: webhook.id, failing_since: 7, failures: 2, updated_at: 7 });
    const reminder = { ticket_id: '42', delay_minutes: 240, waiting_since: 8, due_at: 8 + 240 * 60_000, snapshot: '{}', created_at: 8 };
    await knex('wh_awaiting_staff').insert(reminder);
    await expect(knex('wh_awaiting_staff').insert(reminder)).rejects.toMatchObject({
      message: expect.stringMatching(/UNIQUE|Duplicate|duplicate key/i),
    });
    await knex('wh_awaiting_staff').insert({ ...reminder, delay_minutes: 60 });
    expect(Number((await knex('wh_ops_alerts').first()).failures)).toBe(2);
    await migrateTo(knex, remindersStep, migrations.length);
    expect(await knex.schema.hasTable('wh_ops_alerts')).toBe(false);
    expect(await knex.schema.hasTable('wh_awaiting_staff')).toBe(false);
    expect((await knex('wh_webhooks').first()).name).toBe('Shop');
    await migrateTo(knex, migrations.length, remindersStep);
    expect(Number((await knex('wh_awaiting_staff').count({ n: '*' }))[0].n)).toBe(0);

    // A second delivery with the same idempotency key is refused by the database itself.
    // Matched on the message: errors from a native driver loaded in another test file of the same
    // jest worker are not `instanceof Error` here, and toThrow() would not see them.
    await expect(
      knex('wh_deliveries').insert({ ...delivery, id: undefined, locked_by: undefined, batch_id: undefined }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE|Duplicate|duplicate key/i) });

    await migrateTo(knex, 1, migrations.length);
    expect(await knex.schema.hasTable('wh_attempts')).toBe(false);
    expect(await knex.schema.hasColumn('wh_deliveries', 'locked_by')).toBe(false);
    expect(await knex.schema.hasColumn('wh_deliveries', 'query')).toBe(false);
    expect(await knex.schema.hasColumn('wh_deliveries', 'reference')).toBe(false);
    const kept = await knex('wh_deliveries').first();
    expect(kept.body).toBe('{"content":"x"}');
    expect((await knex('wh_webhooks').first()).name).toBe('Shop');

    await migrateTo(knex, 0, 1);
    expect(await knex.schema.hasTable('wh_webhooks')).toBe(false);
  });
});
