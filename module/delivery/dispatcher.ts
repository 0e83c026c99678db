/**
 * In-process workers. A pass leases free lanes (one per webhook, across every host process) and
 * runs each: take the lane's due rows in order, pack them (coalescing) into one request, send,
 * record the answer, and go on until the lane is empty, must wait (rate limit, retry backoff,
 * pacing) or has had its turn. Woken at once by the intake; polls otherwise for retries and for
 * work other processes enqueued.
 */
import crypto from 'node:crypto';
import type { Clock, Logger } from '../../sdk/module-context.js';
import { platformOf } from '../platforms/index.js';
import { combineBodies } from '../rendering/combine-bodies.js';
import type { Platform, Webhook } from '../webhooks/webhook.js';
import type { Verdict } from './classify-response.js';
import {
  DISCORD_INVALID_REQUEST_LIMIT,
  InvalidRequestGuard,
  isInvalidRequestStatus,
  type InvalidRequestLimit,
} from './invalid-request-guard.js';
import type { AttemptRecord, DeliveryStore, QueuedDelivery, Success } from './delivery-store.js';
import { DEFAULT_RATE_LIMIT_BUDGET, formatDuration, rateLimitDecision, type RateLimitBudget } from './rate-limit-budget.js';
import { DEFAULT_SCHEDULE_MS, nextAttemptDelay } from './retry-schedule.js';
import type { SendOutcome, SendRequest } from './sender.js';
import { threadPackGroup, type TicketThreads } from './ticket-threads.js';
import type { BotPostRoute } from './bot-posts.js';
import { BackgroundRunner } from './background-runner.js';
import { realTimers, type Timers } from './timers.js';
import type { HostTurn } from './host-yield.js';

export type { Timers } from './timers.js';

export interface DispatcherOptions {
  /** Lanes sent to at the same time by this process (default 4). */
  concurrency?: number;
  /**
   * How often to look for due work when not woken (default 250 ms): rows another host process
   * fanned out wake only that process, so a second process finds them by this poll (one small
   * read). At 1 s a second process idled up to a second at the start of each burst.
   */
  pollMs?: number;
  /** Lane lease; must exceed the request timeout (default 60 s). */
  leaseMs?: number;
  /** Requests per lane turn before letting other lanes go first (default 20). */
  turnRequests?: number;
  /** Rows read per request when coalescing (default 50). */
  packWindow?: number;
  schedule?: readonly number[];
  random?: () => number;
  /** Slack-likes accept about one message per second per webhook. */
  slackPaceMs?: number;
  /** How long shutdown waits for requests in flight (default 5 s). */
  shutdownGraceMs?: number;
  /** Backoff and pause bound for a webhook answering 429 again and again (rate-limit-budget.ts). */
  rateLimitBudget?: Partial<RateLimitBudget>;
  /** This process's guard against Discord's invalid-request ban (invalid-request-guard.ts). */
  invalidRequestLimit?: Partial<InvalidRequestLimit>;
}

export interface DispatcherDeps {
  /** The outbox's rows and the lanes (delivery-store.ts). */
  store: DeliveryStore;
  webhooks: { get(id: number): Promise<Webhook | null>; disable(id: number, reason: string): Promise<void> };
  send(req: SendRequest): Promise<SendOutcome>;
  /** Ticket rows of thread-per-ticket and status-card webhooks go through it (ticket-threads.ts). */
  threads?: Pick<TicketThreads, 'deliver'>;
  /** Webhooks whose messages the platform's app posts itself (Slack chat.postMessage). */
  bot?: Pick<BotPostRoute, 'handles' | 'deliver'>;
  clock: Clock;
  logger: Logger;
  /**
   * Told when a webhook is disabled: its target says it is gone (`gone`), or it kept answering
   * 429 past the rate-limit budget (`rate_limited`).
   */
  onWebhookDead?(webhook: Webhook, reason: string, cause: 'gone' | 'rate_limited'): Promise<void> | void;
  timers?: Timers;
  /** Identifies this worker's leases (default: random). */
  workerId?: string;
  /** Asked before each request: the engine's thread steps aside while the host's waits for a core (host-yield.ts). */
  hostTurn?: HostTurn;
}

/**
 * A turn writes its successes together, at the latest once the first of them is this old: a crash
 * resends what was sent and not written, so this bounds the duplicates a crash can cause.
 */
const SUCCESS_FLUSH_MS = 100;

