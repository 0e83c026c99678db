/**
 * Parent side of test/support/delivery-host-child.mjs: forks a real reference host (built
 * dist/) on a shared database, emits events through its bus, stops it gracefully or SIGKILLs it,
 * and prepares the shared database (host tables, module settings) before any child boots.
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { connectDatabase, type DatabaseKind } from '../../host/db/connect-database.js';
import { migrateHost } from '../../host/db/host-migrations.js';
import { createSecrets } from '../../host/security/secrets.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { createDatabaseUrl } from './databases.js';

import { repoRoot } from '../../host/paths.js';

// From the sources (jest) and from the build (dist/test/support, `npm run soak`) alike.
export { repoRoot };
const childScript = path.join(repoRoot, 'test', 'support', 'delivery-host-child.mjs');

/** The child runs the built module: fail early and clearly when dist/ is missing. */
export function requireBuild(): void {
  for (const f of ['dist/host/create-host.js', 'dist/module/index.js', 'dist/module/delivery/index.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) throw new Error(`${f} is missing: run \`npm run build\` before this test`);
  }
}

export interface LoopStats {
  maxDelayMs: number;
  p99DelayMs: number;
  rssMb: number;
}

type ChildMessage =
  | { type: 'ready' }
  | { type: 'emitted'; count: number }
  | { type: 'jumped' }
  | { type: 'updated'; status: number; body: string }
  | ({ type: 'stats' } & LoopStats)
  | { type: 'closed' }
  | { type: 'error'; message: string };

export class HostChild {
  private output = '';
  private readonly waiters: { type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d) => (this.output += String(d)));
    child.stderr?.on('data', (d) => (this.output += String(d)));
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'error') {
        this.output += `\n[child error] ${m.message}`;
        for (const w of this.waiters.splice(0)) w.reject(new Error(`host child failed: ${m.message}`));
        return;
      }
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        for (const w of this.waiters.splice(0))
          w.reject(new Error(`host child exited (${code ?? signal}) before answering:\n${this.tail()}`));
        resolve({ code, signal });
      }),
    );
  }

  static async start(env: Record<string, string>): Promise<HostChild> {
    const child = fork(childScript, [], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const host = new HostChild(child);
    await host.next('ready');
    return host;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last lines the child printed (for failure messages). */
  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  private next(type: string): Promise<ChildMessage> {
    return new Promise((resolve, reject) => this.waiters.push({ type, resolve, reject }));
  }

  /** Emits order.paid events from..to-1 through the child's bus (each emitAsync awaited). */
  async emit(from: number, to: number, gateways: number): Promise<void> {
    const done = this.next('emitted');
    this.child.send({ type: 'emit', from, to, gateways });
    await done;
  }

  /** Emits these events through the child's bus, in order, each emitAsync awaited. */
  async emitEvents(events: { name: string; payload: unknown }[]): Promise<void> {
    const done = this.next('emitted');
    this.child.send({ type: 'emitEvents', events });
    await done;
  }

  /** Moves the child host's clock forward by `ms`. */
  async jumpClock(ms: number): Promise<void> {
    const done = this.next('jumped');
    this.child.send({ type: 'jump', ms });
    await done;
  }

  /** Updates the module `uuid` through the child host's admin API, from its marketplace. */
  async updateModule(uuid: string): Promise<{ status: number; body: string }> {
    const done = this.next('updated');
    this.child.send({ type: 'update', uuid });
    const m = (await done) as { type: 'updated'; status: number; body: string };
    return { status: m.status, body: m.body };
  }

  /** Event-loop delay since the last call, and RSS now. */
  async stats(): Promise<LoopStats> {
    const done = this.next('stats');
    this.child.send({ type: 'stats' });
    const { type: _type, ...stats } = (await done) as { type: 'stats' } & LoopStats;
    return stats;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ type: 'close' });
    await this.exited;
  }
}

export interface SharedDatabase {
  kind: DatabaseKind;
  url: string;
  knex: Knex;
  appKey: string;
  varDir(label: string): string;
  /** The module's webhook store, sealing URLs with the children's APP_KEY. */
  webhooks(): WebhookStore;
  childEnv(label: string, install: boolean): Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A fresh database with the host's tables and the module's settings already written, so every
 * child reads the same configuration from its first boot.
 */
export async function prepareSharedDatabase(kind: DatabaseKind, moduleSettings: Record<string, unknown>): Promise<SharedDatabase> {
  const { url, drop } = await createDatabaseUrl(kind);
  const knex = connectDatabase(url, { poolMax: 2 });
  await migrateHost(knex);
  // TEST_ENGINE_THREAD=0: the children run the delivery engine on the host's thread (by default
  // it has its own), the same assertions; =1 asks for the thread outright.
  const placement = process.env.TEST_ENGINE_THREAD;
  const settings =
    placement === '0' || placement === '1' ? { ...moduleSettings, 'delivery.engineThread': placement === '1' } : moduleSettings;
  for (const [key, value] of Object.entries(settings)) {
    await knex('host_settings').insert({ scope: 'webhooks', key, value: JSON.stringify(value), updated_at: Date.now() });
  }
  const appKey = crypto.randomBytes(32).toString('base64');
  const dirs: string[] = [];
  const varDir = (label: string) => {
    const dir = path.join(repoRoot, 'var', 'test-hosts', `${label}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`);
    fs.mkdirSync(dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };
  return {
    kind,
    url,
    knex,
    appKey,
    varDir,
    webhooks: () => new WebhookStore(knex, createSecrets(appKey), () => Date.now()),
    childEnv: (label, install) => ({
      WH_DATABASE_URL: url,
      WH_APP_KEY: appKey,
      WH_VAR_DIR: varDir(label),
      WH_INSTALL: install ? '1' : '0',
    }),
    async drop() {
      await knex.destroy();
      await drop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Event numbers carried by a message rendered with the template `evt-%id%-end`, in order. */
export function eventNumbers(body: Record<string, unknown>): number[] {
  const text = JSON.stringify(body);
  return [...text.matchAll(/evt-(\d+)-end/g)].map((m) => Number(m[1]));
}

/** Waits until `check()` is true, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
