/**
 * `ticket.awaiting_staff` with two real host processes (forked children, each with its own knex
 * pool and its own reminder poll every 50 ms) on one PostgreSQL, then one MariaDB, database: 40
 * tickets wait for staff, both clocks jump past the delay, and each reminder is raised by exactly
 * one of the processes (counted in their logs, not only at the sink, where the outbox's
 * idempotency key would hide a double raise) and delivered once. Then a host is stopped while a
 * ticket waits and started again past the delay: one reminder. Needs the built dist/.
 */
import { sampleEvent } from '../../sdk/sample-events.js';
import { JsonSink } from '../support/json-sink.js';
import { testDatabaseKinds } from '../support/databases.js';
import { HostChild, prepareSharedDatabase, requireBuild, waitFor, type SharedDatabase } from '../support/host-child.js';

const kinds = testDatabaseKinds().filter((k) => k !== 'sqlite');
const TICKETS = 40;
const RAISED = 'webhooks: ticket.awaiting_staff raised';

if (kinds.length === 0) it.skip('two host processes on one server database (TEST_DB names none)', () => undefined);

for (const kind of kinds) describeOn(kind);

function describeOn(kind: (typeof kinds)[number]): void {
  describe(`ticket.awaiting_staff with two host processes on one ${kind} database`, () => {
    let db: SharedDatabase;
    let sink: JsonSink;
    const children: HostChild[] = [];

    beforeAll(async () => {
      requireBuild();
      sink = await new JsonSink().start();
      db = await prepareSharedDatabase(kind, { 'delivery.pollMs': 200, 'delivery.awaitingStaffPollMs': 50 });
    });

    afterAll(async () => {
      for (const c of children) await c.kill().catch(() => undefined);
      await sink?.close();
      await db?.drop();
    });

    it(`raises each of ${TICKETS} reminders exactly once between the two processes`, async () => {
      const a = await HostChild.start({ ...db.childEnv('aw-a', true), WH_LOG_LEVEL: 'info' });
      children.push(a);
      await db.webhooks().create({
        name: 'Support',
        url: sink.url('support'),
        platform: 'json',
        events: ['ticket.awaiting_staff'],
        templates: {},
        filters: { awaitingStaffMinutes: 1 },
      });
      const b = await HostChild.start({ ...db.childEnv('aw-b', false), WH_LOG_LEVEL: 'info' });
      children.push(b);
      const tickets = (from: number, to: number) =>
        Array.from({ length: to - from }, (_, i) => {
          const p = sampleEvent('ticket.submit', { seq: from + i, now: Date.now() });
          return {
            name: 'ticket.submit',
            payload: { ...p, eventId: `evt-wait-${from + i}`, ticket: { ...p.ticket, id: 7000 + from + i } },
          };
        });
      await Promise.all([a.emitEvents(tickets(0, TICKETS / 2)), b.emitEvents(tickets(TICKETS / 2, TICKETS))]);
      const scheduled = await db.knex('wh_awaiting_staff').count({ n: '*' }).first();
      expect(Number(scheduled!.n)).toBe(TICKETS);
      expect(sink.requests).toHaveLength(0);

      // Both hosts' clocks pass the one-minute delay; both polls race for the rows.
      await Promise.all([a.jumpClock(2 * 60_000), b.jumpClock(2 * 60_000)]);
      const ids = () => sink.requests.map((r) => (r.json as { data: { payload: { ticket: { id: number } } } }).data.payload.ticket.id);
      await waitFor(
        `${TICKETS} reminders at the sink (got ${sink.requests.length})\n${a.tail(10)}\n${b.tail(10)}`,
        async () => ids().length >= TICKETS && Number((await db.knex('wh_awaiting_staff').count({ n: '*' }).first())!.n) === 0,
        60_000,
        100,
      );
      // Let a duplicate about to be sent arrive before counting.
      await new Promise((r) => setTimeout(r, 500));
      expect([...ids()].sort((x, y) => x - y)).toEqual(Array.from({ length: TICKETS }, (_, i) => 7000 + i));
      const raisedBy = (c: HostChild) =>
        c
          .tail(1_000_000)
          .split('\n')
          .filter((l) => l.includes(RAISED)).length;
      const [byA, byB] = [raisedBy(a), raisedBy(b)];
      // Printed: how the work was shared (both usually take part; exactness is what is asserted).
      process.stdout.write(`awaiting_staff on ${kind}: raised by A ${byA}, by B ${byB}\n`);
      expect(byA + byB).toBe(TICKETS);
    }, 120_000);

    it('a host stopped while a ticket waits, and started again past the delay, reminds exactly once', async () => {
      // Only this test's hosts: the two above would take the reminder.
      for (const c of children.splice(0)) await c.close();
      const first = await HostChild.start({ ...db.childEnv('aw-c', false), WH_LOG_LEVEL: 'info' });
      const p = sampleEvent('ticket.submit', { seq: 900, now: Date.now() });
      await first.emitEvents([
        { name: 'ticket.submit', payload: { ...p, eventId: 'evt-wait-restart', ticket: { ...p.ticket, id: 8900 } } },
      ]);
      await first.close();
      const ofTicket = () =>
        sink.requests.filter((r) => (r.json as { data: { payload: { ticket: { id: number } } } }).data.payload.ticket.id === 8900);
      expect(ofTicket()).toHaveLength(0);
      // Started again two minutes later (its clock is ahead: the delay has passed while it was down).
      const again = await HostChild.start({ ...db.childEnv('aw-d', false), WH_LOG_LEVEL: 'info', WH_CLOCK_OFFSET_MS: String(2 * 60_000) });
      children.push(again);
      await waitFor(`the reminder of ticket 8900\n${again.tail(10)}`, () => ofTicket().length >= 1, 60_000, 100);
      await new Promise((r) => setTimeout(r, 500));
      expect(ofTicket()).toHaveLength(1);
      expect(
        again
          .tail(1_000_000)
          .split('\n')
          .filter((l) => l.includes(RAISED)),
      ).toHaveLength(1);
    }, 120_000);
  });
}