/** What one lane turn holds between its requests. */
interface LaneTurn {
  webhookId: number;
  /** Rows claimed (marked `sending`) and not sent yet, in id order. */
  claimed: QueuedDelivery[];
  /**
   * The next claim, made while the last claimed request is in flight (claimAhead): its rows are
   * all newer than `claimed`, and join it before anything else touches the turn's rows.
   */
  ahead: Promise<QueuedDelivery[]> | null;
  /** Successes not written yet. */
  successes: Success[];
  leaseUntil: number;
  /** The turn had a success (or the webhook was paused): the lane's run of 429s is over. */
  endRun: boolean;
  /** The lane closes until then when released. */
  block?: { until: number; reason: string };
  /** Rows up to this id are sent one per request (a packed request was refused). */
  singleUntil: number;
  /** Rows the fan-out wrote (this process's wakeSoon calls) that the last claim may not have seen. */
  seen: number;
  /** Lingers in a row that found nothing. */
  idle: number;
}

/** A request about to go out, and the rows it carries. */
interface Outgoing {
  packed: QueuedDelivery[];
  request: SendRequest;
}

/** One request and its answer, as the record step gets it. */
interface Exchange {
  packed: QueuedDelivery[];
  result: SendOutcome;
  attempt: AttemptRecord;
  /** When the answer came. */
  after: number;
}

/** After a request: the turn goes on, or ends (the lane is released). */
type Next = 'next' | 'end';

/** How long a drained lane waits for new rows, holding its lease, and how many times in a row. */
const LINGER_MS = 20;
const LINGER_ROUNDS = 3;
/** How long one look for lanes waiting for a slot serves every lane of the process. */
const WAITING_CHECK_MS = 50;

/** How long a wake-up from the fan-out waits for more rows (wakeSoon). */
const WAKE_COALESCE_MS = 5;

/** How long a lane waits after an unexpected error in its turn. */
export const LANE_ERROR_PAUSE_MS = 30_000;

export interface DispatcherStats {
  requests: number;
  delivered: number;
  rateLimited: number;
  /** Webhooks paused because they kept answering 429. */
  rateLimitPauses: number;
}

type RequiredOptions = Required<Omit<DispatcherOptions, 'rateLimitBudget' | 'invalidRequestLimit'>>;

export class Dispatcher {
  readonly workerId: string;
  readonly stats: DispatcherStats = { requests: 0, delivered: 0, rateLimited: 0, rateLimitPauses: 0 };
  /** 401/403/429 answers of this process in the last 10 minutes. */
  readonly invalidRequests: InvalidRequestGuard;
  private readonly o: RequiredOptions;
  private readonly budget: RateLimitBudget;
  /** While the invalid-request guard holds sending: until when (0 = not holding). */
  private guardHeldUntil = 0;
  /** Passes: woken, polled, stopped (background-runner.ts). */
  private readonly runner: BackgroundRunner;
  private readonly active = new Map<number, Promise<void>>();
  /** Set once shutdown gave this worker's rows back: late answers must not overwrite them. */
  private released = false;
  /** Earliest time this process knows a lane it closed opens again. */
  private nextHint = Infinity;
  /** Unreadable webhooks already reported by this process (one log line each, not one per lane turn). */
  private readonly unreadableSaid = new Set<number>();
  /** Bumped each time the fan-out says it wrote rows (wakeSoon): a lane that saw the last one lingers. */
  private arrivals = 0;
  /** Drained lanes waiting for new rows (linger). */
  private readonly lingering = new Set<() => void>();
  /** The last look for lanes waiting for a slot (mayKeepLane). */
  private waitingCheck: { at: number; answer: Promise<boolean> } | null = null;
  /** drain() runs: lanes end as soon as they are empty. */
  private draining = false;

  constructor(
    private readonly deps: DispatcherDeps,
    options: DispatcherOptions = {},
  ) {
    this.workerId = deps.workerId ?? `w-${crypto.randomBytes(6).toString('hex')}`;
    this.o = {
      concurrency: options.concurrency ?? 4,
      pollMs: options.pollMs ?? 250,
      leaseMs: options.leaseMs ?? 60_000,
      turnRequests: options.turnRequests ?? 20,
      packWindow: options.packWindow ?? 50,
      schedule: options.schedule ?? DEFAULT_SCHEDULE_MS,
      random: options.random ?? Math.random,
      slackPaceMs: options.slackPaceMs ?? 1000,
      shutdownGraceMs: options.shutdownGraceMs ?? 5000,
    };
    this.budget = { ...DEFAULT_RATE_LIMIT_BUDGET, ...options.rateLimitBudget };
    this.invalidRequests = new InvalidRequestGuard({ ...DISCORD_INVALID_REQUEST_LIMIT, ...options.invalidRequestLimit });
    this.runner = new BackgroundRunner({
      round: () => this.pass(),
      pollMs: () => this.pollIn(),
      shutdownGraceMs: this.o.shutdownGraceMs,
      now: () => deps.clock.now(),
      logger: deps.logger,
      failed: 'webhooks: dispatcher pass failed',
      timers: deps.timers,
      inFlight: () => this.active.values(),
      // Lanes holding their lease for new rows end at once.
      onStop: () => this.rouse(),
    });
  }

