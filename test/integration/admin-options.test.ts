/**
 * Options are their platform's (issue 24): the API refuses an option of another platform with the
 * field and both platforms named, and an invalid one with its field; the settings form, which has
 * a widget for every platform's options and posts them all, saves the chosen platform's only; a
 * webhook that changes platform keeps none of the old one's options. Checked on the stored row.
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/SECRETtokenABCDEFghijklmnop';
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX';
const TELEGRAM = 'https://api.telegram.org/bot123456:ABCdefGHI/sendMessage';
const JSON_URL = 'https://example.com/hooks/in';

const json = (r: { json?: unknown }) => r.json as any;

describe.each(testDatabaseKinds())('webhook options per platform on %s', (kind) => {
  let db: TestDatabase;
  let h: Harness;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    h = makeHarness(db.knex);
  });
  afterAll(async () => db?.destroy());

  const create = (body: Record<string, unknown>, locale: 'fr' | 'en' = 'en') => h.call('POST', '/api/webhooks', { body, locale });
  const put = (id: number, body: Record<string, unknown>) => h.call('PUT', `/api/webhooks/${id}`, { body, locale: 'en' });
  const stored = async (id: number) => JSON.parse((await db.knex('wh_webhooks').where({ id }).first()).options) as Record<string, unknown>;

  it('the API refuses an option of another platform, naming the option and both platforms, and stores nothing', async () => {
    const before = Number((await db.knex('wh_webhooks').count({ n: '*' }))[0].n);
    const r = await create({
      name: 'T',
      url: TELEGRAM,
      events: ['order.paid'],
      options: { telegramChatId: '@shop_alerts', mode: 'embed' },
    });
    expect([r.status, json(r).field, json(r).reason]).toEqual([400, 'options.mode', 'not an option of Telegram (an option of: Discord)']);
    const fr = await create({ name: 'S', url: SLACK, events: ['order.paid'], options: { googleChatCard: true } }, 'fr');
    expect([fr.status, json(fr).field, json(fr).reason]).toEqual([
      400,
      'options.googleChatCard',
      'n’est pas une option de Slack (option de\u202f: Google Chat)',
    ]);
    const unknown = await create({ name: 'S', url: SLACK, events: ['order.paid'], options: { colour: 1 } });
    expect([unknown.status, json(unknown).field, json(unknown).reason]).toEqual([400, 'options.colour', 'unknown field: colour']);
    expect(Number((await db.knex('wh_webhooks').count({ n: '*' }))[0].n)).toBe(before);
  });

  it("an invalid option is refused by its platform's schema, with the field named", async () => {
    const r = await create({ name: 'S', url: SLACK, events: ['order.paid'], options: { slackBlocks: 'yes' } });
    expect([r.status, json(r).field]).toEqual([400, 'options.slackBlocks']);
    const t = await create({ name: 'T', url: TELEGRAM, events: ['order.paid'], options: { telegramChatId: 'not a chat' } });
    expect([t.status, json(t).field]).toEqual([400, 'options.telegramChatId']);
    // A valid chat id sent with a bad parse mode: the parse mode is named, the chat id is not "required".
    const mode = await create({
      name: 'T',
      url: TELEGRAM,
      events: ['order.paid'],
      options: { telegramChatId: '@shop_alerts', telegramParseMode: 'Markdown' },
    });
    expect(json(mode).errors.map((e: { field: string }) => e.field)).toEqual(['options.telegramParseMode']);
  });

  it("a webhook stores its platform's options only, over that platform's defaults", async () => {
    const slack = json(
      await create({ name: 'S', url: SLACK, events: ['order.paid'], options: { slackBlocks: true, username: 'Shop' } }),
    ).webhook;
    expect(await stored(slack.id)).toEqual({
      username: 'Shop',
      avatarUrl: null,
      coalesce: true,
      slackBlocks: true,
      helpdeskButtons: false,
    });
    const teams = json(await create({ name: 'Teams', url: 'https://x.webhook.office.com/webhookb2/abc', events: ['order.paid'] })).webhook;
    expect([teams.platform, await stored(teams.id)]).toEqual(['teams', {}]);
    const signed = json(await create({ name: 'J', url: JSON_URL, events: ['order.paid'] })).webhook;
    expect(Object.keys(await stored(signed.id))).toEqual(['signingSecretSealed']);
  });

  it("changing platform keeps none of the old platform's options, nor its signing secret", async () => {
    const w = json(
      await create({
        name: 'D',
        url: DISCORD,
        events: ['ticket.submit'],
        options: { mode: 'embed', username: 'Shop', threadPerTicket: true },
      }),
    ).webhook;
    expect(await stored(w.id)).toMatchObject({ mode: 'embed', username: 'Shop', threadPerTicket: true, statusCard: 'close' });
    const moved = await put(w.id, { url: SLACK, platform: 'slack' });
    expect(moved.status).toBe(200);
    expect(await stored(w.id)).toEqual({ username: null, avatarUrl: null, coalesce: true, slackBlocks: false, helpdeskButtons: false });
    expect(json(moved).webhook.options).toEqual({
      username: null,
      avatarUrl: null,
      coalesce: true,
      slackBlocks: false,
      helpdeskButtons: false,
    });
    // A JSON webhook gets a secret; turned into Discord, the row no longer holds it.
    const j = json(await create({ name: 'J', url: JSON_URL, events: ['order.paid'] })).webhook;
    expect(await stored(j.id)).toHaveProperty('signingSecretSealed');
    expect((await put(j.id, { url: DISCORD, platform: 'discord', options: { mode: 'embed' } })).status).toBe(200);
    const row = await stored(j.id);
    expect(row).not.toHaveProperty('signingSecretSealed');
    expect(row.mode).toBe('embed');
  });

  it('the settings form posts every widget: the chosen platform keeps its own options, the others are ignored', async () => {
    const form = {
      _csrf: 'csrf-test-token',
      name: 'Slack from the form',
      url: SLACK,
      platform: 'auto',
      events: 'order.paid',
      templateOrder: 'Commande %id%',
      templateTicket: '',
      mode: 'embed',
      color: '#5865f2',
      username: 'Boutique',
      coalesce: 'on',
      slackBlocks: 'on',
      threadId: '123456789012345678',
      threadName: 'Ticket %id%',
      statusCard: 'off',
      telegramParseMode: 'HTML',
      enabled: ['0', '1'],
      filterReplyAuthors: 'both',
    };
    const r = await h.call('POST', '/webhooks', { body: form });
    expect(r).toMatchObject({ redirect: '/admin/modules/webhooks/?done=created' });
    const row = await db.knex('wh_webhooks').where({ name: 'Slack from the form' }).first();
    expect(row.platform).toBe('slack');
    expect(JSON.parse(row.options)).toEqual({
      username: 'Boutique',
      avatarUrl: null,
      coalesce: true,
      slackBlocks: true,
      helpdeskButtons: false,
    });
  });
});
