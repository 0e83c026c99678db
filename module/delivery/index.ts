/**
 * Public API of the delivery slice, and `createDelivery`, which builds it for a module context:
 * the intake (subscriber -> one event row), the fan-out (event -> rendered rows per webhook, in
 * the background), the dispatcher (outbox -> HTTP), the sender (also "Send test"), and the
 * admin's writes (replay, retry all).
 */
import type { AnyEventPayload, EventMap, EventName } from '../../sdk/events.js';
import type { ChatApiBases, ModuleContext } from '../../sdk/module-context.js';
import { platformOf, type Platform } from '../platforms/index.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import { RenderOnCallingThread, RenderWorkers, type EventRenderer } from '../rendering/event-renderers.js';
import type { MarkdownConverter } from '../rendering/event-variables.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { realTimers, type Timers } from './timers.js';
import { EventStore } from './event-store.js';
import { FanOut } from './fan-out.js';
import { KnexHeldDeliveryStore, type HeldDeliveryStore } from './held-deliveries.js';
import { OutboxIntake } from './outbox-intake.js';
import type { DeliveryStore } from './delivery-store.js';
import { KnexDeliveryStore } from './knex-delivery-store.js';
import { GotExchange, type HttpExchange } from './http-exchange.js';
import type { HostTurn } from './host-yield.js';
import { Sender, type TestSender } from './sender.js';
import { SendThread } from './send-thread.js';
import { KnexTicketThreadStore } from './ticket-thread-store.js';
import { OpsAlerts } from './ops-alerts.js';
import { AwaitingStaff } from './awaiting-staff.js';
import { TicketThreads } from './ticket-threads.js';
import { BotPostRoute } from './bot-posts.js';
import { ChatEventStore } from './chat-event-store.js';
import { EngineCounters, databaseGauges, scrape } from './delivery-metrics.js';
import { MeteredDeliveryStore } from './metered-delivery-store.js';

export { matchesFilters } from './webhook-filter.js';
export { nextAttemptDelay, DEFAULT_SCHEDULE_MS, parseSchedule } from './retry-schedule.js';
export { classifyResponse, classifyNetworkError, readRateLimit, type Verdict, type RateLimitInfo } from './classify-response.js';
export { parseRetryAfter, serverWait, RATE_LIMIT_CAP_MS, RATE_LIMIT_FLOOR_MS } from './retry-after.js';
export { rateLimitDecision, DEFAULT_RATE_LIMIT_BUDGET, type RateLimitBudget } from './rate-limit-budget.js';
export { InvalidRequestGuard, DISCORD_INVALID_REQUEST_LIMIT, type InvalidRequestLimit } from './invalid-request-guard.js';
export { Sender, targetUrl, type SendOutcome, type SendRequest } from './sender.js';
export { KnexDeliveryStore, idempotencyKey } from './knex-delivery-store.js';
export type { DeliveryStore, NewDelivery, QueuedDelivery, LaneState } from './delivery-store.js';
export { OutboxIntake } from './outbox-intake.js';
export { EventStore } from './event-store.js';
export { FanOut, type FanOutOptions } from './fan-out.js';
export { KnexHeldDeliveryStore, DISCARDED_ON_RESUME, EXPIRED_WHILE_PAUSED, type HeldDeliveryStore } from './held-deliveries.js';
export { Dispatcher, type DispatcherOptions } from './dispatcher.js';
export { KnexTicketThreadStore, type TicketThreadStore, type TicketThread } from './ticket-thread-store.js';
export { TicketThreads } from './ticket-threads.js';
export { OpsAlerts } from './ops-alerts.js';
export { AwaitingStaff } from './awaiting-staff.js';

export { readDeliverySettings, type DeliverySettings } from './delivery-settings.js';
export { EngineCounters, databaseGauges, scrape, PROMETHEUS_CONTENT_TYPE, type CounterSource } from './delivery-metrics.js';

/** The delivery engine's metrics, in Prometheus' text format (the settings' metrics route). */
export interface DeliveryMetrics {
  scrape(): Promise<string>;
}

/**
 * The admin's writes on the queue (the delivery log's "replay" and "retry all failed" buttons,
 * and what a paused webhook holds: counted on the list, discarded or sent on resume).
 */
export interface DeliveryWrites {
  replay(id: number): Promise<boolean>;
  retryAllFailed(webhookId: number): Promise<number>;
  waiting(webhookIds: number[]): Promise<Map<number, number>>;
  discardWaiting(webhookId: number): Promise<number>;
  /** A webhook was resumed: its lane is worth a look now rather than at the next poll. */
  resumed(): void;
}