  /** Set once stop() was called: lanes end at their next check. */
  private get stopping(): boolean {
    return this.runner.stopping;
  }

  start(): void {
    this.runner.start();
  }

  /** Runs a pass now (or right after the current one). */
  wake(): void {
    this.runner.wake();
  }

  /**
   * Wakes within a few ms: rows the fan-out writes one batch after another are then claimed by
   * one lane turn, not one turn (lease, claim, write, release) each.
   */
  wakeSoon(ms = WAKE_COALESCE_MS): void {
    if (!this.runner.live) return;
    // Lanes holding their lease for new rows claim them at once (their rows are written by now).
    this.arrivals++;
    this.rouse();
    this.runner.wakeSoon(ms);
  }

  /** Tests and benchmarks: passes until nothing is due now and no lane is running. */
  async drain(maxPasses = 10_000): Promise<void> {
    this.draining = true;
    this.rouse();
    try {
      await this.drainPasses(maxPasses);
    } finally {
      this.draining = false;
    }
  }

  private async drainPasses(maxPasses: number): Promise<void> {
    for (let i = 0; i < maxPasses; i++) {
      await this.pass();
      if (this.active.size) {
        await Promise.all(this.active.values());
        continue;
      }
      const due = await this.deps.store.laneCandidates(this.deps.clock.now(), 1);
      if (due.length === 0) return;
    }
    throw new Error(`dispatcher.drain: still work after ${maxPasses} passes`);
  }

  /** Stop claiming, wait for requests in flight up to the grace period, give back what is left. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    const finished = await this.runner.stop();
    try {
      this.released = true;
      const released = await this.deps.store.releaseWorker(this.workerId);
      await this.deps.store.releaseLanes(this.workerId, this.deps.clock.now());
      if (!finished || released)
        this.deps.logger.warn('webhooks: stopped with requests in flight; their deliveries are queued again', { released });
    } catch (err) {
      this.deps.logger.error('webhooks: could not release leases at shutdown (they expire by themselves)', {
        error: (err as Error).message,
      });
    }
  }

  /**
   * Resolves once every lane turn still running after stop() has ended, or after `limitMs`.
   * Called once the sender's sockets are closed, so a hanging request ends at once and its lane
   * is released while the database is still open: nothing outlives the module's shutdown.
   */
  async settled(limitMs = 2000): Promise<void> {
    await this.runner.settled(limitMs);
  }

  /** Until the next pass: the poll, or sooner when a lane this process closed opens again. */
  private pollIn(): number {
    const hintIn = this.nextHint === Infinity ? Infinity : Math.max(0, this.nextHint - this.deps.clock.now());
    return Math.min(this.o.pollMs, hintIn);
  }

  private async pass(): Promise<void> {
    const free = this.o.concurrency - this.active.size;
    if (free <= 0 || this.stopping) return;
    const now = this.deps.clock.now();
    if (this.nextHint <= now) this.nextHint = Infinity;
    const candidates = await this.deps.store.laneCandidates(now, free, [...this.active.keys()]);
    const leased = await this.deps.store.leaseLanes(candidates, this.workerId, now, this.o.leaseMs);
    for (const webhookId of leased) {
      const run = this.runLane(webhookId)
        .catch((err: Error) =>
          this.deps.logger.error('webhooks: lane failed; its lease will expire and it will be tried again', {
            webhookId,
            error: err.message,
          }),
        )
        .finally(() => {
          this.active.delete(webhookId);
          // A lane finished: free slot, and maybe more work.
          this.wake();
        });
      this.active.set(webhookId, run);
    }
  }

  private hint(at: number): void {
    if (at < this.nextHint) this.nextHint = at;
  }

