/**
 * The intake never loses an event and never throws into the host: it persists each event once
 * (one row, whatever the webhooks) and wakes the fan-out; when the database refuses the write,
 * the event waits in memory and is written later, in order.
 */
import { EventEmitter2 } from 'eventemitter2';
import type { AnyEventPayload, EventName } from '../../../sdk/events.js';
import { sampleEvent } from '../../../sdk/sample-events.js';
import { OutboxIntake, type IntakeDeps } from '../../../module/delivery/outbox-intake.js';
import { subscribeAll } from '../../../module/subscribers/index.js';

function setup() {
  const written: { event: EventName; payload: AnyEventPayload }[] = [];
  let failures = 0;
  let wakes = 0;
  const timers: { fn: () => void; ms: number }[] = [];
  const logs: { level: string; msg: string }[] = [];
  const log = (level: string) => (msg: string) => void logs.push({ level, msg });
  const deps: IntakeDeps = {
    persist: async (event, payload) => {
      if (failures > 0) {
        failures--;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      written.push({ event, payload });
    },
    wake: () => void wakes++,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    timers: { setTimeout: (fn, ms) => timers.push({ fn, ms }), clearTimeout: () => undefined },
  };
  return { deps, intake: new OutboxIntake(deps), written, timers, logs, fail: (n: number) => (failures = n), wakes: () => wakes };
}

describe('OutboxIntake', () => {
  it('persists the event once, as validated, and wakes the fan-out (rendering is not its job)', async () => {
    const t = setup();
    const p = sampleEvent('order.paid', { seq: 5 });
    await t.intake.accept('order.paid', p);
    expect(t.written).toEqual([{ event: 'order.paid', payload: p }]);
    expect(t.wakes()).toBe(1);
  });

  it('keeps events in memory while the database refuses them, then writes them with backoff', async () => {
    const t = setup();
    t.fail(4); // both accepts, then the first retry round for both
    await expect(t.intake.accept('order.paid', sampleEvent('order.paid', { seq: 1 }))).resolves.toBeUndefined();
    await t.intake.accept('ticket.submit', sampleEvent('ticket.submit', { seq: 2 }));
    expect(t.intake.buffered).toBe(2);
    expect(t.logs.filter((l) => l.level === 'error')).toHaveLength(2);
    expect(t.timers).toHaveLength(1);
    t.timers.shift()!.fn();
    await new Promise((r) => setImmediate(r));
    expect(t.intake.buffered).toBe(2);
    // Backed off: the next wait is longer.
    expect(t.timers[0].ms).toBe(1000);
    t.timers.shift()!.fn();
    await new Promise((r) => setImmediate(r));
    expect(t.intake.buffered).toBe(0);
    expect(t.written.map((w) => w.event)).toEqual(['order.paid', 'ticket.submit']);
  });

  it('drops past the buffer bound, and says so', async () => {
    const t = setup();
    const intake = new OutboxIntake({ ...t.deps, bufferLimit: 1 });
    t.fail(10);
    await intake.accept('order.paid', sampleEvent('order.paid', { seq: 1 }));
    await intake.accept('order.paid', sampleEvent('order.paid', { seq: 2 }));
    expect(intake.buffered).toBe(1);
    expect(t.logs.some((l) => l.msg === 'webhooks: memory buffer full; event dropped')).toBe(true);
  });

  it('never throws into the host bus, even when the database is unreachable', async () => {
    const t = setup();
    const intake = new OutboxIntake({
      ...t.deps,
      persist: async () => {
        throw new Error('connection refused');
      },
    });
    const bus = new EventEmitter2({ wildcard: true, delimiter: '.' });
    const unsubscribe = subscribeAll({ bus, intake, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    await expect(bus.emitAsync('order.paid', sampleEvent('order.paid'))).resolves.toBeDefined();
    expect(intake.buffered).toBe(1);
    unsubscribe();
  });

  it('drops an entry the database keeps refusing while it takes the others, naming its event', async () => {
    const t = setup();
    const poison = 'evt_poison';
    const written: string[] = [];
    let down = true;
    const intake = new OutboxIntake({
      ...t.deps,
      maxRefusals: 2,
      persist: async (_event, payload) => {
        if (down || payload.eventId === poison) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
        written.push(payload.eventId);
      },
    });
    for (const id of ['evt_a', poison, 'evt_b']) {
      const p = sampleEvent('order.paid');
      p.eventId = id;
      await intake.accept('order.paid', p);
    }
    expect(intake.buffered).toBe(3);
    // Database down: rounds fail without counting against any entry.
    for (let i = 0; i < 5; i++) await intake.flush();
    expect(intake.buffered).toBe(3);
    down = false;
    await intake.flush();
    expect(written).toEqual(['evt_a', 'evt_b']);
    expect(intake.buffered).toBe(1);
    // Alone, it is not counted (nothing shows the database is up)...
    await intake.flush();
    await intake.flush();
    expect(intake.buffered).toBe(1);
    // ...until another event is written meanwhile.
    const next = sampleEvent('order.paid');
    next.eventId = 'evt_c';
    await intake.accept('order.paid', next);
    await intake.flush();
    expect(intake.buffered).toBe(0);
    expect(written).toEqual(['evt_a', 'evt_b', 'evt_c']);
    expect(t.logs.some((l) => l.level === 'error' && l.msg === 'webhooks: the database keeps refusing one event; dropped')).toBe(true);
  });
});
