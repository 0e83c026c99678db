/**
 * `ticket.awaiting_staff`, durable: a customer's message (a new ticket, a customer reply, a reopen
 * with a customer message) schedules one row per reminder delay the webhooks chose
 * (wh_awaiting_staff, due at the message's time + delay); a staff reply or a close deletes the
 * ticket's rows. A due row is claimed by one process (a conditional update: lease), its event
 * persisted like a host's (then fanned out), and the row deleted.
 *
 * - One waiting period per ticket and delay (unique key): a second customer message while the
 *   first waits adds nothing (the reminder says since when the customer waits); once the reminder
 *   fired, the next customer message starts a new period.
 * - Exactly once across restarts and processes: the row outlives the process; a claim is one
 *   conditional update that only one process wins; a crash after persisting and before deleting
 *   persists the event again after the lease, with the same event id, and the outbox's
 *   idempotency key (webhook, event id) keeps one delivery per webhook.
 * - The clock is injected; the poll is the delivery engine's BackgroundRunner on the injected
 *   timers (tests call `fireDue()`).
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { validateEvent, type AnyEventPayload, type EventMap, type EventName } from '../../sdk/events.js';
import type { Clock, Logger } from '../../sdk/module-context.js';
import { BackgroundRunner } from './background-runner.js';
import type { Timers } from './timers.js';

const TABLE = 'wh_awaiting_staff';
/** What a reminder shows of the customer's message. */
const CONTENT_MAX = 2000;
/** How long the list of delays is trusted (a read of the webhooks per customer message otherwise). */
const DELAYS_TTL_MS = 5000;

type Payload = EventMap['ticket.awaiting_staff'];

export interface AwaitingStaffDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** The reminder delays (minutes) of the webhooks listening to `ticket.awaiting_staff`. */
  delays(): Promise<number[]>;
  /** Persists the reminder like a host's event (EventStore.add); throws when it could not. */
  persist(event: 'ticket.awaiting_staff', payload: Payload): Promise<void>;
  /** Wakes the fan-out. */
  wake(): void;
  timers?: Timers;
  /** How often due reminders are looked for (default 30 s). */
  pollMs?: number;
  /** A claimed row's lease (default 60 s). */
  leaseMs?: number;
  workerId?: string;
}

interface ReminderRow {
  id: number | string;
  ticket_id: string;
  delay_minutes: number | string;
  waiting_since: number | string;
  snapshot: string;
}

export class AwaitingStaff {
  readonly workerId: string;
  private readonly runner: BackgroundRunner;
  private delaysCache: { at: number; delays: Promise<number[]> } | null = null;

  constructor(private readonly deps: AwaitingStaffDeps) {
    this.workerId = deps.workerId ?? `a-${crypto.randomBytes(6).toString('hex')}`;
    this.runner = new BackgroundRunner({
      round: async () => void (await this.fire()),
      pollMs: deps.pollMs ?? 30_000,
      shutdownGraceMs: 5000,
      now: () => deps.clock.now(),
      logger: deps.logger,
      failed: 'webhooks: awaiting-staff reminders failed; will try again',
      timers: deps.timers,
    });
  }

  /** Called with every event the intake persists: schedules or cancels; other events cost nothing. */
  async observe(event: EventName, payload: AnyEventPayload): Promise<void> {
    if (event === 'ticket.close') return this.cancel((payload as EventMap['ticket.close']).ticket.id);
    if (event !== 'ticket.submit' && event !== 'ticket.reply' && event !== 'ticket.reopen') return;
    const p = payload as EventMap['ticket.submit'] | EventMap['ticket.reopen'];
    if (!p.message) return;
    if (p.message.author.staff) return event === 'ticket.reply' ? this.cancel(p.ticket.id) : undefined;
    await this.schedule(p.ticket, p.message, p.occurredAt);
  }

  /** Claims the due reminders, raises each once, and returns how many it raised (one round at a time). */
  fireDue(): Promise<number> {
    return this.runner.exclusive(() => this.fire());
  }

  start(): void {
    this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner.stop();
  }

  private async schedule(ticket: Payload['ticket'], message: Payload['message'], occurredAt: string): Promise<void> {
    const delays = await this.delays();
    if (delays.length === 0) return;
    const now = this.deps.clock.now();
    const since = Date.parse(occurredAt);
    const content = message.content.length > CONTENT_MAX ? `${message.content.slice(0, CONTENT_MAX - 1)}…` : message.content;
    const snapshot = JSON.stringify({ ticket, message: { ...message, content } });
    const rows = delays.map((delay) => ({
      ticket_id: String(ticket.id),
      delay_minutes: delay,
      waiting_since: since,
      due_at: since + delay * 60_000,
      snapshot,
      created_at: now,
    }));
    await this.deps.db(TABLE).insert(rows).onConflict(['ticket_id', 'delay_minutes']).ignore();
  }

  private async cancel(ticketId: string | number): Promise<void> {
    await this.deps.db(TABLE).where('ticket_id', String(ticketId)).delete();
  }

  private delays(): Promise<number[]> {
    const now = this.deps.clock.now();
    if (!this.delaysCache || now - this.delaysCache.at >= DELAYS_TTL_MS || now < this.delaysCache.at) {
      const delays = this.deps.delays().then((d) => [...new Set(d)]);
      this.delaysCache = { at: now, delays };
      delays.catch(() => (this.delaysCache = null));
    }
    return this.delaysCache.delays;
  }

  private async fire(): Promise<number> {
    const { db } = this.deps;
    const now = this.deps.clock.now();
    const due: ReminderRow[] = await db(TABLE)
      .select('id', 'ticket_id', 'delay_minutes', 'waiting_since', 'snapshot')
      .where('due_at', '<=', now)
      .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<', now))
      .orderBy([{ column: 'due_at' }, { column: 'id' }])
      .limit(50);
    let raised = 0;
    for (const row of due) {
      // One conditional update: only one process gets each row.
      const won = await db(TABLE)
        .where('id', row.id)
        .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<', now))
        .update({ locked_by: this.workerId, locked_until: now + (this.deps.leaseMs ?? 60_000) });
      if (Number(won) !== 1) continue;
      const payload = this.reminder(row, now);
      if (payload) await this.deps.persist('ticket.awaiting_staff', payload);
      await db(TABLE).where({ id: row.id, locked_by: this.workerId }).delete();
      if (!payload) continue;
      raised++;
      this.deps.logger.info('webhooks: ticket.awaiting_staff raised', { ticketId: row.ticket_id, delayMinutes: payload.delayMinutes });
    }
    if (raised > 0) this.deps.wake();
    return raised;
  }

  /** The event of a due row (null, logged, when its snapshot no longer passes the schema). */
  private reminder(row: ReminderRow, now: number): Payload | null {
    const { ticket, message } = JSON.parse(row.snapshot) as Pick<Payload, 'ticket' | 'message'>;
    const since = Number(row.waiting_since);
    const delay = Number(row.delay_minutes);
    const key = crypto.createHash('sha256').update(row.ticket_id).digest('hex').slice(0, 16);
    const checked = validateEvent('ticket.awaiting_staff', {
      eventId: `ticket.awaiting_staff:${key}:${since}:${delay}`,
      occurredAt: new Date(now).toISOString(),
      ticket,
      message,
      waitingSince: new Date(since).toISOString(),
      delayMinutes: delay,
    });
    if (checked.ok) return checked.value;
    this.deps.logger.error('webhooks: a ticket.awaiting_staff reminder does not pass its schema; dropped', {
      ticketId: row.ticket_id,
      issues: checked.issues,
    });
    return null;
  }
}