  /**
   * 0 while Discord may be sent to; else the time until which this process has had so many
   * 401/403/429 answers from Discord that one more could get the host's IP banned. Logs when the
   * hold starts and ends. Other platforms are not behind Discord's Cloudflare: they are not held.
   */
  private guardHolds(now: number): number {
    const until = this.invalidRequests.pausedUntil(now);
    if (until === 0) {
      if (this.guardHeldUntil !== 0) {
        this.guardHeldUntil = 0;
        this.deps.logger.info('webhooks: sending resumes: invalid-request window has room again', {
          invalidRequests: this.invalidRequests.count(now),
        });
      }
      return 0;
    }
    if (this.guardHeldUntil !== until) {
      const { limit, windowMs } = this.invalidRequests.config;
      if (this.guardHeldUntil === 0)
        this.deps.logger.warn(
          `webhooks: sending to Discord paused for ${formatDuration(until - now)}: ${this.invalidRequests.count(now)} answers ` +
            `401/403/429 from Discord in the last ${formatDuration(windowMs)} (this process), near the ${limit} that get an IP banned`,
          { waitMs: until - now, invalidRequests: this.invalidRequests.count(now), limit, windowMs, perProcess: true },
        );
      this.guardHeldUntil = until;
    }
    return until;
  }

  /**
   * One lane turn: claim the lane's due rows once (marked `sending`), send them in order, one
   * request at a time (packed when the platform coalesces), and write the successes together;
   * any other answer is written at once and, but for a refused pack or a dead row, ends the turn.
   * The unsent claims go back and the lane is released, closed for as long as it must wait.
   * Each request is three steps: claim (the rows), send (one HTTP exchange), record (the answer,
   * by the handler of its outcome).
   */
  private async runLane(webhookId: number): Promise<void> {
    const { clock } = this.deps;
    const turn: LaneTurn = {
      webhookId,
      claimed: [],
      ahead: null,
      successes: [],
      leaseUntil: clock.now() + this.o.leaseMs,
      endRun: false,
      singleUntil: 0,
      seen: -1,
      idle: 0,
    };
    try {
      let webhook = await this.openWebhook(turn);
      if (!webhook) return;
      // Turn after turn while the lane has work and no other lane waits for a slot: the lease is
      // kept (renewed at half-life), not released and taken again. The claim only takes rows of
      // an enabled webhook; the webhook is read again between turns (an edit applies).
      for (;;) {
        const platform = platformOf(webhook.platform);
        const coalesce = webhook.options.coalesce !== false && platform.coalesce !== undefined;
        for (let requests = 0; requests < this.o.turnRequests && !this.stopping; requests++) {
          const pause = this.deps.hostTurn?.turn();
          if (pause) await pause;
          if (!(await this.keepLease(turn, clock.now()))) return;
          if (!(await this.claim(turn, coalesce ? this.o.packWindow : this.o.turnRequests - requests))) return;
          // Other lanes' answers may have filled the invalid-request window meanwhile (Discord).
          const held = platform.countsInvalidRequests ? this.guardHolds(clock.now()) : 0;
          if (held) {
            turn.block = { until: held, reason: 'invalid_requests' };
            return;
          }
          const outgoing = this.nextRequest(turn, webhook, coalesce, requests);
          const exchange = await this.send(webhook, outgoing);
          if ((await this.record(turn, webhook, exchange)) === 'end') return;
        }
        if (this.stopping || !(await this.mayKeepLane())) return;
        webhook = await this.openWebhook(turn);
        if (!webhook) return;
      }
    } catch (err) {
      // A failure around the send (database, decryption): close the lane for a while instead of
      // picking it again at once; its rows keep their state and their lease expires if unreleased.
      turn.block = { until: clock.now() + LANE_ERROR_PAUSE_MS, reason: 'error' };
      throw err;
    } finally {
      await this.endTurn(turn);
      if (turn.block) this.hint(turn.block.until);
      await this.deps.store.releaseLane(webhookId, this.workerId, clock.now(), turn.block, { endRun: turn.endRun });
    }
  }

  /**
   * Claim: rows for the turn's next request, in id order, marked `sending` (those claimed ahead
   * first). False when the lane has none left and waited enough for new ones: the turn ends.
   */
  private async claim(turn: LaneTurn, limit: number): Promise<boolean> {
    if (turn.ahead && (await this.takeAhead(turn))) turn.idle = 0;
    while (turn.claimed.length === 0) {
      // Nothing written since the last claim: wait a little for the fan-out's next rows
      // (the turn's successes wait with them, LINGER_MS at most) rather than give the lane
      // back, and claim once more before giving up (another process's rows, due retries).
      if (turn.seen === this.arrivals && (turn.idle++ >= LINGER_ROUNDS || !(await this.linger()))) return false;
      turn.seen = this.arrivals;
      // The successes so far are written with the claim (one round trip on PostgreSQL).
      turn.claimed = await this.deps.store.claim(
        turn.webhookId,
        this.deps.clock.now(),
        limit,
        this.workerId,
        turn.leaseUntil,
        turn.successes.splice(0),
      );
      if (turn.claimed.length) turn.idle = 0;
    }
    return true;
  }

