/**
 * APP_KEY rotation through the real reference host, on every database. Webhooks are made under
 * one key; the host is restarted with another: every admin page and API route still answers (no
 * 5xx), an unreadable webhook is shown as such, can be deleted from the page and the API or
 * re-entered on the edit form, events keep flowing to the readable webhooks while the unreadable
 * one's deliveries stay queued across a shutdown. Restarted with the old key in
 * APP_PREVIOUS_KEYS, every row opens, is sealed again with the new key and the queued delivery
 * is sent; a later start without APP_PREVIOUS_KEYS reads it. Needs the built dist/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHost, type Host } from '../../host/create-host.js';
import { connectDatabase } from '../../host/db/connect-database.js';
import { migrateHost } from '../../host/db/host-migrations.js';
import { createSecrets } from '../../host/security/secrets.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { Browser, csrfIn, LogSink } from '../fixtures/host-kit.js';
import { TestClock } from '../support/clock.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { JsonSink } from '../support/json-sink.js';
import { eventNumbers, repoRoot, requireBuild, waitFor } from '../support/host-child.js';

const T = 60_000;
const OLD_KEY = 'key-rotation-old-key-'.padEnd(44, 'o');
const NEW_KEY = 'key-rotation-new-key-'.padEnd(44, 'n');
const UNREADABLE_LABEL = 'cannot be read (was APP_KEY changed?)';
const PAGES = '/admin/modules/webhooks';
const WARN = 40;

interface Running {
  host: Host;
  logs: LogSink;
  /** Every answer of this run, to check that none was a 5xx. */
  statuses: { what: string; status: number }[];
}

