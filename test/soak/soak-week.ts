/**
 * Plays one week on one database: host processes (built dist/, child processes that can be
 * SIGKILLed), the receivers, the 30 webhooks, the event mix with its quiet nights and sales, and
 * the schedule's faults and operations; then waits for the queue to drain and checks the
 * invariants. The week is compressed: one scenario hour lasts `weekMs / 168` real milliseconds,
 * and the module's retry schedule is shortened to match (its settings, not its code).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { prepareDemoMarketplace } from '../../host/marketplace/demo-marketplace.js';
import { createSecrets } from '../../host/security/secrets.js';
import type { DatabaseKind } from '../../host/db/connect-database.js';

import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { DAY_MS } from '../support/clock.js';
import { HostChild, repoRoot, prepareSharedDatabase, requireBuild, type LoopStats, type SharedDatabase } from '../support/host-child.js';
import { seededRandom } from '../support/seeded-random.js';
import { terminateConnections } from '../faults/pg-connections.js';
import { checkWeek, type Verdict } from './soak-invariants.js';
import { rolePlatforms, weekSchedule, type Operation, type Role } from './soak-schedule.js';
import {
  EventMaker,
  hostEventDefinitions,
  Receivers,
  soakPlatforms,
  webhookInput,
  WEBHOOKS,
  type SoakEvent,
  type SoakWebhook,
} from './soak-world.js';

export interface WeekOptions {
  kind: DatabaseKind;
  processes: number;
  weekMs: number;
  /** Events per second by day; nights get a tenth. */
  dayRate: number;
  saleEvents: number;
  drainMs: number;
  log: (line: string) => void;
}

export interface WeekResult {
  verdict: Verdict;
  duplicateBound: number;
  boundParts: { at: string; sending: number }[];
  loop: {
    maxDelayMs: number;
    maxP99Ms: number;
    rssFirstMb: number;
    rssLastMb: number;
    samples: (LoopStats & { t: number; proc: number })[];
  };
  timeline: { t: number; what: string }[];
  drained: boolean;
  seconds: number;
}

const HOURS = 168;
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'manifest.json'), 'utf8')) as { uuid: string };
const SETTINGS = {
  'delivery.leaseMs': 10_000,
  'delivery.pollMs': 200,
  'delivery.timeoutMs': 4000,
  // The retry schedule compressed with the week (about three minutes in all).
  'delivery.retryScheduleSeconds': [0, 0.5, 1, 2, 4, 8, 15, 30, 60, 60],
};