  /**
   * The next request, from the first claimed rows (packed when the platform coalesces); when it
   * takes the last of them, the lane's next rows are claimed while it is out.
   */
  private nextRequest(turn: LaneTurn, webhook: Webhook, coalesce: boolean, requests: number): Outgoing {
    const { packed, body, text } = this.pack(webhook.platform, turn.claimed, coalesce && turn.claimed[0].id > turn.singleUntil);
    turn.claimed = turn.claimed.slice(packed.length);
    if (turn.claimed.length === 0 && requests + 1 < this.o.turnRequests && !platformOf(webhook.platform).paced) {
      // The lane's next rows are claimed while this request is out: the claim's round trip
      // no longer sits between two requests. (Paced platforms end the turn after each success.)
      turn.seen = this.arrivals;
      this.claimAhead(turn, coalesce ? this.o.packWindow : this.o.turnRequests - requests - 1);
    }
    const request: SendRequest = {
      webhook,
      body,
      text,
      query: packed[0].query,
      // Same id on every retry of a delivery (Standard Webhooks consumers dedupe on it).
      messageId: `msg_${webhook.id}_${packed[0].eventId}`,
    };
    return { packed, request };
  }

  /** Send: one HTTP exchange (through the ticket's thread when the rows carry a plan), counted. */
  private async send(webhook: Webhook, { packed, request }: Outgoing): Promise<Exchange> {
    const plan = packed[packed.length - 1].thread;
    const result = this.deps.bot?.handles(webhook)
      ? await this.deps.bot.deliver(webhook, plan ?? null, request, this.deps.send)
      : plan && plan.mode !== 'bot' && this.deps.threads
        ? await this.deps.threads.deliver(webhook, plan, request, this.deps.send)
        : await this.deps.send(request);
    this.stats.requests++;
    const after = this.deps.clock.now();
    if (platformOf(webhook.platform).countsInvalidRequests && isInvalidRequestStatus(result.statusCode)) this.invalidRequests.record(after);
    const attempt: AttemptRecord = {
      statusCode: result.statusCode,
      outcome: result.outcome,
      error: result.error,
      responseBody: result.responseBody,
      durationMs: result.durationMs,
    };
    return { packed, result, attempt, after };
  }

  /**
   * Record: the answer written by the handler of its outcome (Svix's worker has the same split):
   * delivered, rate limited, retry later, refused request, gone webhook. `next` goes on with the
   * turn, `end` ends it.
   */
  private async record(turn: LaneTurn, webhook: Webhook, x: Exchange): Promise<Next> {
    const v = x.result.verdict;
    if (v.kind === 'ok') return this.onDelivered(turn, webhook, x);
    // After shutdown released the rows, only a success is worth writing (it saves a resend).
    if (this.released) return 'end';
    // A failure may put rows back in front (split) or end the turn: the rows claimed ahead
    // join the turn first, behind the ones just sent, so the order holds and none is lost.
    await this.takeAhead(turn);
    // The turn's successes are written before the failure (a row's history stays in order).
    await this.flush(turn);
    switch (v.kind) {
      case 'rate_limited':
        return this.onRateLimited(turn, webhook, x, v);
      case 'retry':
        return this.onRetryLater(turn, x, v);
      case 'dead_request':
        return this.onDeadRequest(turn, webhook, x, v);
      case 'dead_webhook':
        return this.onDeadWebhook(webhook, x, v);
    }
  }

  /** The lane's webhook, or null when it must not be sent to now (gone, disabled, unreadable). */
  private async openWebhook(turn: LaneTurn): Promise<Webhook | null> {
    const webhook = await this.deps.webhooks.get(turn.webhookId);
    if (!webhook || !webhook.enabled) return null;
    if (webhook.unreadable?.length) {
      // No key opens its URL or secret: its rows wait, untouched, until it is re-entered or the
      // old key is given back; the lane is looked at again after a pause.
      turn.block = { until: this.deps.clock.now() + LANE_ERROR_PAUSE_MS, reason: 'unreadable' };
      this.sayUnreadable(webhook);
      return null;
    }
    this.unreadableSaid.delete(turn.webhookId);
    return webhook;
  }

