/**
 * `ticket.awaiting_staff` on every database, on the test clock (moved, never slept): a customer's
 * message at t with no staff answer gives one reminder at t + the webhook's delay; a staff answer
 * or a close before it gives none; a new customer message after the reminder gives one more; each
 * webhook gets it after its own delay; a restart in between (the module stopped, another started
 * on the same database), a crashed claim and a crash after persisting still give exactly one.
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { JsonSink } from '../support/json-sink.js';
import { makeKit, stopKits, migrate, TestClock, type Kit } from './delivery-harness.js';

const MIN = 60_000;

describe.each(testDatabaseKinds())('ticket.awaiting_staff on %s', (kind) => {
  let db: TestDatabase;
  let json: JsonSink;
  const clock = new TestClock();
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    json = await new JsonSink().start();
  });
  afterAll(async () => {
    await stopKits();
    await json?.close();
    await db?.destroy();
  });

  interface World {
    kit: Kit;
    key: string;
    ticket: number;
    /** Emits a ticket event on `kit` (default: the world's) for the world's ticket, as a customer or as staff. */
    say(event: 'ticket.submit' | 'ticket.reply' | 'ticket.close', staff?: boolean, on?: Kit): Promise<void>;
    /** Fires what is due, fans out and delivers; the reminders the sink has for this ticket. */
    run(on?: Kit): Promise<{ waitingSince: string; delayMinutes: number }[]>;
  }

  async function world(delays: number[] = [240]): Promise<World & { keys: string[] }> {
    await stopKits();
    await db.knex('wh_deliveries').delete();
    await db.knex('wh_webhooks').delete();
    await db.knex('wh_awaiting_staff').delete();
    const kit = await makeKit(db, { clock });
    const id = ++n;
    const keys: string[] = [];
    for (const delay of delays) {
      const key = `wait-${id}-${delay}`;
      keys.push(key);
      await kit.addWebhook({
        url: json.url(key),
        platform: 'json',
        name: `Support ${delay}`,
        events: ['ticket.awaiting_staff'],
        filters: { awaitingStaffMinutes: delay },
      });
    }
    const ticket = 9000 + id;
    let seq = 0;
    const w: World & { keys: string[] } = {
      kit,
      key: keys[0],
      keys,
      ticket,
      async say(event, staff = false, on = w.kit) {
        seq++;
        await on.emit(event, 100 * id + seq, (p) => {
          const payload = p as { eventId: string; ticket: { id: number }; message?: { author: { staff: boolean } } | null };
          payload.eventId = `evt_${ticket}_${seq}`;
          payload.ticket.id = ticket;
          if (payload.message) payload.message.author.staff = staff;
        });
      },
      async run(on = w.kit) {
        await on.delivery.awaitingStaff.fireDue();
        await on.delivery.fanOut.drain();
        await on.delivery.dispatcher.drain();
        return reminders(w.key);
      },
    };
    return w;
  }

  const reminders = (key: string) =>
    json.requestsFor(key).map((r) => {
      const body = r.json as { type: string; data: { payload: { waitingSince: string; delayMinutes: number } } };
      expect(body.type).toBe('ticket.awaiting_staff');
      return { waitingSince: body.data.payload.waitingSince, delayMinutes: body.data.payload.delayMinutes };
    });

  it('a customer message at t and no staff answer: one reminder at t + delay, never again', async () => {
    const w = await world([240]);
    const t = clock.now();
    await w.say('ticket.submit');
    clock.advance(240 * MIN - 1);
    expect(await w.run()).toEqual([]);
    clock.advance(1);
    expect(await w.run()).toEqual([{ waitingSince: new Date(t).toISOString(), delayMinutes: 240 }]);
    clock.advance(24 * 60 * MIN);
    expect(await w.run()).toHaveLength(1);
    expect(Number((await db.knex('wh_awaiting_staff').count({ n: '*' }).first())!.n)).toBe(0);
  });

  it('a staff answer before the delay: no reminder; a close: none either', async () => {
    const w = await world([240]);
    await w.say('ticket.submit');
    clock.advance(60 * MIN);
    await w.say('ticket.reply', true);
    clock.advance(10 * 60 * MIN);
    expect(await w.run()).toEqual([]);
    // The customer answers back, then the ticket is closed before the delay.
    await w.say('ticket.reply');
    clock.advance(60 * MIN);
    await w.say('ticket.close');
    clock.advance(10 * 60 * MIN);
    expect(await w.run()).toEqual([]);
  });

  it('a second customer message while waiting adds nothing; a new one after the reminder gives one more', async () => {
    const w = await world([240]);
    const t = clock.now();
    await w.say('ticket.submit');
    clock.advance(60 * MIN);
    await w.say('ticket.reply');
    clock.advance(180 * MIN);
    expect(await w.run()).toEqual([{ waitingSince: new Date(t).toISOString(), delayMinutes: 240 }]);
    clock.advance(60 * MIN);
    expect(await w.run()).toHaveLength(1);
    const t2 = clock.now();
    await w.say('ticket.reply');
    clock.advance(240 * MIN);
    expect((await w.run()).map((r) => r.waitingSince)).toEqual([new Date(t).toISOString(), new Date(t2).toISOString()]);
  });

  it('each webhook is reminded after its own delay', async () => {
    const w = await world([60, 240]);
    await w.say('ticket.submit');
    clock.advance(60 * MIN);
    await w.run();
    expect(reminders(w.keys[0])).toHaveLength(1);
    expect(reminders(w.keys[1])).toHaveLength(0);
    clock.advance(180 * MIN);
    await w.run();
    expect(reminders(w.keys[0])).toHaveLength(1);
    expect(reminders(w.keys[1])).toEqual([expect.objectContaining({ delayMinutes: 240 })]);
  });

  it('a restart between the message and the delay still reminds exactly once', async () => {
    const w = await world([240]);
    await w.say('ticket.submit');
    clock.advance(120 * MIN);
    // The module stops (a host restart); another instance starts on the same database.
    await w.kit.delivery.stop();
    const again = await makeKit(db, { clock });
    clock.advance(120 * MIN);
    expect(await w.run(again)).toHaveLength(1);
    clock.advance(120 * MIN);
    expect(await w.run(again)).toHaveLength(1);
  });

  it('a claim whose process died is taken over after its lease; a crash after persisting is not sent twice', async () => {
    const w = await world([240]);
    await w.say('ticket.submit');
    clock.advance(240 * MIN);
    // A process claimed the row and died before raising it.
    await db.knex('wh_awaiting_staff').update({ locked_by: 'dead-worker', locked_until: clock.now() + 60_000 });
    expect(await w.run()).toEqual([]);
    clock.advance(60_001);
    expect(await w.run()).toHaveLength(1);
    // A process persisted the reminder and died before deleting its row: raised again with the
    // same event id, and the outbox's idempotency key keeps one delivery.
    const row = { ticket_id: String(w.ticket), delay_minutes: 240, snapshot: '', created_at: clock.now() };
    const [stored] = await db.knex('wh_events').select('id').limit(1);
    expect(stored).toBeUndefined();
    const ticket = (await db.knex('wh_deliveries').first('body')) as { body: string };
    const sent = JSON.parse(ticket.body) as { data: { payload: { ticket: unknown; message: unknown; waitingSince: string } } };
    await db.knex('wh_awaiting_staff').insert({
      ...row,
      waiting_since: Date.parse(sent.data.payload.waitingSince),
      due_at: clock.now(),
      snapshot: JSON.stringify({ ticket: sent.data.payload.ticket, message: sent.data.payload.message }),
    });
    expect(await w.kit.delivery.awaitingStaff.fireDue()).toBe(1);
    expect(await w.run()).toHaveLength(1);
    expect(Number((await db.knex('wh_deliveries').count({ n: '*' }).first())!.n)).toBe(1);
  });
});
