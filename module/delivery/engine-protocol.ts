/**
 * The messages between the host's thread and the delivery engine's thread (engine-thread.ts,
 * engine-worker.ts): plain data only (structured clone). The host's thread wakes the engine and
 * answers what needs the host's key or language; the engine logs and reports through it.
 */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { Webhook } from '../webhooks/webhook.js';
import type { DeliveryOptions } from './index.js';

/** How the engine thread opens its own connection: what knex needs, without functions. */
/**
 * Where a knex client given as a class can be had again on another thread: a class cannot cross
 * threads, so the host's class says which module exports a function returning it
 * (host/db/sqlite-driver.ts does for node:sqlite).
 */
export interface KnexClientSource {
  moduleUrl: string;
  exportName: string;
}

export interface EngineConnection {
  /** 'sqlite-class': the host's own knex client class for SQLite, rebuilt on the thread from `clientSource`. */
  client: 'pg' | 'mysql2' | 'better-sqlite3' | 'sqlite-class';
  clientSource?: KnexClientSource;
  connection: unknown;
  poolMax: number;
}

export interface EngineWorkerData {
  connection: EngineConnection;
  /** This incarnation's leases (the supervisor releases them if it dies). */
  workerId: string;
  network: { allowLoopback: boolean; allowPrivate: boolean };
  timeZone: string;
  locale: string;
  /** The delivery settings; functions (timers, markdown, random, botToken) are not sent. */
  options: Omit<DeliveryOptions, 'timers' | 'markdown' | 'random' | 'onWebhookDead' | 'botToken'>;
  /** The chat platforms' API bases the host set (`ctx.chatApiBases`). */
  chatApiBases?: Record<string, string | undefined>;
  /** The host's clock (`ctx.clock`) minus the real one when the thread started; 'clock' messages update it. */
  clockOffsetMs: number;
  /** The engine thread's nice value (Linux; 0 keeps the host's priority). */
  nice: number;
  /** The engine's new work waits while the host's thread waits for a core (host-yield.ts). */
  yieldToHost: boolean;
}

/** Host's thread -> engine. */
export type ToEngine =
  | { type: 'wake' }
  | { type: 'wake-dispatcher' }
  /** The host's clock moved against the real one (a test clock, a simulation). */
  | { type: 'clock'; offsetMs: number }
  | { type: 'counters'; id: number }
  /** One emitted event to persist (and wake the fan-out for): the host's thread never waits on SQLite's write lock. */
  | { type: 'persist'; id: number; event: EventName; payload: AnyEventPayload }
  | { type: 'answer'; id: number; value?: unknown; error?: string }
  | { type: 'stop' };

/** Engine -> host's thread. */
export type FromEngine =
  | { type: 'ready' }
  | { type: 'counters'; id: number; value: object[] }
  | { type: 'persisted'; id: number; error?: string }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
  | { type: 'webhook'; id: number; webhookId: number }
  /** The host's SQLite connection's `wal_autocheckpoint` (pages), for the engine's own connection to match. */
  | { type: 'wal-autocheckpoint'; id: number }
  /** The platform app's bot token (a Slack webhook posted by the app): the host's key decrypts it. */
  | { type: 'bot-token'; id: number; platform: Webhook['platform'] }
  | { type: 'webhook-dead'; id: number; webhook: Pick<Webhook, 'id' | 'name' | 'platform'>; reason: string; cause: 'gone' | 'rate_limited' }
  /** The thread's heap stays nearly full after a full collection: it ends itself, to be started with more. */
  | { type: 'heap-full'; usedMb: number; limitMb: number }
  | { type: 'stopped' };
