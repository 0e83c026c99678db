/**
 * Edges of the settings API's input, handler level, on every database kind: a PATCH is checked
 * on what it would leave (a Telegram webhook needs its chat id, as on create), delivery-log dates
 * are real calendar days, and webhook names hold text only (control characters refused with the
 * field named, lone surrogates stored as U+FFFD on every database).
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/SECRETtokenABCDEFghijklmnop';
const TELEGRAM = 'https://api.telegram.org/bot123456:ABCdefGHI/sendMessage';

const json = (r: { json?: unknown }) => r.json as any;

describe.each(testDatabaseKinds())('admin API input edges on %s', (kind) => {
  let db: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    h = makeHarness(db.knex);
  });
  afterAll(async () => db?.destroy());

  const create = (body: Record<string, unknown>) => h.call('POST', '/api/webhooks', { body });
  const patch = (id: number, body: Record<string, unknown>, method = 'PATCH') => h.call(method, `/api/webhooks/${id}`, { body });

  describe('a PATCH is validated on the merged result, like a create', () => {
    it('refuses turning a webhook into Telegram without a chat id, naming the field, and keeps it as it was', async () => {
      const w = json(await create({ name: 'Discord', url: DISCORD, events: ['order.paid'] })).webhook;
      for (const method of ['PATCH', 'PUT']) {
        const r = await patch(w.id, { platform: 'telegram' }, method);
        expect([method, r.status, json(r).field, json(r).reason]).toEqual([method, 400, 'options.telegramChatId', 'obligatoire']);
      }
      expect((await h.deps.service.get(w.id))!.platform).toBe('discord');
      const ok = await patch(w.id, { platform: 'telegram', options: { telegramChatId: '-1001234567890' } });
      expect(ok.status).toBe(200);
      expect(json(ok).webhook.platform).toBe('telegram');
    });

    it('keeps a stored chat id when the PATCH does not touch it, and refuses clearing it', async () => {
      const w = json(
        await create({ name: 'Telegram', url: TELEGRAM, events: ['order.paid'], options: { telegramChatId: '@shop_alerts' } }),
      ).webhook;
      expect(w.platform).toBe('telegram');
      expect((await patch(w.id, { name: 'Telegram renamed' })).status).toBe(200);
      // Another of its options (an option of another platform is refused: admin-options.test.ts).
      expect((await patch(w.id, { options: { telegramParseMode: 'MarkdownV2' } })).status).toBe(200);
      const cleared = await patch(w.id, { options: { telegramChatId: null } });
      expect([cleared.status, json(cleared).field]).toEqual([400, 'options.telegramChatId']);
      const blank = await patch(w.id, { options: { telegramChatId: '  ' } });
      expect([blank.status, json(blank).field]).toEqual([400, 'options.telegramChatId']);
      expect((await h.deps.service.get(w.id))!.options.telegramChatId).toBe('@shop_alerts');
    });
  });

  describe('delivery log dates are real calendar days', () => {
    it.each([
      ['from=2026-02-30', 'from'],
      ['from=2026-02-29', 'from'],
      ['from=2026-04-31', 'from'],
      ['from=2026-13-01', 'from'],
      ['from=2026-02-30T10:00:00Z', 'from'],
      ['from=2026-02-28T24:00:00Z', 'from'],
      ['from=Feb%2030%202026', 'from'],
      ['from=1', 'from'],
      ['to=2026-02-30', 'to'],
    ])('%s answers 400 naming %s', async (q, field) => {
      const r = await h.call('GET', `/api/deliveries?${q}`);
      expect([r.status, json(r).error, json(r).field]).toEqual([400, 'invalid_input', field]);
    });

    it.each(['from=2024-02-29', 'from=2026-02-28&to=2026-03-01', 'from=2026-02-28T10:00:00%2B02:00', 'from=1772236800000'])(
      '%s is accepted',
      async (q) => {
        expect((await h.call('GET', `/api/deliveries?${q}`)).status).toBe(200);
      },
    );
  });

  it('shows a hint stored under the older mask rule with today’s rule (list and one)', async () => {
    const w = json(await create({ name: 'Old hint', url: 'https://hooks.example.com/in/Secrettoken', events: ['order.paid'] })).webhook;
    expect(w.urlHint).toBe('https://hooks.example.com/••••/••••');
    // What the older rule stored for such a URL: the all-letter segments kept.
    await db.knex('wh_webhooks').where({ id: w.id }).update({ url_hint: 'https://hooks.example.com/in/Secrettoken/••••' });
    const one = json(await h.call('GET', `/api/webhooks/${w.id}`)).webhook;
    expect(one.urlHint).toBe('https://hooks.example.com/••••/••••/••••');
    const list = JSON.stringify(json(await h.call('GET', '/api/webhooks?perPage=100')));
    expect(list).toContain('https://hooks.example.com/••••/••••/••••');
    expect(list).not.toContain('Secrettoken');
  });

  describe('webhook names and templates hold text only', () => {
    it.each([
      ['a NUL', 'Shop\u0000orders'],
      ['a bell', 'Shop\u0007'],
      ['a line break', 'Shop\norders'],
      ['a tab', 'Shop\torders'],
      ['a C1 control', 'Shop\u009borders'],
      ['DEL', 'Shop\u007f'],
    ])('refuses a name with %s, naming the field', async (_what, name) => {
      for (const locale of ['fr', 'en'] as const) {
        const r = await h.call('POST', '/api/webhooks', { body: { name, url: DISCORD, events: ['order.paid'] }, locale });
        expect([r.status, json(r).field]).toEqual([400, 'name']);
        expect(json(r).reason).toBe(
          locale === 'en'
            ? 'must not contain control characters (NUL, tabs, line breaks)'
            : 'ne doit pas contenir de caractères de contrôle (NUL, tabulations, sauts de ligne)',
        );
      }
    });

    it('refuses a NUL in a rename and in a template, and keeps line breaks in templates', async () => {
      const w = json(await create({ name: 'Plain', url: DISCORD, events: ['order.paid'] })).webhook;
      const renamed = await patch(w.id, { name: 'x\u0000y' });
      expect([renamed.status, json(renamed).field]).toEqual([400, 'name']);
      const template = await patch(w.id, { templates: { order: 'Order %id%\u0000' } });
      expect([template.status, json(template).field]).toEqual([400, 'templates.order']);
      const lines = await patch(w.id, { templates: { order: 'Order %id%\r\n\tby %user%' } });
      expect(lines.status).toBe(200);
      expect((await h.deps.service.get(w.id))!.templates.order).toBe('Order %id%\r\n\tby %user%');
      expect((await h.deps.service.get(w.id))!.name).toBe('Plain');
    });

    it('stores a lone surrogate as U+FFFD and keeps paired ones (emoji) intact', async () => {
      const r = await create({ name: 'Lone \ud800 high, lone \udfff low, pair 😀', url: DISCORD, events: ['order.paid'] });
      expect(r.status).toBe(201);
      const expected = 'Lone \ufffd high, lone \ufffd low, pair 😀';
      expect(json(r).webhook.name).toBe(expected);
      expect((await h.deps.service.get(json(r).webhook.id))!.name).toBe(expected);
      const listed = json(await h.call('GET', `/api/webhooks/${json(r).webhook.id}`)).webhook;
      expect(listed.name).toBe(expected);
    });
  });
});