/** The admin's writes, through the outbox, waking the dispatcher when something was queued again. */
export function deliveryWrites(outbox: DeliveryStore, wake: () => void, held: HeldDeliveryStore): DeliveryWrites {
  return {
    waiting: (ids) => held.waiting(ids),
    discardWaiting: (webhookId) => held.discard(webhookId),
    resumed: wake,
    async replay(id) {
      const ok = (await outbox.replay(id)) !== null;
      if (ok) wake();
      return ok;
    },
    async retryAllFailed(webhookId) {
      const n = await outbox.retryAllFailed(webhookId);
      if (n > 0) wake();
      return n;
    },
  };
}

/** What the delivery engine reads of the module's context (the engine thread builds its own). */
export type EngineContext = Pick<
  ModuleContext,
  'db' | 'clock' | 'logger' | 'network' | 'timeZone' | 'i18n' | 'notifications' | 'admin' | 'chatApiBases'
>;

/** What the engine asks of the webhooks (the engine thread asks the host's thread for `get`: it holds no key). */
export type EngineWebhooks = Pick<WebhookStore, 'get' | 'disable' | 'listeningTo'>;

type WebhookDeadHandler = NonNullable<ConstructorParameters<typeof Dispatcher>[0]['onWebhookDead']>;

/** Tells the admin, in the host's language, that the engine turned a webhook off. */
export function webhookDeadNotifier(ctx: Pick<ModuleContext, 'notifications' | 'i18n' | 'admin'>): WebhookDeadHandler {
  return (webhook, reason, cause) =>
    ctx.notifications.notify({
      level: 'error',
      title: ctx.i18n.t(cause === 'rate_limited' ? 'delivery.rate_limit_paused.title' : 'delivery.disabled.title', {
        name: webhook.name,
      }),
      body: ctx.i18n.t(cause === 'rate_limited' ? 'delivery.rate_limit_paused.body' : 'delivery.disabled.body', {
        name: webhook.name,
        reason,
      }),
      href: `${ctx.admin.basePath}/webhooks/${webhook.id}/edit`,
    });
}

export interface DeliveryOptions extends DispatcherOptions {
  /** Request timeout (default 10 s). */
  timeoutMs?: number;
  /**
   * Delivered and dead rows older than this are pruned, and what a paused webhook holds longer
   * than this is given up (default 30 days).
   */
  retentionDays?: number;
  /** How often retention runs (default every 6 h). */
  pruneEveryMs?: number;
  timers?: Timers;
  workerId?: string;
  /**
   * Renders on the calling thread with this HTML converter instead of on worker threads: tests
   * that hold or count conversions.
   */
  markdown?: MarkdownConverter;
  /** Time budget of one event's render on the worker threads (default 2000 ms). */
  renderBudgetMs?: number;
  /** Makes the requests on the calling thread instead of the send thread (send-thread.ts). */
  sendOnCallingThread?: boolean;
  /** The requests' way out instead of a send thread of the slice's own: the engine's thread passes its send thread, with a bounded heap. */
  exchange?: HttpExchange;
  /**
   * Renders the events instead of the render threads: the engine's own thread passes
   * RenderOnThisThread, being off the host's thread already (one isolate fewer, about 30 MB).
   */
  renderer?: EventRenderer;
  /** The platform app's bot token (the helpdesk's Chat apps), for webhooks the app posts itself (bot-posts.ts). */
  botToken?: (platform: Platform) => Promise<string | null>;
  /** Instead of notifying through `ctx` (the engine thread asks the host's thread). */
  onWebhookDead?: WebhookDeadHandler;
  /** The engine's own thread: its new work waits while the host's thread waits for a core (host-yield.ts). */
  hostTurn?: HostTurn;
  /** At most one operational alert per webhook and kind in this window (default 1 h; ops-alerts.ts). */
  opsAlertWindowMs?: number;
  /** How often due `ticket.awaiting_staff` reminders are looked for (default 30 s; awaiting-staff.ts). */
  awaitingStaffPollMs?: number;
}

