/**
 * Test harness for the settings routes without the host: a real database (one per kind), the real
 * WebhookStore, audit and delivery-log queries, the real rendering slice, nunjucks views and
 * translations; only the
 * HTTP sender replaced by a fake that answers what the test sets.
 */
import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Knex } from 'knex';
import type { AdminRequest, Locale, Translator, Views } from '../../sdk/module-context.js';
import { eventNames, type EventName } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { migrations } from '../../migrations/index.js';
import { createSecrets } from '../../host/security/secrets.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { dbKindOf } from '../../module/storage/db-kind.js';
import { AuditStore } from '../../module/settings/audit-store.js';
import { DeliveryLogQueries } from '../../module/settings/delivery-log-queries.js';
import { KnexDeliveryStore, KnexHeldDeliveryStore, deliveryWrites } from '../../module/delivery/index.js';
import { WebhookService } from '../../module/settings/webhook-service.js';
import { apiRoutes } from '../../module/settings/api-routes.js';
import { pageRoutes } from '../../module/settings/page-routes.js';
import type { Rendering, SendResult, TestSender } from '../../module/settings/ports.js';
import { createRenderingPort } from '../../module/rendering/rendering-port.js';
import type { SettingsDeps } from '../../module/settings/settings-deps.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export function loadTranslator(locale: Locale = 'fr'): Translator {
  const dicts = {
    fr: JSON.parse(fs.readFileSync(path.join(root, 'lang/fr.json'), 'utf8')) as Record<string, string>,
    en: JSON.parse(fs.readFileSync(path.join(root, 'lang/en.json'), 'utf8')) as Record<string, string>,
  };
  return {
    locale,
    t(key, vars = {}, loc = locale) {
      const s = dicts[loc][key];
      if (s === undefined) return key;
      return s.replace(/\{(\w+)\}/g, (m, n: string) => (n in vars ? String(vars[n]) : m));
    },
  };
}

export function testViews(): Views {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(root, 'views')), {
    autoescape: true,
    throwOnUndefined: false,
  });
  return {
    render(name, data, req, opts) {
      const body = env.render(name, { csrfToken: req.csrfToken, ...data });
      return `<!doctype html><html lang="${req.locale}"><head><title>${String(opts?.title ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</title></head><body>${body}</body></html>`;
    },
  };
}

export class FakeSender implements TestSender {
  next: SendResult = { outcome: 'ok', statusCode: 200, error: null, durationMs: 12 };
  sent: { webhookId: number; body: Record<string, unknown> }[] = [];
  async send(webhook: { id: number }, body: Record<string, unknown>): Promise<SendResult> {
    this.sent.push({ webhookId: webhook.id, body });
    return this.next;
  }
}

/** A handler's answer, flattened for assertions. */
export interface CallResult {
  status: number;
  json?: unknown;
  html?: string;
  redirect?: string;
}

export interface Harness {
  deps: SettingsDeps;
  sender: FakeSender;
  woken: number;
  call(method: string, urlPath: string, opts?: { body?: unknown; locale?: Locale; api?: boolean }): Promise<CallResult>;
  insertDelivery(row: {
    webhookId: number;
    event?: EventName;
    status?: string;
    body: unknown;
    createdAt?: number;
    attempts?: { statusCode: number | null; outcome: string; error?: string }[];
    /** The order or ticket number the log shows (fan-out's `reference`). */
    reference?: string;
    /** The coalesced request's id, when this row went out packed with others. */
    batchId?: string;
  }): Promise<number>;
}

export async function migrate(knex: Knex): Promise<void> {
  for (const m of migrations) await m.up(knex);
}