  /**
   * A drained lane keeps its lease for up to LINGER_MS, woken early by the fan-out's next rows:
   * under a steady flow of events that saves giving the lane back and taking it again (four
   * statements) for each small batch. Not while draining, stopping, or another lane waits.
   */
  private async linger(): Promise<boolean> {
    if (this.stopping || this.draining || !(await this.mayKeepLane())) return false;
    await new Promise<void>((resolve) => {
      const timer = realTimers.setTimeout(() => {
        this.lingering.delete(done);
        resolve();
      }, LINGER_MS);
      const done = () => {
        realTimers.clearTimeout(timer);
        resolve();
      };
      this.lingering.add(done);
    });
    return !this.stopping;
  }

  /** Wakes the lingering lanes (new rows, shutdown). */
  private rouse(): void {
    const waiting = [...this.lingering];
    this.lingering.clear();
    for (const done of waiting) done();
  }

  /**
   * After a full turn: true when no other lane waits for one of this process's slots (a free
   * slot, or no free lane with due work), so the lane goes on without giving its lease back.
   */
  private mayKeepLane(): Promise<boolean> {
    if (this.active.size < this.o.concurrency) return Promise.resolve(true);
    // One look for every lane of this process that asks within WAITING_CHECK_MS.
    const t = performance.now();
    if (!this.waitingCheck || t - this.waitingCheck.at > WAITING_CHECK_MS)
      this.waitingCheck = {
        at: t,
        answer: this.deps.store.laneCandidates(this.deps.clock.now(), 1, [...this.active.keys()]).then((c) => c.length === 0),
      };
    return this.waitingCheck.answer;
  }

  /**
   * Claims the lane's next rows now, without waiting (the successes so far ride along); they
   * join the turn at takeAhead. One claim ahead at most, and the lane's other statements wait for
   * it: a lane never has two statements at once.
   */
  private claimAhead(turn: LaneTurn, limit: number): void {
    const ahead = this.deps.store.claim(
      turn.webhookId,
      this.deps.clock.now(),
      limit,
      this.workerId,
      turn.leaseUntil,
      turn.successes.splice(0),
    );
    // Awaited by takeAhead; until then a failure must not go unheard as an unhandled rejection.
    ahead.catch(() => undefined);
    turn.ahead = ahead;
  }

  /** The rows claimed ahead join the turn (after its own). True when there were any. */
  private async takeAhead(turn: LaneTurn): Promise<boolean> {
    const ahead = turn.ahead;
    if (!ahead) return false;
    turn.ahead = null;
    const rows = await ahead;
    turn.claimed.push(...rows);
    return rows.length > 0;
  }

  /** Renews the lane's lease (and the claimed rows') once half of it has gone; false when it was lost. */
  private async keepLease(turn: LaneTurn, now: number): Promise<boolean> {
    if (now <= turn.leaseUntil - this.o.leaseMs / 2) return true;
    // The rows claimed ahead were claimed under the old lease: renewed with the others.
    await this.takeAhead(turn);
    turn.leaseUntil = now + this.o.leaseMs;
    if (!(await this.deps.store.renewLane(turn.webhookId, this.workerId, turn.leaseUntil))) {
      this.deps.logger.warn('webhooks: lane lease lost; leaving it to its new holder', { webhookId: turn.webhookId });
      turn.claimed = [];
      return false;
    }
    if (turn.claimed.length)
      await this.deps.store.markSending(
        turn.claimed.map((r) => r.id),
        this.workerId,
        turn.leaseUntil,
      );
    return true;
  }

  /** Writes the turn's successes (one transaction). */
  private async flush(turn: LaneTurn): Promise<void> {
    await this.takeAhead(turn);
    if (turn.successes.length === 0) return;
    const successes = turn.successes.splice(0);
    await this.deps.store.deliveredMany(successes);
  }

  /** End of a turn: successes written, unsent claims given back. A database error here is logged: the rows' lease expires. */
  private async endTurn(turn: LaneTurn): Promise<void> {
    try {
      // flush() takes the rows claimed ahead first: they are given back with the others.
      await this.flush(turn);
      await this.deps.store.giveBack(
        turn.claimed.map((r) => r.id),
        this.workerId,
      );
      turn.claimed = [];
    } catch (err) {
      this.deps.logger.error('webhooks: could not record the end of a lane turn; its rows are sent again once their lease expires', {
        webhookId: turn.webhookId,
        error: (err as Error).message,
      });
    }
  }