describe.each(testDatabaseKinds())('APP_KEY rotation through the reference host on %s', (kind) => {
  const discord = new DiscordSink({ limit: 50, windowMs: 1000 });
  const json = new JsonSink();
  // One world, one clock: every row, lease and lane wait of the four starts is dated by it.
  const clock = new TestClock();
  let databaseUrl: string;
  let drop: () => Promise<void>;
  let varDir: string;
  let run: Running | null = null;
  const ids: Record<'orders' | 'deleteByPage' | 'deleteByApi' | 'signed' | 'fresh', number> = {
    orders: 0,
    deleteByPage: 0,
    deleteByApi: 0,
    signed: 0,
    fresh: 0,
  };
  let ordersSealedUnderOldKey = '';

  async function boot(appKey: string, previousAppKeys: string[] = []): Promise<Running> {
    const logs = new LogSink();
    const host = await createHost({
      port: 0,
      varDir,
      databaseUrl,
      appKey,
      previousAppKeys,
      profile: 'development',
      locale: 'en',
      logLevel: 'debug',
      logDestination: logs,
      clock,
    });
    if (!(await host.modules.get('webhooks'))) await host.modules.installFromFolder(repoRoot);
    const rec = await host.modules.enable('webhooks');
    if (rec.error) throw new Error(`module did not start: ${rec.error}`);
    run = { host, logs, statuses: [] };
    return run;
  }
  async function stop(): Promise<void> {
    await run?.host.close();
    run = null;
  }

  const auth = (r: Running) => ({ authorization: `Bearer ${r.host.adminToken}`, 'content-type': 'application/json' });
  async function api(r: Running, method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${r.host.url}${PAGES}/api${p}`, {
      method,
      headers: auth(r),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    r.statuses.push({ what: `${method} api${p}`, status: res.status });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }
  async function page(r: Running, b: Browser, p: string): Promise<{ status: number; html: string }> {
    const res = await b.fetch(`${PAGES}${p}`);
    r.statuses.push({ what: `GET ${p}`, status: res.status });
    return { status: res.status, html: await res.text() };
  }
  async function signedIn(r: Running): Promise<Browser> {
    const b = new Browser(r.host.url);
    const res = await b.login(r.host.adminToken);
    expect([302, 303]).toContain(res.status);
    return b;
  }
  const sealedUrl = async (r: Running, id: number): Promise<string> =>
    ((await r.host.db('wh_webhooks').where({ id }).first()) as { url_sealed: string }).url_sealed;
  const deliveries = (r: Running, webhookId: number): Promise<{ status: string; attempts: number | string; event_id: string }[]> =>
    r.host.db('wh_deliveries').where({ webhook_id: webhookId }).orderBy('id').select('status', 'attempts', 'event_id');
  const order = (n: number) => {
    const base = sampleEvent('order.paid', { seq: n, now: clock.now() });
    return { ...base, eventId: `rotation-evt-${n}`, order: { ...base.order, id: n } };
  };
  const fiveHundreds = (r: Running) => r.statuses.filter((s) => s.status >= 500);

  beforeAll(async () => {
    requireBuild();
    await Promise.all([discord.start(), json.start()]);
    ({ url: databaseUrl, drop } = await createDatabaseUrl(kind));
    varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-key-rotation-'));
    // A short poll so the dispatcher looks at the lanes soon after each emit.
    const pre = connectDatabase(databaseUrl, { poolMax: 1 });
    try {
      await migrateHost(pre);
      await pre('host_settings').insert({ scope: 'webhooks', key: 'delivery.pollMs', value: '100', updated_at: clock.now() });
      // The engine on the host's thread: a thread of its own follows the host's clock as real time
      // plus an offset re-read every 50 ms, which a clock that stands still (this one) outruns.
      await pre('host_settings').insert({ scope: 'webhooks', key: 'delivery.engineThread', value: 'false', updated_at: clock.now() });
    } finally {
      await pre.destroy();
    }
  }, T);

  afterAll(async () => {
    await stop();
    await Promise.all([discord.close(), json.close()]);
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it(
    'makes four webhooks under the old key',
    async () => {
      const r = await boot(OLD_KEY);
      const create = async (body: Record<string, unknown>) => {
        const res = await api(r, 'POST', '/webhooks', body);
        expect(res.status).toBe(201);
        return res.json.webhook.id as number;
      };
      ids.orders = await create({
        name: 'Orders A',
        url: discord.url(701),
        platform: 'discord',
        events: ['order.paid'],
        templates: { order: 'evt-%id%-end' },
      });
      ids.deleteByPage = await create({ name: 'Delete me (page)', url: discord.url(702), platform: 'discord', events: ['order.paid'] });
      ids.deleteByApi = await create({ name: 'Delete me (API)', url: discord.url(703), platform: 'discord', events: ['ticket.submit'] });
      ids.signed = await create({ name: 'Signed JSON', url: json.url('old'), platform: 'json', events: ['ticket.close'] });
      ordersSealedUnderOldKey = await sealedUrl(r, ids.orders);
      expect(createSecrets(OLD_KEY).decrypt(ordersSealedUnderOldKey)).toBe(discord.url(701));
      await stop();
    },
    T,
  );

  it(
    'restarted with another APP_KEY: warns at start, and every page and API route answers with the webhooks marked unreadable',
    async () => {
      const r = await boot(NEW_KEY);
      const startWarning = r.logs.having(/none of the 4 webhook\(s\) can be read with the current APP_KEY: was APP_KEY changed\?/);
      expect(startWarning).toHaveLength(1);
      expect(startWarning[0].level).toBe(WARN);
      expect(startWarning[0].msg).toContain(`#${ids.orders} "Orders A"`);

      const b = await signedIn(r);
      const list = await page(r, b, '/');
      expect(list.status).toBe(200);
      expect(list.html.match(/data-testid="unreadable"/g)).toHaveLength(4);
      expect(list.html).toContain(UNREADABLE_LABEL);
      const edit = await page(r, b, `/webhooks/${ids.orders}/edit`);
      expect(edit.status).toBe(200);
      expect(edit.html).toContain('This webhook cannot be read (was APP_KEY changed?)');
      for (const p of ['/webhooks/new', '/deliveries', `/deliveries?webhook=${ids.orders}`, '/audit', `/webhooks/${ids.signed}/edit`]) {
        expect({ p, status: (await page(r, b, p)).status }).toEqual({ p, status: 200 });
      }
      const testPage = await b.form(`${PAGES}/webhooks/${ids.orders}/test`, { _csrf: csrfIn(edit.html), event: 'order.paid' });
      r.statuses.push({ what: 'POST test page', status: testPage.status });
      expect(testPage.status).toBe(200);
      expect(await testPage.text()).toContain('Not sent: this webhook cannot be read (was APP_KEY changed?)');
      for (const [p, fields] of [
        [`/webhooks/${ids.orders}/toggle`, { enabled: '0' }],
        [`/webhooks/${ids.orders}/toggle`, { enabled: '1' }],
        [`/webhooks/${ids.orders}/retry-failed`, {}],
      ] as const) {
        const res = await b.form(`${PAGES}${p}`, { _csrf: csrfIn(edit.html), ...fields });
        r.statuses.push({ what: `POST ${p}`, status: res.status });
        expect({ p, redirected: [302, 303].includes(res.status) }).toEqual({ p, redirected: true });
      }

      const all = await api(r, 'GET', '/webhooks');
      expect(all.status).toBe(200);
      expect(Object.fromEntries(all.json.items.map((w: { id: number; unreadable: string[] }) => [w.id, w.unreadable]))).toEqual({
        [ids.orders]: ['url'],
        [ids.deleteByPage]: ['url'],
        [ids.deleteByApi]: ['url'],
        [ids.signed]: ['url', 'signingSecret'],
      });
      const one = await api(r, 'GET', `/webhooks/${ids.orders}`);
      expect([one.status, one.json.webhook.unreadable, one.json.webhook.urlHint]).toEqual([
        200,
        ['url'],
        expect.stringContaining('/api/webhooks/••••/••••'),
      ]);
      for (const p of ['/deliveries', `/deliveries?webhook=${ids.orders}`, '/audit', '/stats', '/variables?events=order.paid']) {
        expect({ p, status: (await api(r, 'GET', p)).status }).toEqual({ p, status: 200 });
      }
      const test = await api(r, 'POST', `/webhooks/${ids.orders}/test`, { event: 'order.paid' });
      expect([test.status, test.json.ok, test.json.message]).toEqual([200, false, expect.stringMatching(/cannot be read/)]);
      expect(discord.requestsFor('701')).toHaveLength(0);
      const rename = await api(r, 'PATCH', `/webhooks/${ids.orders}`, { name: 'Orders A renamed' });
      expect([rename.status, rename.json.field, rename.json.reason]).toEqual([400, 'url', expect.stringMatching(/cannot be read/)]);
      // Pausing and enabling need no URL.
      expect((await api(r, 'PATCH', `/webhooks/${ids.orders}`, { enabled: false })).status).toBe(200);
      expect((await api(r, 'PATCH', `/webhooks/${ids.orders}`, { enabled: true })).status).toBe(200);
      expect((await api(r, 'POST', `/webhooks/${ids.orders}/retry-failed`)).status).toBe(200);

      expect(fiveHundreds(r)).toEqual([]);
      const everything = JSON.stringify(r.logs.lines) + list.html + edit.html + JSON.stringify(all.json);
      for (const url of [discord.url(701), discord.url(702), json.url('old')]) expect(everything).not.toContain(url);
    },
    T,
  );

  it(
    'deletes an unreadable webhook from the list page and another through the API',
    async () => {
      const r = run!;
      const b = await signedIn(r);
      const list = await page(r, b, '/');
      const byPage = await b.form(`${PAGES}/webhooks/${ids.deleteByPage}/delete`, { _csrf: csrfIn(list.html) });
      r.statuses.push({ what: 'POST delete page', status: byPage.status });
      expect([302, 303]).toContain(byPage.status);
      const byApi = await api(r, 'DELETE', `/webhooks/${ids.deleteByApi}`);
      expect([byApi.status, byApi.json]).toEqual([200, { deleted: true, id: ids.deleteByApi }]);
      const left = (await r.host.db('wh_webhooks').select('id').orderBy('id')).map((w: { id: number | string }) => Number(w.id));
      expect(left).toEqual([ids.orders, ids.signed]);
      const deletes = await r.host.db('wh_audit').where({ action: 'webhook.delete' }).select('webhook_id');
      expect(deletes.map((d: { webhook_id: number | string }) => Number(d.webhook_id)).sort()).toEqual(
        [ids.deleteByPage, ids.deleteByApi].sort(),
      );
      expect(fiveHundreds(r)).toEqual([]);
    },
    T,
  );

  it(
    're-seals a webhook whose URL is typed again on the edit form (a JSON one gets a new signing secret)',
    async () => {
      const r = run!;
      const b = await signedIn(r);
      const edit = await page(r, b, `/webhooks/${ids.signed}/edit`);
      const fields = {
        _csrf: csrfIn(edit.html),
        name: 'Signed JSON',
        platform: 'json',
        events: 'ticket.close',
        templateOrder: '',
        templateTicket: 'Ticket %id% closed',
        mode: 'plain',
        enabled: '1',
        filterReplyAuthors: 'both',
        telegramParseMode: 'HTML',
      };
      const withoutUrl = await b.form(`${PAGES}/webhooks/${ids.signed}`, { ...fields, url: '' });
      expect(withoutUrl.status).toBe(400);
      expect(await withoutUrl.text()).toMatch(/data-field-error="url"[^>]*>the stored URL cannot be read \(was APP_KEY changed\?\)/);

      const saved = await b.form(`${PAGES}/webhooks/${ids.signed}`, { ...fields, url: json.url('new') });
      expect(saved.status).toBe(200);
      const html = await saved.text();
      const secret = /data-testid="signing-secret"[\s\S]*?<code class="wh-secret">(whsec_[^<]+)<\/code>/.exec(html)?.[1];
      expect(secret).toMatch(/^whsec_/);
      expect(html).not.toContain('data-testid="unreadable"');
      const row = (await r.host.db('wh_webhooks').where({ id: ids.signed }).first()) as { url_sealed: string; options: string };
      expect(createSecrets(NEW_KEY).decrypt(row.url_sealed)).toBe(json.url('new'));
      const sealedSecret = (JSON.parse(row.options) as { signingSecretSealed: string }).signingSecretSealed;
      expect(createSecrets(NEW_KEY).decrypt(sealedSecret)).toBe(secret);
      const one = await api(r, 'GET', `/webhooks/${ids.signed}`);
      expect([one.json.webhook.unreadable, one.json.webhook.hasSigningSecret]).toEqual([[], true]);
      expect(fiveHundreds(r)).toEqual([]);
    },
    T,
  );

  it(
    'sends events to the readable webhooks while the unreadable one keeps its deliveries queued, through a shutdown',
    async () => {
      const r = run!;
      const created = await api(r, 'POST', '/webhooks', {
        name: 'Orders fresh',
        url: discord.url(705),
        platform: 'discord',
        events: ['order.paid'],
      });
      expect(created.status).toBe(201);
      ids.fresh = created.json.webhook.id;

      await r.host.bus.emitAsync('order.paid', order(1));
      await r.host.bus.emitAsync('order.paid', order(2));
      await waitFor(
        'both orders delivered to the readable webhook',
        async () => (await deliveries(r, ids.fresh)).filter((d) => d.status === 'delivered').length === 2,
        15_000,
      );
      expect(discord.requestsFor('705').length).toBeGreaterThanOrEqual(1);
      const said = () => r.logs.having(/^webhooks: webhook #\d+ "Orders A" cannot be read with the current APP_KEY/);
      await waitFor('the dispatcher saying the webhook cannot be read', () => said().length > 0, 15_000);
      expect(said()[0]).toMatchObject({ level: WARN, webhookId: ids.orders, name: 'Orders A' });
      expect(said()[0].msg).toContain(`#${ids.orders} "Orders A"`);
      // Both events fanned out to the unreadable webhook too: written, never sent.
      await waitFor('both rows of the unreadable webhook', async () => (await deliveries(r, ids.orders)).length === 2, 15_000);
      expect((await deliveries(r, ids.orders)).map((d) => [d.event_id, d.status, Number(d.attempts)])).toEqual([
        ['rotation-evt-1', 'pending', 0],
        ['rotation-evt-2', 'pending', 0],
      ]);
      expect(discord.requestsFor('701')).toHaveLength(0);
      // The delivery log shows and replays its rows like any other.
      const log = await api(r, 'GET', `/deliveries?webhook=${ids.orders}`);
      expect([log.status, log.json.total]).toEqual([200, 2]);
      const first = log.json.items.find((d: { eventId: string }) => d.eventId === 'rotation-evt-1').id as number;
      expect((await api(r, 'GET', `/deliveries/${first}`)).status).toBe(200);
      expect((await api(r, 'POST', `/deliveries/${first}/replay`)).status).toBe(202);
      expect((await page(r, await signedIn(r), `/deliveries?webhook=${ids.orders}`)).status).toBe(200);
      expect(fiveHundreds(r)).toEqual([]);

      await stop();
      // Queued in the database, not in memory: nothing left unwritten or dropped at shutdown.
      const check = connectDatabase(databaseUrl, { poolMax: 1 });
      try {
        const rows = await check('wh_deliveries').where({ webhook_id: ids.orders }).orderBy('id').select('status', 'event_id');
        expect(rows.map((d: { status: string; event_id: string }) => [d.event_id, d.status])).toEqual([
          ['rotation-evt-1', 'pending'],
          ['rotation-evt-2', 'pending'],
        ]);
      } finally {
        await check.destroy();
      }
      expect(said()).toHaveLength(1);
      expect(r.logs.having(/database still refuses|could not read webhooks|not written|dropped/)).toEqual([]);
      expect(JSON.stringify(r.logs.lines)).not.toContain(discord.url(701));
    },
    T,
  );

  it(
    'with the old key in APP_PREVIOUS_KEYS: opens everything, seals it again with the new key and sends the queued deliveries',
    async () => {
      // Past the pause the dispatcher put on the unreadable webhook's lane.
      clock.advance(60_000);
      const r = await boot(NEW_KEY, [OLD_KEY]);
      expect(
        r.logs.having(/^webhooks: 1 webhook\(s\) opened with a key from APP_PREVIOUS_KEYS; sealed again with the current APP_KEY/),
      ).toHaveLength(1);
      expect(r.logs.having(/cannot be read/)).toEqual([]);
      const resealed = await sealedUrl(r, ids.orders);
      expect(resealed).not.toBe(ordersSealedUnderOldKey);
      expect(createSecrets(NEW_KEY).decrypt(resealed)).toBe(discord.url(701));
      expect(createSecrets(NEW_KEY).whichKey!(resealed)).toBe('current');

      await waitFor(
        'its queued rows delivered',
        async () => (await deliveries(r, ids.orders)).every((d) => d.status === 'delivered'),
        15_000,
      );
      expect(discord.requestsFor('701').flatMap((q) => eventNumbers(q.json ?? {}))).toEqual([1, 2]);
      const all = await api(r, 'GET', '/webhooks');
      expect(all.json.items.map((w: { unreadable: string[] }) => w.unreadable)).toEqual([[], [], []]);
      expect(fiveHundreds(r)).toEqual([]);
      await stop();
    },
    T,
  );

  it(
    'a later start without APP_PREVIOUS_KEYS reads every webhook',
    async () => {
      const r = await boot(NEW_KEY);
      expect(r.logs.having(/cannot be read|APP_PREVIOUS_KEYS/)).toEqual([]);
      const all = await api(r, 'GET', '/webhooks');
      expect(all.json.items.map((w: { id: number; unreadable: string[] }) => [w.id, w.unreadable])).toEqual([
        [ids.orders, []],
        [ids.signed, []],
        [ids.fresh, []],
      ]);
      const b = await signedIn(r);
      const list = await page(r, b, '/');
      expect(list.status).toBe(200);
      expect(list.html).not.toContain('data-testid="unreadable"');
      expect(fiveHundreds(r)).toEqual([]);
      await stop();
    },
    T,
  );
});