export async function runWeek(o: WeekOptions): Promise<WeekResult> {
  requireBuild();
  const started = Date.now();
  const timeline: { t: number; what: string }[] = [];
  const note = (what: string) => {
    timeline.push({ t: Date.now() - started, what });
    o.log(`  ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${what}`);
  };
  const receivers = await new Receivers().start();
  const db: SharedDatabase = await prepareSharedDatabase(o.kind, SETTINGS);
  // The local marketplace offers this module's version and the next (demo-next-version.ts).
  const marketplace = await prepareDemoMarketplace({ folder: path.join(repoRoot, 'var', 'soak', 'marketplace'), port: 0 });
  let appKey = db.appKey;
  let previousKeys: string[] = [];
  let clockOffsetMs = 0;
  let clockJumpAt: number | null = null;
  const procs: (HostChild | null)[] = [];
  const env = (i: number, install: boolean) => ({
    ...db.childEnv(`soak-${o.kind}-${i}`, install),
    WH_APP_KEY: appKey,
    WH_PREVIOUS_APP_KEYS: previousKeys.join(','),
    WH_CLOCK_OFFSET_MS: String(clockOffsetMs),
    WH_MARKETPLACE_URL: marketplace.url,
  });
  const store = () => new WebhookStore(db.knex, createSecrets(appKey, previousKeys), () => Date.now() + clockOffsetMs);
  const samples: (LoopStats & { t: number; proc: number })[] = [];
  const boundParts: { at: string; sending: number }[] = [];
  const sendingNow = async (): Promise<number> =>
    Number((await db.knex('wh_deliveries').where({ status: 'sending' }).count({ n: '*' }))[0].n);

  try {
    procs.push(await HostChild.start(env(0, true)));
    for (let i = 1; i < o.processes; i++) procs.push(await HostChild.start(env(i, false)));

    // 30 webhooks over every platform; each role takes the next free webhook of its platform.
    const list = soakPlatforms();
    const hooks: SoakWebhook[] = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      const platform = list[i % list.length];
      const { sink, key, url } = receivers.endpoint(i, platform);
      const w = await store().create(webhookInput(i, platform, url));
      hooks.push({ index: i, platform, key, url, sink, id: w.id });
    }
    const roles = new Map<Role, SoakWebhook>();
    for (const [role, platform] of Object.entries(rolePlatforms) as [Role, string][]) {
      const free =
        hooks.find((h) => h.platform === platform && ![...roles.values()].includes(h)) ??
        hooks.find((h) => ![...roles.values()].includes(h))!;
      roles.set(role, free);
    }
    note(
      `${o.processes} host process(es) on ${o.kind}, ${hooks.length} webhooks over ${list.join(', ')}; events: ${hostEventDefinitions()
        .map((d) => d.name)
        .join(', ')}`,
    );

    // Emitting: round-robin over the live processes; a batch whose process died is emitted again
    // elsewhere (event ids are idempotency keys, so an event already taken is not taken twice).
    const maker = new EventMaker();
    const emitted: SoakEvent[] = [];
    // Seeded: the same run makes the same mix.
    const random = seededRandom(28);
    const defs = hostEventDefinitions();
    const orderDefs = defs.filter((d) => d.family === defs[0].family);
    let turn = 0;
    const emitBatch = async (names: string[]): Promise<void> => {
      const batch = names.map((n) => maker.make(n, Date.now() + clockOffsetMs));
      emitted.push(...batch);
      const events = batch.map((e) => ({ name: e.name, payload: e.payload }));
      for (const until = Date.now() + 120_000; ;) {
        const live = procs.filter((p): p is HostChild => p !== null && p.alive);
        const p = live[turn++ % Math.max(1, live.length)];
        try {
          if (!p) throw new Error('no live host process');
          return await p.emitEvents(events);
        } catch (err) {
          if (Date.now() > until) throw new Error(`soak: could not emit ${batch[0].eventId}..: ${(err as Error).message}`, { cause: err });
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    const hourMs = o.weekMs / HOURS;
    const hourNow = () => (Date.now() - started) / hourMs;
    let emitting = true;
    const emitLoop = (async () => {
      while (emitting && hourNow() < HOURS) {
        const h = hourNow() % 24;
        const rate = h >= 8 && h < 22 ? o.dayRate : o.dayRate / 10;
        const n = Math.max(1, Math.round(rate / 2));
        // Half the day's events are orders, the rest spread over every other event.
        const pick = () => {
          const pool = random() < 0.5 ? orderDefs : defs;
          return pool[Math.floor(random() * pool.length)].name;
        };
        await emitBatch(Array.from({ length: n }, pick));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    let sampling = true;
    const sampleLoop = (async () => {
      while (sampling) {
        for (const [i, p] of procs.entries()) {
          if (!p?.alive) continue;
          const s = await Promise.race([p.stats(), new Promise<null>((r) => setTimeout(() => r(null), 5000))]).catch(() => null);
          if (s) samples.push({ ...s, t: Date.now() - started, proc: i });
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();

    const restart = async (i: number, how: 'close' | 'kill') => {
      const p = procs[i];
      procs[i] = null;
      if (how === 'kill') await p?.kill();
      else await p?.close();
      if (how === 'kill') {
        const sending = await sendingNow();
        boundParts.push({ at: 'kill -9', sending });
        note(`  killed pid ${p?.pid}; ${sending} deliveries were in flight (sending)`);
      }
      procs[i] = await HostChild.start(env(i, false));
    };
    const perform = async (op: Operation): Promise<void> => {
      const target = 'role' in op ? roles.get(op.role)! : null;
      switch (op.kind) {
        case 'hold':
          return target!.sink.hold(target!.key, op.fault);
        case 'release':
          return target!.sink.release(target!.key);
        case 'inject':
          return target!.sink.inject(target!.key, ...op.faults);
        case 'pause':
          await store().update(target!.id, { enabled: false });
          return;
        case 'resume':
          await store().update(target!.id, { enabled: true });
          return;
        case 'deleteAtTarget':
          return receivers.discord.deleteWebhook(target!.key);
        case 'sale':
          for (let sent = 0; sent < o.saleEvents; sent += 50)
            await emitBatch(Array.from({ length: Math.min(50, o.saleEvents - sent) }, (_, k) => orderDefs[k % orderDefs.length].name));
          return;
        case 'rotateAppKey':
          previousKeys = [appKey, ...previousKeys];
          appKey = crypto.randomBytes(32).toString('base64');
          for (let i = 0; i < procs.length; i++) await restart(i, 'close');
          return;
        case 'kill9AndRestart':
          return restart(procs.length - 1, 'kill');
        case 'terminatePgConnections': {
          const sending = await sendingNow();
          const n = await terminateConnections(db.url);
          boundParts.push({ at: 'pg_terminate_backend', sending });
          note(`  ${n} connections terminated; ${sending} deliveries were in flight`);
          return;
        }
        case 'moduleUpdate': {
          const r = await procs[0]!.updateModule(manifest.uuid);
          const migrated = await db.knex.schema.hasTable('wh_update_marker');
          note(`  update answered ${r.status}: ${r.body.slice(0, 160)}; 1.1.0's migration ${migrated ? 'ran' : 'did NOT run'}`);
          if (r.status !== 200 || !migrated) throw new Error(`soak: the module update failed (${r.status}): ${r.body.slice(0, 500)}`);
          return;
        }
        case 'clockJumpDay': {
          const sending = await sendingNow();
          clockOffsetMs += DAY_MS;
          clockJumpAt = Date.now();
          await Promise.all(procs.map((p) => p?.jumpClock(DAY_MS)));
          // A lease dated before the jump has expired for every process: its rows may be sent again.
          boundParts.push({ at: 'clock jump', sending });
          note(`  ${sending} deliveries were in flight at the jump`);
          return;
        }
      }
    };

    for (const step of weekSchedule(() => Date.now(), o.kind)) {
      const wait = step.hour * hourMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      note(`hour ${step.hour} (day ${Math.floor(step.hour / 24) + 1}): ${step.what}`);
      await perform(step.op);
    }
    await emitLoop;
    emitting = false;
    for (const s of receivers.all()) for (const h of hooks) s.release(h.key);
    note(`week over: ${emitted.length} events emitted; waiting for the queue to drain`);

    // Drained: no open row on a webhook still on (a deleted target's rows are held with its reason).
    const openRows = async () =>
      Number(
        (
          await db
            .knex('wh_deliveries as d')
            .join('wh_webhooks as w', 'w.id', 'd.webhook_id')
            .whereIn('d.status', ['pending', 'sending', 'failed'])
            .whereNull('w.disabled_reason')
            .count({ n: '*' })
        )[0].n,
      );
    let drained = false;
    let calm = 0;
    for (const until = Date.now() + o.drainMs; Date.now() < until;) {
      calm = (await openRows()) === 0 ? calm + 1 : 0;
      if (calm >= 3) {
        drained = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    note(drained ? 'queue drained' : `queue NOT drained after ${o.drainMs / 1000} s (${await openRows()} open rows)`);
    sampling = false;
    await sampleLoop;
    for (const p of procs) await p?.close();

    const webhookRows: { id: number; disabled_reason: string | null }[] = await db.knex('wh_webhooks').select('id', 'disabled_reason');
    const records = [];
    for (const h of hooks) {
      const w = (await store().get(h.id))!;
      records.push({
        webhook: h,
        events: w.events as string[],
        filters: w.filters,
        disabledReason: webhookRows.find((r) => Number(r.id) === h.id)?.disabled_reason ?? null,
        requests: h.sink.requestsFor(h.key),
      });
    }
    const verdict = await checkWeek(db.knex, emitted, records, { startedAt: started, clockJumpAt });
    const first = samples[0];
    const lastByProc = new Map(samples.map((s) => [s.proc, s]));
    return {
      verdict,
      duplicateBound: boundParts.reduce((a, b) => a + b.sending, 0),
      boundParts,
      loop: {
        maxDelayMs: Math.max(0, ...samples.map((s) => s.maxDelayMs)),
        maxP99Ms: Math.max(0, ...samples.map((s) => s.p99DelayMs)),
        rssFirstMb: first?.rssMb ?? 0,
        rssLastMb: Math.max(0, ...[...lastByProc.values()].map((s) => s.rssMb)),
        samples,
      },
      timeline,
      drained,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const p of procs) await p?.kill().catch(() => undefined);
    await receivers.close();
    await marketplace.close();
    await db.drop();
  }
}
