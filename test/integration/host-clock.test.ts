/**
 * One clock per host, on every database: a host given a clock passes it to every writer (its own
 * tables (sessions included), module settings, and the module's webhooks, deliveries, attempts, lanes, audit and
 * notifications), to the session cookie's age and to the Standard Webhooks timestamp. The clock
 * here is a TestClock ten years before the test epoch, so a writer still reading the real clock
 * (Date.now()) shows up as a time years away from it, whatever today's date is.
 * Needs the built dist/ (the module is installed from this repository).
 */
import fs from 'node:fs';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { Host } from '../../host/create-host.js';
import { SESSION_MAX_AGE_S } from '../../host/http/auth.js';
import { createSettings } from '../../host/context/settings-store.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { Browser, repoRoot, startTestHost } from '../fixtures/host-kit.js';
import { DAY_MS, TEST_EPOCH, TestClock } from '../support/clock.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { requireBuild, waitFor } from '../support/host-child.js';
import { JsonSink } from '../support/json-sink.js';

const T = 60_000;
const START = TEST_EPOCH - 3650 * DAY_MS;
/** Time columns may point a little ahead of the clock (next attempt, lease, lane wait). */
const AHEAD_MS = DAY_MS;
const TABLES = [
  'host_modules',
  'host_settings',
  'host_notifications',
  'host_sessions',
  'wh_webhooks',
  'wh_deliveries',
  'wh_attempts',
  'wh_lanes',
  'wh_audit',
];
const isTimeColumn = (name: string) => name === 'at' || /_(at|until)$/.test(name);

describe.each(testDatabaseKinds())('the host clock on %s', (kind) => {
  const clock = new TestClock(START);
  const discord = new DiscordSink({ limit: 1000, windowMs: 1000 });
  const json = new JsonSink();
  let db: { url: string; drop(): Promise<void> };
  let host: Host;
  let varDir: string;
  const auth = () => ({ authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' });
  const api = (p: string) => `${host.url}/admin/modules/webhooks/api${p}`;
  async function createWebhook(body: Record<string, unknown>): Promise<{ id: number; signingSecret?: string }> {
    const res = await fetch(api('/webhooks'), { method: 'POST', headers: auth(), body: JSON.stringify(body) });
    const answer = (await res.json()) as { webhook: { id: number }; signingSecret?: string };
    if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${JSON.stringify(answer)}`);
    return { id: answer.webhook.id, signingSecret: answer.signingSecret };
  }
  const emit = (seq: number) => {
    const p = sampleEvent('order.paid', { seq, now: clock.now() });
    return host.bus.emitAsync('order.paid', { ...p, eventId: `clock-evt-${seq}` });
  };

  beforeAll(async () => {
    requireBuild();
    await Promise.all([discord.start(), json.start()]);
    db = await createDatabaseUrl(kind);
    ({ host, varDir } = await startTestHost({ label: `clock-${kind}`, databaseUrl: db.url, profile: 'development', locale: 'en', clock }));
    await host.modules.installFromFolder(repoRoot);
    // The engine on the host's thread: a thread of its own follows the host's clock as real time
    // plus an offset, re-read every 50 ms, so a clock that stands still (this one) runs ahead there
    // by up to that; engine-thread.test.ts covers a moved clock on the engine's thread.
    await createSettings(host.db, 'webhooks', clock.now).set('delivery.engineThread', false);
    expect((await host.modules.enable('webhooks')).error).toBeNull();
  }, T);
  afterAll(async () => {
    await host?.close();
    await Promise.all([discord.close(), json.close()]);
    await db?.drop();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it(
    'stamps every row it writes with its own clock',
    async () => {
      clock.advance(60_000);
      await host.hostSettings.set('clock-test', true);
      const shop = await createWebhook({ name: 'Shop', url: discord.url(701), platform: 'discord', events: ['order.paid'] });
      const gone = await createWebhook({ name: 'Gone', url: discord.url(702), platform: 'discord', events: ['order.paid'] });
      discord.deleteWebhook(702);
      clock.advance(3_600_000);
      await emit(1);
      await waitFor('the delivery', () => discord.messages(701).length >= 1, 10_000);
      await waitFor(
        'the deleted webhook disabled',
        async () => Number((await host.db('wh_webhooks').where({ id: gone.id }).first('enabled')).enabled) === 0,
        10_000,
      );
      await waitFor('the admin told', async () => (await host.db('host_notifications').where({ source: 'webhooks' })).length > 0, 10_000);
      clock.advance(3_600_000);
      const test = await fetch(api(`/webhooks/${shop.id}/test`), { method: 'POST', headers: auth(), body: '{}' });
      expect(test.status).toBe(200);
      // A signed-in admin: the server-side session row.
      expect((await new Browser(host.url).login(host.adminToken)).status).toBe(303);

      const wrong: string[] = [];
      let checked = 0;
      for (const table of TABLES) {
        for (const row of (await host.db(table).select('*')) as Record<string, unknown>[]) {
          for (const [column, value] of Object.entries(row)) {
            if (!isTimeColumn(column) || value === null || Number(value) === 0) continue;
            checked++;
            const t = Number(value);
            if (!(t >= START && t <= clock.now() + AHEAD_MS)) wrong.push(`${table}.${column} = ${new Date(t).toISOString()}`);
          }
        }
      }
      expect(wrong).toEqual([]);
      // Every table above holds at least one stamped row: nothing was skipped by accident.
      expect(checked).toBeGreaterThan(TABLES.length * 2);
      const disabled = await host.db('wh_webhooks').where({ id: gone.id }).first('disabled_at');
      expect(Number(disabled.disabled_at)).toBe(START + 60_000 + 3_600_000);
    },
    T,
  );

  it(
    'signs JSON deliveries with the timestamp of its clock',
    async () => {
      const { signingSecret } = await createWebhook({ name: 'Signed', url: json.url('clock'), platform: 'json', events: ['order.paid'] });
      clock.advance(5_000);
      const sentAt = clock.now();
      await emit(2);
      await waitFor('the signed delivery', () => json.requestsFor('clock').length >= 1, 10_000);
      const req = json.requestsFor('clock')[0];
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      expect(Number(headers['webhook-timestamp'])).toBe(Math.floor(sentAt / 1000));
      expect(JSON.parse(req.text).timestamp).toBe(new Date(sentAt).toISOString());
      // A receiver checks the signature against its own now: at the host's clock it is right...
      const signer = new StandardWebhook(signingSecret!);
      expect(signer.sign(headers['webhook-id'], new Date(sentAt), req.text)).toBe(headers['webhook-signature']);
      // ...while a receiver on another clock (the stock verifier reads the real one) refuses it as too old.
      expect(() => signer.verify(req.text, headers)).toThrow(/timestamp/i);
    },
    T,
  );

  it(
    'ends a session when its clock says the cookie is 12 hours old',
    async () => {
      const b = new Browser(host.url);
      expect((await b.login(host.adminToken)).status).toBe(303);
      expect((await b.fetch('/admin/modules')).status).toBe(200);
      clock.advance(SESSION_MAX_AGE_S * 1000 - 1);
      expect((await b.fetch('/admin/modules')).status).toBe(200);
      clock.advance(1);
      const expired = await b.fetch('/admin/modules');
      expect(expired.status).toBe(302);
      expect(expired.headers.get('location')).toMatch(/^\/admin\/login/);
    },
    T,
  );
});