  /** Delivered (2xx): kept for the turn's write; the lane goes on unless the platform asks to wait. */
  private async onDelivered(turn: LaneTurn, webhook: Webhook, { packed, attempt, result, after }: Exchange): Promise<Next> {
    const rl = result.rateLimit;
    turn.endRun = true;
    turn.successes.push({
      rows: packed,
      batchId: packed.length > 1 ? `b_${crypto.randomBytes(8).toString('hex')}` : null,
      attempt,
      at: after,
    });
    this.stats.delivered += packed.length;
    // A slow target's successes are written as they come, not held for the whole turn.
    if (after - turn.successes[0].at >= SUCCESS_FLUSH_MS) await this.flush(turn);
    // Honour the window before hitting the limit: no request while Remaining is 0.
    if (rl.remaining === 0 && rl.resetAfterMs !== null) {
      turn.block = { until: after + rl.resetAfterMs, reason: 'rate_limit_window' };
      this.deps.logger.debug('webhooks: rate-limit window used up; waiting for X-RateLimit-Reset-After', {
        webhookId: webhook.id,
        urlHint: webhook.urlHint,
        waitMs: rl.resetAfterMs,
      });
    } else if (platformOf(webhook.platform).paced && this.o.slackPaceMs > 0)
      turn.block = { until: after + this.o.slackPaceMs, reason: 'pacing' };
    return turn.block ? 'end' : 'next';
  }

  /**
   * Rate limited (429): a wait, not a failed attempt (the rows keep their place and their attempt
   * count). The wait is the server's, bounded (retry-after.ts), and grows with the lane's run of
   * 429s; past the budget the webhook is paused like a dead one, its queue kept. Ends the turn.
   */
  private async onRateLimited(
    turn: LaneTurn,
    webhook: Webhook,
    { packed, attempt, after }: Exchange,
    v: Extract<Verdict, { kind: 'rate_limited' }>,
  ): Promise<Next> {
    const webhookId = webhook.id;
    this.stats.rateLimited++;
    await this.deps.store.requeue(packed, attempt, { counted: false });
    const run = await this.deps.store.noteRateLimited(webhookId, this.workerId, after, turn.endRun);
    const decision = rateLimitDecision(v.waitMs, run, after, this.budget);
    const fields = {
      webhookId,
      urlHint: webhook.urlHint,
      inARow: run.count,
      source: v.source,
      ...(v.ignored.length ? { ignored: v.ignored } : {}),
    };
    if (v.capped)
      this.deps.logger.warn(`webhooks: the target asked to wait ${formatDuration(v.askedMs)}; capped to ${formatDuration(v.waitMs)}`, {
        ...fields,
        askedMs: v.askedMs,
        waitMs: v.waitMs,
      });
    // A global limit holds every lane of the platform for the server's own (bounded) wait.
    if (v.global) await this.deps.store.blockPlatform(webhook.platform, after + v.waitMs, 'rate_limited_global');
    if (decision.kind === 'pause') {
      this.stats.rateLimitPauses++;
      await this.disableWebhook(webhook, decision.reason, 'rate_limited', fields);
      turn.endRun = true;
      return 'end';
    }
    turn.block = { until: after + decision.waitMs, reason: 'rate_limited' };
    this.deps.logger.info(`webhooks: rate limited (429); waiting ${formatDuration(decision.waitMs)}`, {
      ...fields,
      waitMs: decision.waitMs,
      serverWaitMs: v.waitMs,
      ...(decision.backoffMs > v.waitMs ? { backoffMs: decision.backoffMs } : {}),
      global: v.global,
    });
    return 'end';
  }

  /**
   * Retry later (5xx, timeout, network): an attempt counted; the rows wait for their next attempt
   * (the lane with them), or give up once the schedule is spent and the lane goes on.
   */
  private async onRetryLater(
    turn: LaneTurn,
    { packed, attempt, result, after }: Exchange,
    v: Extract<Verdict, { kind: 'retry' }>,
  ): Promise<Next> {
    const delays = packed.map((row) =>
      nextAttemptDelay({
        attempt: row.attempts + 1,
        schedule: this.o.schedule,
        random: this.o.random,
        retryAfterMs: result.rateLimit.retryAfterMs,
      }),
    );
    const waits = delays.filter((d): d is number => d !== null);
    // Keep the order: the packed rows retry together, at the latest of their times (each row's
    // own jitter would make the earliest due first, and the lane's newer rows would overtake
    // the later ones), and later rows wait behind them.
    const nextAt = waits.length ? after + Math.max(...waits) : null;
    const updates = packed.map((row, i) => ({ row, nextAt: delays[i] === null ? null : nextAt }));
    await this.deps.store.failed(updates, attempt, `gave up after ${packed[0].attempts + 1} attempts: ${v.reason}`);
    if (nextAt !== null) {
      turn.block = { until: nextAt, reason: 'retry_backoff' };
      return 'end';
    }
    return 'next';
  }

