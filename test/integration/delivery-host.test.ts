/**
 * Delivery through the real reference host, in process, on every database: the built module is
 * installed and enabled, webhooks are created through its JSON API, events go through the host's
 * bus (`emitAsync`), and test sinks on 127.0.0.1 answer like Discord, Slack and a signed JSON
 * receiver. Shows: exactly once (an event emitted twice is sent once), `?wait=true`, a deleted
 * webhook disabled after one attempt with a host notification and resumed on re-enable, Slack
 * `no_service`, Standard Webhooks signatures, graceful shutdown releasing an in-flight lease, and
 * the production profile refusing a loopback target at send time.
 * Needs the built dist/ (`npm test` builds it first).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createHost, type Host, type HostOptions } from '../../host/create-host.js';
import { connectDatabase } from '../../host/db/connect-database.js';
import { migrateHost } from '../../host/db/host-migrations.js';
import { createSecrets } from '../../host/security/secrets.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { SlackSink } from '../support/slack-sink.js';
import { JsonSink } from '../support/json-sink.js';
import { eventNumbers, repoRoot, requireBuild, waitFor } from '../support/host-child.js';

const T = 40_000;
const APP_KEY = 'delivery-host-test-key'.padEnd(40, 'k');

function order(n: number) {
  const base = sampleEvent('order.paid', { seq: n });
  return { ...base, eventId: `host-evt-${n}`, order: { ...base.order, id: n } };
}

interface Running {
  host: Host;
  logs: string[];
}

async function bootHost(
  databaseUrl: string,
  varDir: string,
  extra: Partial<HostOptions> = {},
  settings: Record<string, unknown> = {},
): Promise<Running> {
  // Module settings are written before the module registers, so it reads them at boot.
  const pre = connectDatabase(databaseUrl, { poolMax: 1 });
  try {
    await migrateHost(pre);
    for (const [key, value] of Object.entries(settings)) {
      await pre('host_settings').where({ scope: 'webhooks', key }).delete();
      await pre('host_settings').insert({ scope: 'webhooks', key, value: JSON.stringify(value), updated_at: Date.now() });
    }
  } finally {
    await pre.destroy();
  }
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const host = await createHost({
    port: 0,
    varDir,
    databaseUrl,
    appKey: APP_KEY,
    profile: 'development',
    locale: 'en',
    logLevel: 'debug',
    logDestination,
    ...extra,
  });
  if (!(await host.modules.get('webhooks'))) await host.modules.installFromFolder(repoRoot);
  const rec = await host.modules.enable('webhooks');
  if (rec.error) throw new Error(`module did not start: ${rec.error}`);
  return { host, logs };
}

describe.each(testDatabaseKinds())('delivery through the reference host on %s', (kind) => {
  let run: Running;
  let drop: () => Promise<void>;
  let databaseUrl: string;
  let varDir: string;
  const discord = new DiscordSink({ limit: 5, windowMs: 2000 });
  const slack = new SlackSink({ minGapMs: 0 });
  const json = new JsonSink();
  const auth = () => ({ authorization: `Bearer ${run.host.adminToken}`, 'content-type': 'application/json' });
  const api = (p: string) => `${run.host.url}/admin/modules/webhooks/api${p}`;

  async function createWebhook(body: Record<string, unknown>): Promise<{ id: number; signingSecret?: string }> {
    const res = await fetch(api('/webhooks'), { method: 'POST', headers: auth(), body: JSON.stringify(body) });
    const answer = (await res.json()) as { webhook: { id: number }; signingSecret?: string };
    if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${JSON.stringify(answer)}`);
    return { id: answer.webhook.id, signingSecret: answer.signingSecret };
  }
  const getWebhook = async (id: number) =>
    (
      (await (await fetch(api(`/webhooks/${id}`), { headers: auth() })).json()) as {
        webhook: { enabled: boolean; disabledReason: string | null };
      }
    ).webhook;
  const rows = (webhookId: number): Promise<{ status: string; attempts: number | string; event_id: string }[]> =>
    run.host.db('wh_deliveries').where({ webhook_id: webhookId }).orderBy('id').select('status', 'attempts', 'event_id');

  beforeAll(async () => {
    requireBuild();
    await Promise.all([discord.start(), slack.start(), json.start()]);
    const created = await createDatabaseUrl(kind);
    databaseUrl = created.url;
    drop = created.drop;
    varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-delivery-host-'));
    run = await bootHost(databaseUrl, varDir, {}, { 'delivery.pollMs': 100, 'delivery.timeoutMs': 20_000, 'delivery.leaseMs': 120_000 });
  }, T);

  afterAll(async () => {
    await run?.host.close();
    await Promise.all([discord.close(), slack.close(), json.close()]);
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it(
    'sends an event once to Discord with ?wait=true, even when the host emits it twice',
    async () => {
      const { id } = await createWebhook({
        name: 'Orders',
        url: discord.url(301),
        platform: 'discord',
        events: ['order.paid'],
        templates: { order: 'evt-%id%-end' },
      });
      await run.host.bus.emitAsync('order.paid', order(1));
      await run.host.bus.emitAsync('order.paid', order(1));
      await waitFor('the Discord message', () => discord.messages(301).length >= 1, 10_000);
      await waitFor('the row delivered', async () => (await rows(id)).every((r) => r.status === 'delivered'), 5000);
      // A second copy would have been enqueued at once; give the dispatcher time to (wrongly) send it.
      await new Promise((r) => setTimeout(r, 400));
      expect(discord.requestsFor('301').map((r) => [r.query.wait, eventNumbers(r.json ?? {})])).toEqual([['true', [1]]]);
      expect((await rows(id)).map((r) => [r.event_id, r.status, Number(r.attempts)])).toEqual([['host-evt-1', 'delivered', 1]]);
    },
    T,
  );

  it(
    'disables a deleted Discord webhook after one attempt, tells the admin, keeps its queue and resumes it on re-enable',
    async () => {
      const { id } = await createWebhook({
        name: 'Gone channel',
        url: discord.url(302),
        platform: 'discord',
        events: ['order.paid'],
        templates: { order: 'evt-%id%-end' },
      });
      discord.deleteWebhook(302);
      for (const n of [11, 12, 13]) await run.host.bus.emitAsync('order.paid', order(n));
      await waitFor('the webhook disabled', async () => !(await getWebhook(id)).enabled, 10_000);
      await new Promise((r) => setTimeout(r, 300));

      expect(discord.requestsFor('302')).toHaveLength(1);
      const w = await getWebhook(id);
      expect(w.disabledReason).toMatch(/Unknown Webhook|10015/);
      const paused = await rows(id);
      expect(paused.map((r) => r.event_id)).toEqual(['host-evt-11', 'host-evt-12', 'host-evt-13']);
      expect(paused.filter((r) => r.status === 'delivered' || r.status === 'dead')).toEqual([]);
      const notes: { source: string; level: string; title: string; href: string | null }[] = await run.host
        .db('host_notifications')
        .where({ source: 'webhooks' });
      expect(notes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            level: 'error',
            title: expect.stringContaining('Gone channel'),
            href: expect.stringContaining(`/webhooks/${id}`),
          }),
        ]),
      );
      const pageText = notes.map((n) => JSON.stringify(n)).join('\n');
      expect(pageText).not.toContain('sink-token-abcdef');

      // The admin fixes it on Discord's side and enables the webhook again: the queue goes out, in order.
      discord.restoreWebhook(302);
      const res = await fetch(api(`/webhooks/${id}`), { method: 'PATCH', headers: auth(), body: JSON.stringify({ enabled: true }) });
      expect(res.status).toBe(200);
      await waitFor('the paused messages', () => discord.messages(302).flatMap(eventNumbers).length >= 3, 10_000);
      expect(discord.messages(302).flatMap(eventNumbers)).toEqual([11, 12, 13]);
      await waitFor('rows delivered', async () => (await rows(id)).every((r) => r.status === 'delivered'), 5000);
    },
    T,
  );

  it(
    'disables a Slack webhook answering no_service, with the reason',
    async () => {
      const { id } = await createWebhook({
        name: 'Slack gone',
        url: slack.url('BGONE'),
        platform: 'slack',
        events: ['order.paid'],
        templates: { order: 'evt-%id%-end' },
      });
      slack.breakWebhook('BGONE', 'no_service');
      await run.host.bus.emitAsync('order.paid', order(21));
      await waitFor('the Slack webhook disabled', async () => !(await getWebhook(id)).enabled, 10_000);
      expect((await getWebhook(id)).disabledReason).toContain('no_service');
      expect(slack.requestsFor('BGONE')).toHaveLength(1);
    },
    T,
  );

  it(
    'signs JSON deliveries the Standard Webhooks way, verifiable with the secret shown at creation',
    async () => {
      const { id, signingSecret } = await createWebhook({
        name: 'Signed',
        url: json.url('signed'),
        platform: 'json',
        events: ['order.paid'],
      });
      expect(signingSecret).toMatch(/^whsec_/);
      await run.host.bus.emitAsync('order.paid', order(31));
      await waitFor('the JSON delivery', () => json.requestsFor('signed').length >= 1, 10_000);
      const req = json.requestsFor('signed')[0];
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(() => new StandardWebhook(signingSecret!).verify(req.text, headers)).not.toThrow();
      expect(() => new StandardWebhook(signingSecret!).verify(req.text.replace('31', '32'), headers)).toThrow();
      await waitFor('row delivered', async () => (await rows(id)).every((r) => r.status === 'delivered'), 5000);
    },
    T,
  );

  it(
    'releases an in-flight lease on shutdown so a restarted host sends the message without waiting for the lease',
    async () => {
      const { id } = await createWebhook({
        name: 'Hangs',
        url: discord.url(303),
        platform: 'discord',
        events: ['order.paid'],
        templates: { order: 'evt-%id%-end' },
      });
      discord.inject('303', { kind: 'hang' });
      await run.host.bus.emitAsync('order.paid', order(41));
      await waitFor('the hanging request', () => discord.requestsFor('303').length >= 1, 10_000);
      await run.host.close();

      const check = connectDatabase(databaseUrl, { poolMax: 1 });
      try {
        const sending = await check('wh_deliveries').where({ status: 'sending' }).count({ n: '*' });
        expect(Number((sending[0] as { n: number | string }).n)).toBe(0);
        const held = await check('wh_lanes').whereNotNull('locked_by').select('webhook_id');
        expect(held).toEqual([]);
      } finally {
        await check.destroy();
      }
      // The lease is 120 s: only a released lane lets the restarted host send within the wait below.
      run = await bootHost(databaseUrl, varDir, {}, {});
      await waitFor('the message after the restart', () => discord.messages(303).flatMap(eventNumbers).includes(41), 15_000);
      await waitFor('row delivered', async () => (await rows(id)).every((r) => r.status === 'delivered'), 5000);
    },
    T,
  );
});

describe('production profile', () => {
  it(
    'refuses a loopback target at send time (a URL stored before the policy changed): nothing reaches the sink',
    async () => {
      requireBuild();
      const sink = await new DiscordSink().start();
      const { url, drop } = await createDatabaseUrl('sqlite');
      const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-delivery-prod-'));
      let run: Running | null = null;
      try {
        run = await bootHost(url, varDir, { profile: 'production' }, { 'delivery.pollMs': 100 });
        // The API refuses loopback URLs in production, so the row is written directly, as an old one would be.
        const store = new WebhookStore(run.host.db, createSecrets(APP_KEY), () => Date.now());
        const w = await store.create({
          name: 'Local',
          url: sink.url(401),
          platform: 'discord',
          events: ['order.paid'],
          templates: { order: 'evt-%id%-end' },
        });
        await run.host.bus.emitAsync('order.paid', order(51));
        const row = () => run!.host.db('wh_deliveries').where({ webhook_id: w.id }).first('status', 'last_error');
        await waitFor('the refusal recorded', async () => Boolean((await row())?.last_error), 10_000);
        expect(sink.requests).toHaveLength(0);
        const r = await row();
        expect(r.last_error).toMatch(/not allowed/i);
        expect(r.last_error).not.toContain('sink-token-abcdef');
        expect(run.logs.join('')).not.toContain('sink-token-abcdef');
      } finally {
        await run?.host.close();
        await sink.close();
        await drop();
        fs.rmSync(varDir, { recursive: true, force: true });
      }
    },
    T,
  );
});
