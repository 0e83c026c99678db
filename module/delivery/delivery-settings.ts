/**
 * Delivery tuning read from the module's settings (host_settings, scope of the module), so an
 * operator (or a test) can shorten leases or change the retry schedule without code. Bad values
 * are reported by key and replaced by the default: a typo must not stop deliveries.
 */
import type { Logger, ModuleSettings } from '../../sdk/module-context.js';

export interface DeliverySettings {
  leaseMs?: number;
  pollMs?: number;
  concurrency?: number;
  timeoutMs?: number;
  /** Retry schedule in milliseconds (the setting is in seconds). */
  schedule?: number[];
  retentionDays?: number;
  /** Time budget of one customer-HTML conversion (worker threads). */
  renderBudgetMs?: number;
  /**
   * The delivery engine on its own thread (engine-thread.ts; unset: on it where it can start,
   * true: the same, and a warning where it cannot) or on the host's (false).
   */
  engineThread?: boolean;
  /** The engine thread's nice value, 0-19 (Linux): how far behind the host's thread it runs. */
  engineNice?: number;
  /** The engine thread's heap (V8's old generation) in MB, doubled after the thread ran out of it. */
  engineHeapMb?: number;
  /** The engine thread steps aside while the host's thread waits for a core (host-yield.ts; default: on PostgreSQL and MariaDB). */
  engineYield?: boolean;
  /** How often due ticket.awaiting_staff reminders are looked for. */
  awaitingStaffPollMs?: number;
  /** The coalescing window of operational alerts (one per webhook and kind). */
  opsAlertWindowMs?: number;
}

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

export async function readDeliverySettings(settings: ModuleSettings, logger: Logger): Promise<DeliverySettings> {
  const out: DeliverySettings = {};
  const num = async (key: string, set: (v: number) => void, integer = false) => {
    const v = await settings.get<unknown>(key, undefined);
    if (v === undefined || v === null) return;
    if (positive(v) && (!integer || Number.isInteger(v))) set(v as number);
    else logger.warn(`webhooks: setting ${key} ignored: expected a positive ${integer ? 'integer' : 'number'}`, { key, value: String(v) });
  };
  const integerIn = async (key: string, min: number, max: number, set: (v: number) => void) => {
    const v = await settings.get<unknown>(key, undefined);
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) set(v);
    else if (v !== undefined && v !== null)
      logger.warn(`webhooks: setting ${key} ignored: expected an integer from ${min} to ${max}`, { value: String(v).slice(0, 50) });
  };
  const boolean = async (key: string, set: (v: boolean) => void) => {
    const v = await settings.get<unknown>(key, undefined);
    if (typeof v === 'boolean') set(v);
    else if (v !== undefined && v !== null)
      logger.warn(`webhooks: setting ${key} ignored: expected true or false`, { value: String(v).slice(0, 50) });
  };
  await num('delivery.leaseMs', (v) => (out.leaseMs = v));
  await num('delivery.pollMs', (v) => (out.pollMs = v));
  await num('delivery.concurrency', (v) => (out.concurrency = v), true);
  await num('delivery.timeoutMs', (v) => (out.timeoutMs = v));
  await num('delivery.retentionDays', (v) => (out.retentionDays = v));
  await num('delivery.renderBudgetMs', (v) => (out.renderBudgetMs = v));
  await boolean('delivery.engineThread', (v) => (out.engineThread = v));
  await integerIn('delivery.engineNice', 0, 19, (v) => (out.engineNice = v));
  await boolean('delivery.engineYield', (v) => (out.engineYield = v));
  await integerIn('delivery.engineHeapMb', 16, 4096, (v) => (out.engineHeapMb = v));
  await num('delivery.awaitingStaffPollMs', (v) => (out.awaitingStaffPollMs = v));
  await num('delivery.opsAlertWindowMs', (v) => (out.opsAlertWindowMs = v));
  const schedule = await settings.get<unknown>('delivery.retryScheduleSeconds', undefined);
  if (schedule !== undefined && schedule !== null) {
    if (Array.isArray(schedule) && schedule.length > 0 && schedule.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0))
      out.schedule = schedule.map((s: number) => Math.round(s * 1000));
    else
      logger.warn('webhooks: setting delivery.retryScheduleSeconds ignored: expected a list of seconds such as [0, 5, 300]', {
        value: JSON.stringify(schedule).slice(0, 200),
      });
  }
  return out;
}
