/**
 * Webhook URLs are credentials: every page, every API answer (success and error) and every log
 * line the settings code writes is scanned for the full URL or its secret token.
 */
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';
import { apiRoutes } from '../../module/settings/api-routes.js';
import { pageRoutes } from '../../module/settings/page-routes.js';

const TOKEN = 'LeakCanaryTokenZZZ9876543210abcdefXYZ';
const URLS = [
  `https://discord.com/api/webhooks/112233445566778899/${TOKEN}`,
  `https://hooks.slack.com/services/T0CANARY1/B0CANARY2/${TOKEN}`,
  `https://example.com/hooks/${TOKEN}?sig=${TOKEN}`,
];

describe('no full webhook URL leaves the settings code', () => {
  let db: TestDatabase;
  let h: Harness;
  const logs: string[] = [];
  const outputs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await migrate(db.knex);
    h = makeHarness(db.knex);
    const capture = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
      logs.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
    h.deps.logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
  });
  afterAll(async () => db?.destroy());

  const record = (r: { json?: unknown; html?: string; redirect?: string }) => outputs.push(r.html ?? r.redirect ?? JSON.stringify(r.json));

  it('scans every route, including errors, a failing test send and the audit trail', async () => {
    const ids: number[] = [];
    for (const [i, url] of URLS.entries()) {
      const r = await h.call('POST', '/api/webhooks', { body: { name: `W${i}`, url, events: ['order.paid', 'ticket.reply'] } });
      record(r);
      ids.push((r.json as { webhook: { id: number } }).webhook.id);
    }
    // Form create, and an invalid form that carried a URL.
    record(await h.call('POST', '/webhooks', { body: { name: 'Form', url: URLS[0], events: 'order.paid', enabled: '1' } }));
    record(await h.call('POST', '/webhooks', { body: { name: '', url: URLS[1], events: 'order.paid' } }));
    record(await h.call('POST', '/api/webhooks', { body: { name: '', url: URLS[0].replace('https', 'gopher'), events: [] } }));
    // URL changes are audited by hint.
    record(await h.call('PATCH', `/api/webhooks/${ids[0]}`, { body: { url: URLS[0].replace('1122', '9988') } }));
    record(
      await h.call('POST', `/webhooks/${ids[1]}`, {
        body: { name: 'W1b', url: URLS[1].replace('T0C', 'T1C'), events: 'order.paid', enabled: '1' },
      }),
    );
    const delivery = await h.insertDelivery({
      webhookId: ids[0],
      status: 'dead',
      body: { content: 'x' },
      attempts: [{ statusCode: 404, outcome: 'dead', error: 'Unknown Webhook' }],
    });

    // A sender that blows up with the URL in its message (as HTTP client errors do).
    h.sender.send = async () => {
      throw new Error(`connect ECONNREFUSED ${URLS[0]}`);
    };
    record(await h.call('POST', `/api/webhooks/${ids[0]}/test`, { body: {} }));
    record(await h.call('POST', `/webhooks/${ids[0]}/test`, { body: {} }));

    // Every route of both routers, with real ids and with unknown ids.
    const paramsFor = (p: string, id: number) =>
      p.replace(':id', String(p.startsWith('/deliveries') ? (id === -1 ? 999999 : delivery) : id === -1 ? 999999 : id));
    for (const r of apiRoutes(h.deps)) {
      for (const id of [ids[0], -1])
        record(
          await h.call(r.method, '/api' + paramsFor(r.path, id), {
            body: { template: '%url%', event: 'order.paid', platform: 'discord', url: URLS[1] },
          }),
        );
    }
    for (const r of pageRoutes(h.deps)) {
      if (r.path.endsWith('/delete') || r.path.endsWith('/toggle')) continue;
      for (const id of [ids[0], -1])
        for (const locale of ['fr', 'en'] as const) record(await h.call(r.method, paramsFor(r.path, id), { body: {}, locale, api: false }));
    }
    record(await h.call('POST', `/webhooks/${ids[2]}/toggle`, { body: {} }));
    record(await h.call('GET', '/audit'));
    record(await h.call('POST', `/webhooks/${ids[2]}/delete`, { body: {} }));
    record(await h.call('GET', '/api/audit'));
    const auditRows = await db.knex('wh_audit').select('*');

    expect(outputs.length).toBeGreaterThan(40);
    expect(auditRows.length).toBeGreaterThan(5);
    expect(logs.length).toBeGreaterThan(0);
    const everything = [...outputs, ...logs, JSON.stringify(auditRows)];
    for (const text of everything) {
      expect(text).not.toContain(TOKEN);
      for (const u of URLS) expect(text).not.toContain(u);
      expect(text).not.toMatch(/discord\.com\/api\/webhooks\/\d{6,}/);
    }
    // The hints are there: the scan looked at real content.
    expect(everything.join('\n')).toContain('https://discord.com/api/webhooks/••••/••••');
  });
});
