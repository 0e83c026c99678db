/**
 * The webhook list with 10,000 webhooks, through the real routes and views (SQLite): the page and
 * the API answer one page with the total, search by name, and stay small; the delivery log and
 * the audit trail name only the webhooks of the rows they show.
 */
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { TestClock } from '../support/clock.js';
import { seedWebhooks } from '../support/seed-webhooks.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';
import { createSecrets } from '../../host/security/secrets.js';

const COUNT = 10_000;
const MAX_BYTES = 200 * 1024;
const json = (r: { json?: unknown }) => r.json as any;
const html = (r: { html?: string }) => r.html ?? '';
const bytes = (r: { json?: unknown; html?: string }) => Buffer.byteLength(r.html ?? JSON.stringify(r.json));
const rowIds = (page: string) => [...page.matchAll(/data-webhook-id="(\d+)"/g)].map((m) => Number(m[1]));

describe('webhook list with 10,000 webhooks', () => {
  let db: TestDatabase;
  let h: Harness;
  let ids: number[];
  const clock = new TestClock();
  const sizes: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await migrate(db.knex);
    h = makeHarness(db.knex, { now: clock.now });
    ids = await seedWebhooks(db.knex, createSecrets('test-app-key'), COUNT, { now: clock.now });
    // Deliveries and audit entries spread over many webhooks, the newest on the last ones.
    for (let i = 0; i < 30; i++) await h.insertDelivery({ webhookId: ids[i * 300], body: { content: `message ${i}` } });
    for (let i = 0; i < 60; i++) await h.deps.audit.write('alice', 'webhook.test', ids[i * 150], { ok: true });
  }, 120_000);
  afterAll(async () => {
    // The measured sizes, for the record (the assertions are below).
    console.log(`answer sizes with ${COUNT} webhooks (bytes): ${JSON.stringify(sizes)}`);
    await db?.destroy();
  });

  const get = async (label: string, path: string) => {
    const r = await h.call('GET', path);
    sizes[label] = bytes(r);
    return r;
  };

  it('API: one page with the total, page 2 differs from page 1, each answer under 200 KB', async () => {
    const first = await get('api list', '/api/webhooks');
    expect(first.status).toBe(200);
    expect(json(first)).toMatchObject({ total: COUNT, page: 1, perPage: 50 });
    expect(json(first).items.map((w: { id: number }) => w.id)).toEqual(ids.slice(0, 50));
    expect(bytes(first)).toBeLessThan(MAX_BYTES);
    const second = await get('api list page 2 perPage 100', '/api/webhooks?page=2&perPage=100');
    expect(json(second)).toMatchObject({ total: COUNT, page: 2, perPage: 100 });
    expect(json(second).items.map((w: { id: number }) => w.id)).toEqual(ids.slice(100, 200));
    expect(bytes(second)).toBeLessThan(MAX_BYTES);
    const last = json(await h.call('GET', `/api/webhooks?page=${COUNT / 100}&perPage=100`));
    expect(last.items.at(-1).id).toBe(ids.at(-1));
    expect(JSON.stringify(first.json)).not.toContain('seedToken');
  });

  it('API: searches by name, case-insensitively', async () => {
    const r = await get('api search', '/api/webhooks?q=%20webhook%2009%20');
    expect(json(r)).toMatchObject({ total: 1000, page: 1, perPage: 50 });
    expect(json(r).items[0].name).toBe('Webhook 09000');
    expect(bytes(r)).toBeLessThan(MAX_BYTES);
    expect(json(await h.call('GET', '/api/webhooks?q=no%20such%20name')).total).toBe(0);
    const found = json(await h.call('GET', '/api/webhooks?q=WEBHOOK%200987'));
    expect(found.total).toBe(10);
    expect(found.items.map((w: { name: string }) => w.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Webhook 0987${i}`));
  });

  it.each([
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['page=-1', 'page'],
    ['perPage=0', 'perPage'],
    ['perPage=101', 'perPage'],
    ['perPage=ten', 'perPage'],
    [`q=${'x'.repeat(201)}`, 'q'],
  ])('API: %s answers 400 naming %s', async (query, field) => {
    const r = await h.call('GET', `/api/webhooks?${query}`);
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ error: 'invalid_input', field });
  });

  it('page: 25 rows, page links, page 2 differs, under 200 KB', async () => {
    const first = await get('list page', '/');
    const page = html(first);
    expect(first.status).toBe(200);
    expect(bytes(first)).toBeLessThan(MAX_BYTES);
    expect(rowIds(page)).toEqual(ids.slice(0, 25));
    expect(page).toContain('10\u202f000 webhooks');
    expect(page).toMatch(/<nav class="wh-pager" aria-label="Pages"/);
    expect(page).toContain('Page 1 sur 400');
    expect(page).toMatch(/href="\/admin\/modules\/webhooks\/\?page=1" aria-current="page"/);
    expect(page).toContain('href="/admin/modules/webhooks/?page=2" rel="next"');
    expect(page).toContain('href="/admin/modules/webhooks/?page=400" rel="last"');
    expect(page).not.toContain('rel="prev"');
    expect(page).not.toContain('seedToken');
    const second = html(await get('list page 2', '/?page=2'));
    expect(rowIds(second)).toEqual(ids.slice(25, 50));
    expect(second).toContain('href="/admin/modules/webhooks/?page=1" rel="first"');
    expect(second).toMatch(/href="\/admin\/modules\/webhooks\/\?page=2" aria-current="page"/);
  });

  it('page: search keeps the query in the page links and counts the matches', async () => {
    const r = await get('list search', '/?q=webhook%2001');
    const page = html(r);
    expect(rowIds(page)).toEqual(ids.slice(1000, 1025));
    expect(page).toContain('1\u202f000 webhooks dont le nom contient «\u202fwebhook 01\u202f»');
    expect(page).toContain('href="/admin/modules/webhooks/?q=webhook+01&amp;page=40" rel="last"');
    expect(page).toContain('value="webhook 01"');
    const none = html(await h.call('GET', '/?q=%3Cb%3Enope'));
    expect(none).toContain('data-testid="no-match"');
    expect(none).toContain('&lt;b&gt;nope');
    expect(none).not.toContain('<b>nope');
  });

  it('page: a bad page number opens page 1, one past the end opens the last page', async () => {
    for (const bad of ['abc', '0', '-3', '1e3']) expect(rowIds(html(await h.call('GET', `/?page=${bad}`)))).toEqual(ids.slice(0, 25));
    const past = html(await h.call('GET', '/?page=999999'));
    expect(rowIds(past)).toEqual(ids.slice(COUNT - 25));
    expect(past).toContain('Page 400 sur 400');
  });

  it('delivery log: names the rows’ webhooks only, filters by number, under 200 KB', async () => {
    const r = await get('deliveries page', '/deliveries');
    const page = html(r);
    expect(r.status).toBe(200);
    expect(bytes(r)).toBeLessThan(MAX_BYTES);
    expect(page).toContain('→ Webhook 08700');
    expect(page).toContain('→ Webhook 01500');
    expect(page).not.toContain('→ Webhook 01200'); // page 2
    // 30 deliveries, 25 a page: numbered page links, page 2 among them.
    expect(page).toContain('data-testid="pager"');
    expect(page).toContain('Page 1 sur 2');
    expect(page).toMatch(/href="[^"]*\/deliveries\?page=2"[^>]*aria-label="Page 2"/);
    // No select of 10,000 names: a webhook-number field instead.
    expect(page).not.toContain('<option value="' + ids[5] + '"');
    expect(page).toContain('data-testid="webhook-id-filter"');
    const one = html(await h.call('GET', `/deliveries?webhook=${ids[300]}`));
    expect(one).toMatch(new RegExp(`value="${ids[300]}"[^>]*data-testid="webhook-id-filter"`));
    expect(one).toContain('Réessayer tous les échecs de «\u202fWebhook 00300\u202f»');
    expect(one).toContain('→ Webhook 00300');
    const api = await get('api deliveries', '/api/deliveries');
    expect(json(api).total).toBe(30);
    expect(bytes(api)).toBeLessThan(MAX_BYTES);
  });

  it('audit trail: page and API under 200 KB', async () => {
    const r = await get('audit page', '/audit');
    expect(r.status).toBe(200);
    expect(bytes(r)).toBeLessThan(MAX_BYTES);
    expect(html(r)).toContain('data-testid="audit-table"');
    const api = await get('api audit', '/api/audit');
    expect(json(api).total).toBe(60);
    expect(bytes(api)).toBeLessThan(MAX_BYTES);
  });
});