export interface Delivery {
  intake: OutboxIntake;
  fanOut: FanOut;
  events: EventStore;
  renderer: EventRenderer;
  dispatcher: Dispatcher;
  sender: Sender;
  /** The Send test: through the platform's app where the webhook's messages go that way. */
  testSender: TestSender;
  /** The outbox's rows and the lanes: built once, shared by the fan-out, the dispatcher and the admin's writes. */
  store: DeliveryStore;
  held: HeldDeliveryStore;
  /** Per webhook and ticket, its Discord post and first message. */
  ticketThreads: KnexTicketThreadStore;
  /** Chat events acted on, and answers typed in a ticket's chat thread (chat-event-store.ts). */
  chatEvents: ChatEventStore;
  writes: DeliveryWrites;
  metrics: DeliveryMetrics;
  /** What this engine counted (the engine thread answers its host's scrapes from them). */
  counters: EngineCounters;
  /** The module's alerts about its own webhooks (webhooks.disabled, paused, delivery_failed, recovered). */
  ops: OpsAlerts;
  /** The durable schedule of ticket.awaiting_staff reminders. */
  awaitingStaff: AwaitingStaff;
  /** What the intake does with one event (the engine thread does it for its host's intake). */
  persist(event: EventName, payload: AnyEventPayload): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/** The route of webhooks their platform's app posts to (bot-posts.ts), with the host's API bases and the app's token. */
export function botRoute(
  ctx: Pick<EngineContext, 'db' | 'clock' | 'logger' | 'chatApiBases'>,
  db: EngineContext['db'],
  botToken: DeliveryOptions['botToken'],
  threads = new KnexTicketThreadStore(db, () => ctx.clock.now()),
  echoes = new ChatEventStore(db, () => ctx.clock.now()),
): BotPostRoute {
  return new BotPostRoute({
    threads,
    echoes,
    apiBase: (platform) => ctx.chatApiBases?.[platform as keyof ChatApiBases] ?? platformOf(platform).botPosts?.apiBase ?? null,
    botToken: botToken ?? (async () => null),
    logger: ctx.logger,
  });
}

/** The settings page's Send test goes the way the webhook's messages go (the app's post, with its token). */
export function botAwareTestSender(sender: Sender, bot: Pick<BotPostRoute, 'handles' | 'deliver'>): TestSender {
  return {
    async send(webhook, body) {
      if (!bot.handles(webhook)) return sender.send(webhook, body);
      const messageId = `msg_test_${Date.now().toString(36)}`;
      const { verdict, rateLimit, responseBody, ...result } = await bot.deliver(webhook, null, { webhook, body, messageId }, (req) =>
        sender.deliver(req),
      );
      void verdict;
      void rateLimit;
      void responseBody;
      return result;
    },
  };
}

export function createDelivery(ctx: EngineContext, webhooks: EngineWebhooks, options: DeliveryOptions = {}): Delivery {
  const now = () => ctx.clock.now();
  const counters = new EngineCounters();
  const notifyDead = options.onWebhookDead ?? webhookDeadNotifier(ctx);
  const store = new MeteredDeliveryStore(new KnexDeliveryStore(ctx.db, now), counters, now);
  const events = new EventStore(ctx.db, store, now);
  const requests = { network: ctx.network, timeoutMs: options.timeoutMs };
  const sender = new Sender({
    ...requests,
    now,
    exchange:
      options.exchange ?? (options.sendOnCallingThread ? new GotExchange(requests) : new SendThread({ ...requests, logger: ctx.logger })),
  });
  const ticketThreads = new KnexTicketThreadStore(ctx.db, now);
  const chatEvents = new ChatEventStore(ctx.db, now);
  const bot = botRoute(ctx, ctx.db, options.botToken, ticketThreads, chatEvents);
  const testSender = botAwareTestSender(sender, bot);
  // Operational events enter through the intake (below) like the host's: persisted, then fanned out.
  const ops = new OpsAlerts({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    raise: (event, payload) => intake.accept(event, payload),
    webhooks,
    windowMs: options.opsAlertWindowMs,
    notify: (event, p) => {
      const failed = event === 'webhooks.delivery_failed' ? (p as EventMap['webhooks.delivery_failed']) : null;
      const words = { name: p.webhook.name, failures: p.failures, event: failed?.delivery.event ?? '', reason: failed?.reason ?? '' };
      return ctx.notifications.notify({
        level: failed ? 'warning' : 'info',
        title: ctx.i18n.t(failed ? 'delivery.failed.title' : 'delivery.recovered.title', words),
        body: ctx.i18n.t(failed ? 'delivery.failed.body' : 'delivery.recovered.body', words),
        href: `${ctx.admin.basePath}/webhooks/${p.webhook.id}/edit`,
      });
    },
  });
  const dispatcher = new Dispatcher(
    {
      // The same outbox, whose given-up rows and successes the operational alerts are told about.
      store: ops.observeOutbox(store),
      webhooks: {
        // The platform of each lane opened, for the counters (rows carry only the webhook's id).
        get: async (id) => {
          const webhook = await webhooks.get(id);
          if (webhook) counters.knowPlatform(webhook.id, webhook.platform);
          return webhook;
        },
        disable: (id, reason) => webhooks.disable(id, reason),
      },
      send: (req) => sender.deliver(req),
      threads: new TicketThreads({ store: ticketThreads, logger: ctx.logger }),
      bot,
      clock: ctx.clock,
      logger: ctx.logger,
      timers: options.timers,
      workerId: options.workerId,
      hostTurn: options.hostTurn,
      onWebhookDead: (webhook, reason, cause) => {
        counters.turnedOffWebhook(webhook.platform, cause);
        void ops.webhookDead(webhook, reason, cause);
        return notifyDead(webhook, reason, cause);
      },
    },
    options,
  );
  const renderer =
    options.renderer ??
    (options.markdown
      ? new RenderOnCallingThread(options.markdown)
      : new RenderWorkers({ budgetMs: options.renderBudgetMs, logger: ctx.logger }));
  const fanOut = new FanOut(
    {
      events,
      listeningTo: (event) => webhooks.listeningTo(event),
      renderer,
      wake: () => dispatcher.wakeSoon(),
      clock: ctx.clock,
      logger: ctx.logger,
      locale: () => ctx.i18n.locale,
      timeZone: ctx.timeZone,
      timers: options.timers,
      workerId: options.workerId,
      hostTurn: options.hostTurn,
    },
    { pollMs: options.pollMs, leaseMs: options.leaseMs, shutdownGraceMs: options.shutdownGraceMs },
  );
  const awaitingStaff = new AwaitingStaff({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    delays: async () => (await webhooks.listeningTo('ticket.awaiting_staff')).map((w) => w.filters.awaitingStaffMinutes),
    persist: (event, payload) => events.add(event, payload),
    wake: () => fanOut.wake(),
    timers: options.timers,
    pollMs: options.awaitingStaffPollMs,
    workerId: options.workerId,
  });
  // A ticket event also schedules (a customer's message) or cancels (staff's answer, a close)
  // its awaiting-staff reminder, before the emit returns: the schedule is as durable as the event.
  const persist = async (event: EventName, payload: AnyEventPayload) => {
    await events.add(event, payload);
    await awaitingStaff.observe(event, payload);
  };
  const intake = new OutboxIntake({
    persist,
    wake: () => fanOut.wake(),
    logger: ctx.logger,
    timers: options.timers,
  });
  const held = new KnexHeldDeliveryStore(ctx.db, now);
  const gauges = databaseGauges(ctx.db, now);
  const writes = deliveryWrites(store, () => dispatcher.wake(), held);
  const timers = options.timers ?? realTimers;
  let pruneTimer: unknown = null;
  const retentionDays = options.retentionDays ?? 30;
  const prune = () => {
    held
      .expire(retentionDays)
      .then(
        (n) =>
          n > 0 &&
          ctx.logger.warn('webhooks: deliveries held by a paused webhook past the retention given up', { count: n, retentionDays }),
      )
      .then(() => Promise.all([store.prune(retentionDays), ticketThreads.prune(retentionDays)]))
      .then(([n, threads]) => n + threads > 0 && ctx.logger.info('webhooks: old deliveries pruned', { count: n, threads, retentionDays }))
      .catch((err: Error) => ctx.logger.warn('webhooks: pruning old deliveries failed', { error: err.message }))
      .finally(() => {
        if (pruneTimer !== null) pruneTimer = timers.setTimeout(prune, options.pruneEveryMs ?? 6 * 3_600_000);
      });
  };
  return {
    intake,
    persist,
    fanOut,
    events,
    renderer,
    dispatcher,
    sender,
    testSender,
    store,
    held,
    ticketThreads,
    chatEvents,
    writes,
    counters,
    metrics: {
      scrape: () => scrape({ counters: () => counters.registry.getMetricsAsJSON() }, gauges),
    },
    ops,
    awaitingStaff,
    start() {
      fanOut.start();
      dispatcher.start();
      awaitingStaff.start();
      pruneTimer = timers.setTimeout(prune, 60_000);
    },
    async stop() {
      if (pruneTimer !== null) timers.clearTimeout(pruneTimer);
      pruneTimer = null;
      await awaitingStaff.stop();
      await intake.stop();
      await fanOut.stop();
      await dispatcher.stop();
      await renderer.close();
      // Closing the sockets ends requests still hanging past the grace period; then wait for
      // their lanes to be released, before the host closes the database.
      await sender.close();
      await dispatcher.settled();
      // Alerts the last turns raised are written before the host closes the database.
      await ops.settled();
      await intake.stop();
    },
  };
}
