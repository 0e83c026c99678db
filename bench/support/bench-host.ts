/**
 * A reference host with this repository's module installed and enabled, for benchmarks and the
 * fault suite: createHost on port 0 (127.0.0.1), development profile (loopback targets allowed),
 * logs discarded unless asked, a throw-away var folder. Webhooks are created through the
 * module's JSON API, the way an admin's script would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import got from 'got';
import type { DestinationStream } from 'pino';
import { createHost, type Host } from '../../host/create-host.js';
import { createSettings } from '../../host/context/settings-store.js';
import type { EventName } from '../../sdk/events.js';
import type { Platform, WebhookFilters, WebhookOptions } from '../../module/webhooks/webhook.js';

/** The repository root (the module folder), from the source tree or from dist/. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('bench-host: manifest.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export interface BenchHostOptions {
  databaseUrl: string;
  /** Default: a fresh temporary folder, removed on close. */
  varDir?: string;
  appKey?: string;
  logDestination?: DestinationStream;
  logLevel?: string;
  /** Module settings written before the module starts (e.g. `delivery.retryScheduleSeconds`). */
  moduleSettings?: Record<string, unknown>;
}

export interface WebhookSpec {
  name?: string;
  url: string;
  platform?: Platform;
  events?: EventName[];
  options?: Partial<WebhookOptions>;
  filters?: Partial<WebhookFilters>;
  templates?: { order?: string; ticket?: string };
}

export interface BenchHost {
  host: Host;
  createWebhook(spec: WebhookSpec): Promise<number>;
  /** POST /admin/simulate/{event} with raw bytes; never throws on an HTTP status. */
  simulate(event: string, body: Buffer | string | undefined): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const silent: DestinationStream = { write: () => undefined };

export async function startBenchHost(opts: BenchHostOptions): Promise<BenchHost> {
  const ownVarDir = !opts.varDir;
  const varDir = opts.varDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bench-host-'));
  const host = await createHost({
    port: 0,
    databaseUrl: opts.databaseUrl,
    varDir,
    appKey: opts.appKey ?? 'bench-app-key-0123456789abcdef0123456789abcdef',
    profile: 'development',
    logLevel: opts.logLevel ?? 'warn',
    logDestination: opts.logDestination ?? silent,
  });
  try {
    if (!(await host.modules.get('webhooks'))) await host.modules.installFromFolder(repoRoot());
    if (opts.moduleSettings) {
      const settings = createSettings(host.db, 'webhooks', () => Date.now());
      for (const [key, value] of Object.entries(opts.moduleSettings)) await settings.set(key, value);
    }
    const rec = await host.modules.enable('webhooks');
    if (rec.error) throw new Error(`webhooks module did not start: ${rec.error}`);
  } catch (err) {
    await host.close();
    throw err;
  }
  const auth = { authorization: `Bearer ${host.adminToken}` };
  return {
    host,
    async createWebhook(spec) {
      const res = await got.post(`${host.url}/admin/modules/webhooks/api/webhooks`, {
        headers: auth,
        json: {
          name: spec.name ?? 'bench',
          url: spec.url,
          platform: spec.platform ?? 'discord',
          events: spec.events ?? ['order.paid'],
          options: spec.options ?? {},
          filters: spec.filters ?? {},
          ...(spec.templates ? { templates: spec.templates } : {}),
        },
        throwHttpErrors: false,
        retry: { limit: 0 },
      });
      if (res.statusCode !== 201) throw new Error(`creating a webhook answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
      return Number((JSON.parse(res.body) as { webhook: { id: number } }).webhook.id);
    },
    async simulate(event, body) {
      const res = await got.post(`${host.url}/admin/simulate/${encodeURIComponent(event)}`, {
        headers: { ...auth, 'content-type': 'application/json', accept: 'application/json' },
        body: body ?? '',
        throwHttpErrors: false,
        retry: { limit: 0 },
        timeout: { request: 60_000 },
      });
      return { status: res.statusCode, body: res.body };
    },
    async close() {
      await host.close();
      if (ownVarDir) fs.rmSync(varDir, { recursive: true, force: true });
    },
  };
}
