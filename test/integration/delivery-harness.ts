/**
 * Delivery without the host: a throw-away database with the module's migrations, the real
 * WebhookStore, outbox, lanes, sender and dispatcher, a context with the test world's clock, fake
 * timers (tests drive passes with dispatcher.drain()) and recorded notifications.
 * The clock is required: every kit on one database must share the world's clock (a TestClock
 * made once per database, or realClock for a file that runs on real time), and the events a kit
 * emits are dated by it too.
 */
import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.js';
import { createSecrets } from '../../host/security/secrets.js';
import type { Logger, ModuleContext, HostNotification } from '../../sdk/module-context.js';
import type { EventName } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { WebhookStore, type NewWebhook } from '../../module/webhooks/webhook-store.js';
import { createDelivery, type Delivery, type DeliveryOptions } from '../../module/delivery/index.js';
import { markdownHere } from '../../module/rendering/event-variables.js';
import type { TestDatabase } from '../support/databases.js';
import type { Clock } from '../../sdk/module-context.js';

export { TestClock, realClock } from '../support/clock.js';

export interface LogEntry {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void entries.push({ level, msg, fields });
  return { entries, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Timers that never fire by themselves: the test calls drain(). */
export const manualTimers = { setTimeout: () => ({}), clearTimeout: () => undefined };

export async function migrate(knex: Knex): Promise<void> {
  for (const m of migrations) await m.up(knex);
}

export interface Kit {
  db: Knex;
  clock: Clock;
  logger: ReturnType<typeof recordingLogger>;
  notifications: HostNotification[];
  store: WebhookStore;
  delivery: Delivery;
  ctx: ModuleContext;
  addWebhook(input: Partial<NewWebhook> & { url: string }): Promise<number>;
  /** Accepts the event (the host's emit), then fans it out (as the background fan-out would). */
  emit<K extends EventName>(event: K, seq: number, patch?: (p: ReturnType<typeof sampleEvent<K>>) => void): Promise<void>;
  rows(webhookId?: number): Promise<
    {
      id: number;
      status: string;
      attempts: number;
      last_error: string | null;
      batch_id: string | null;
      event_id: string;
      next_attempt_at: number;
    }[]
  >;
}

const liveKits: Kit[] = [];

/** Stops every kit's delivery: call before dropping the database, so no pass outlives its test file. */
export async function stopKits(): Promise<void> {
  await Promise.all(liveKits.splice(0).map((k) => k.delivery.stop()));
}

export async function makeKit(db: TestDatabase, opts: { clock: Clock; delivery?: DeliveryOptions; allowLoopback?: boolean }): Promise<Kit> {
  const { clock } = opts;
  const logger = recordingLogger();
  const notifications: HostNotification[] = [];
  const secrets = createSecrets('delivery-test-key-'.padEnd(40, 'x'));
  const store = new WebhookStore(db.knex, secrets, () => clock.now());
  const ctx = {
    db: db.knex,
    clock,
    logger,
    timeZone: 'Europe/Paris',
    i18n: { locale: 'fr', t: (key: string, vars?: Record<string, string | number>) => `${key} ${JSON.stringify(vars ?? {})}` },
    network: { allowLoopback: opts.allowLoopback ?? true, allowPrivate: false },
    notifications: { notify: async (n: HostNotification) => void notifications.push(n) },
    admin: { basePath: '/admin/modules/webhooks' },
  } as unknown as ModuleContext;
  // HTML is converted on the test's own thread unless a test passes `markdown` (worker threads).
  const delivery = createDelivery(ctx, store, {
    timers: manualTimers,
    random: () => 0.5,
    timeoutMs: 2000,
    markdown: markdownHere,
    // The TypeScript sources have no built send worker: requests on the test's own thread.
    sendOnCallingThread: true,
    ...opts.delivery,
  });
  const kit: Kit = {
    db: db.knex,
    clock,
    logger,
    notifications,
    store,
    delivery,
    ctx,
    async addWebhook(input) {
      const w = await store.create({
        name: 'Test',
        platform: 'discord',
        events: ['order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close'],
        templates: {},
        ...input,
      });
      return w.id;
    },
    async emit(event, seq, patch) {
      const payload = sampleEvent(event, { seq, now: clock.now() });
      (payload as { eventId: string }).eventId = `evt_${seq}`;
      patch?.(payload);
      await delivery.intake.accept(event, payload);
      await delivery.fanOut.drain();
    },
    async rows(webhookId) {
      const q = db
        .knex('wh_deliveries')
        .select('id', 'status', 'attempts', 'last_error', 'batch_id', 'event_id', 'next_attempt_at')
        .orderBy('id');
      if (webhookId !== undefined) q.where('webhook_id', webhookId);
      const rows = await q;
      return rows.map((r: Record<string, unknown>) => ({
        ...r,
        id: Number(r.id),
        attempts: Number(r.attempts),
        next_attempt_at: Number(r.next_attempt_at),
      })) as never;
    },
  };
  liveKits.push(kit);
  return kit;
}