  /**
   * Refused request (another 4xx): this body will never be accepted. A refused pack is sent again
   * one row per request (one of its messages may be the bad one); a single row is dead.
   */
  private async onDeadRequest(
    turn: LaneTurn,
    webhook: Webhook,
    { packed, attempt, result }: Exchange,
    v: Extract<Verdict, { kind: 'dead_request' }>,
  ): Promise<Next> {
    if (packed.length > 1) {
      // Still claimed: back in front of the turn's rows, sent one by one up to the last of them.
      turn.claimed = [...packed, ...turn.claimed];
      turn.singleUntil = packed[packed.length - 1].id;
      return 'next';
    }
    await this.deps.store.dead(packed, attempt);
    this.deps.logger.warn('webhooks: delivery refused by the platform', {
      webhookId: webhook.id,
      deliveryId: packed[0].id,
      status: result.statusCode,
      error: v.reason,
    });
    return 'next';
  }

  /** Gone webhook (404/401 and the like): stop sending, keep the queue paused, tell the admin. */
  private async onDeadWebhook(
    webhook: Webhook,
    { packed, attempt }: Exchange,
    v: Extract<Verdict, { kind: 'dead_webhook' }>,
  ): Promise<Next> {
    await this.deps.store.requeue(packed, attempt, { counted: true });
    await this.disableWebhook(webhook, v.reason, 'gone');
    return 'end';
  }

  private sayUnreadable(webhook: Webhook): void {
    if (this.unreadableSaid.has(webhook.id)) return;
    this.unreadableSaid.add(webhook.id);
    // Named by id and name: the URL is what cannot be read, and is never logged anyway.
    this.deps.logger.warn(
      `webhooks: webhook #${webhook.id} "${webhook.name}" cannot be read with the current APP_KEY (was APP_KEY changed?); ` +
        'its deliveries stay queued until its URL is typed again or APP_PREVIOUS_KEYS holds the old key',
      { webhookId: webhook.id, name: webhook.name, unreadable: webhook.unreadable },
    );
  }

  /** One path for every webhook the dispatcher turns off: disabled with the reason, logged, the admin told. */
  private async disableWebhook(
    webhook: Webhook,
    reason: string,
    cause: 'gone' | 'rate_limited',
    fields: Record<string, unknown> = {},
  ): Promise<void> {
    await this.deps.webhooks.disable(webhook.id, reason);
    this.deps.logger.warn(
      cause === 'gone'
        ? 'webhooks: webhook disabled: its target says it is gone'
        : 'webhooks: webhook paused: it kept answering 429 (rate limited); its queue is kept',
      { webhookId: webhook.id, urlHint: webhook.urlHint, ...fields, reason },
    );
    try {
      await this.deps.onWebhookDead?.(webhook, reason, cause);
    } catch (err) {
      this.deps.logger.error('webhooks: could not notify about a disabled webhook', {
        webhookId: webhook.id,
        error: (err as Error).message,
      });
    }
  }

  /** The rows of the next request and its body (parsed, or the stored text of a single row). */
  private pack(
    platform: Platform,
    rows: QueuedDelivery[],
    coalesce: boolean,
  ): { packed: QueuedDelivery[]; body?: QueuedDelivery['body']; text?: string } {
    if (!coalesce || rows.length === 1)
      // A ticket-thread row's body is reworked before sending (ticket-threads.ts): parsed.
      return rows[0].bodyText !== undefined && !rows[0].thread
        ? { packed: [rows[0]], text: rows[0].bodyText }
        : { packed: [rows[0]], body: rows[0].body };
    // Only rows going to the same URL (same thread, same ticket's post) can share a request.
    const group = (r: QueuedDelivery) =>
      JSON.stringify([r.query ?? null, r.thread ? (threadPackGroup(r.thread) ?? `alone ${r.id}`) : null]);
    const q = group(rows[0]);
    let same = 1;
    while (same < rows.length && group(rows[same]) === q) same++;
    const [first] = combineBodies(
      platform,
      rows.slice(0, same).map((r) => r.body),
    );
    return { packed: rows.slice(0, first.count), body: first.body };
  }
}