export function makeHarness(knex: Knex, opts: { allowLoopback?: boolean; now?: () => number; rendering?: Rendering } = {}): Harness {
  const now = opts.now ?? (() => Date.UTC(2026, 10, 29, 12));
  const secrets = createSecrets('test-app-key');
  const store = new WebhookStore(knex, secrets, now);
  const audit = new AuditStore(knex, now);
  const rendering = opts.rendering ?? createRenderingPort('Europe/Paris');
  const network = { allowLoopback: opts.allowLoopback ?? false, allowPrivate: false };
  const sender = new FakeSender();
  const state = { woken: 0 };
  const deps: SettingsDeps = {
    service: new WebhookService(store, audit, rendering, network),
    audit,
    deliveries: new DeliveryLogQueries(
      knex,
      deliveryWrites(new KnexDeliveryStore(knex, now), () => state.woken++, new KnexHeldDeliveryStore(knex, now)),
    ),
    rendering,
    sender,
    views: testViews(),
    i18n: loadTranslator('fr'),
    clock: { now },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    network,
    timeZone: 'Europe/Paris',
    basePath: '/admin/modules/webhooks',
    sampleEvent: (e, o) => sampleEvent(e, o),
  };
  const api = apiRoutes(deps);
  const pages = pageRoutes(deps);
  const match = (pattern: string, actual: string): Record<string, string> | null => {
    const a = pattern.split('/').filter(Boolean);
    const b = actual.split('/').filter(Boolean);
    if (a.length !== b.length) return null;
    const params: Record<string, string> = {};
    for (let i = 0; i < a.length; i++) {
      if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
      else if (a[i] !== b[i]) return null;
    }
    return params;
  };
  return {
    deps,
    sender,
    get woken() {
      return state.woken;
    },
    async call(method, urlPath, o = {}) {
      const u = new URL(urlPath, 'http://x');
      const routes = o.api === false ? pages : urlPath.startsWith('/api/') ? api : pages;
      const p = urlPath.startsWith('/api/') ? u.pathname.slice(4) : u.pathname;
      for (const r of routes) {
        const params = r.method === method ? match(r.path, p) : null;
        if (!params) continue;
        const query: Record<string, string | string[]> = {};
        for (const [k, v] of u.searchParams) query[k] = k in query ? ([] as string[]).concat(query[k], v) : v;
        const req: AdminRequest = {
          method,
          params,
          query,
          body: o.body ?? {},
          user: { name: 'alice', permissions: ['webhooks.manage'] },
          locale: o.locale ?? 'fr',
          csrfToken: 'csrf-test-token',
          isApi: urlPath.startsWith('/api/'),
        };
        const res = await r.handler(req);
        return { ...(res as Omit<CallResult, 'status'>), status: res.status ?? 200 };
      }
      throw new Error(`no route ${method} ${urlPath}`);
    },
    async insertDelivery(row) {
      const at = row.createdAt ?? now();
      // As WebhookStore.create: no .returning() on MariaDB (knex's mysql client ignores it), whose
      // driver answers [insertId] instead of [{ id }].
      const insert = knex('wh_deliveries').insert({
        webhook_id: row.webhookId,
        event_name: row.event ?? eventNames[0],
        event_id: `evt_${Math.random().toString(36).slice(2)}`,
        idempotency_key: `k_${Math.random().toString(36).slice(2)}`,
        status: row.status ?? 'delivered',
        body: JSON.stringify(row.body),
        attempts: row.attempts?.length ?? 0,
        next_attempt_at: at + 60_000,
        created_at: at,
        updated_at: at,
        delivered_at: row.status === 'delivered' ? at : null,
        last_status_code: row.attempts?.at(-1)?.statusCode ?? null,
        last_error: row.attempts?.at(-1)?.error ?? null,
        reference: row.reference ?? null,
        batch_id: row.batchId ?? null,
      });
      const [ins] = await (dbKindOf(knex) === 'mysql' ? insert : insert.returning('id'));
      const id = typeof ins === 'object' ? Number((ins as { id: number }).id) : Number(ins);
      for (const a of row.attempts ?? []) {
        await knex('wh_attempts').insert({
          delivery_id: id,
          attempted_at: at,
          status_code: a.statusCode,
          outcome: a.outcome,
          error: a.error ?? null,
          duration_ms: 42,
        });
      }
      return id;
    },
  };
}
