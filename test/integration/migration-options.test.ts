/**
 * Migration 011 (options per platform) on every database, with real rows of every platform in
 * the earlier shape (every option on every row, as the form saved them; an old row with `{}`; a
 * Google Chat row without its card flag; a Slack row that was once JSON and kept its secret; a
 * platform this version does not know): up keeps each row's platform's options only, bodies
 * rendered from a row are the same before and after, down writes the earlier shape back, and up
 * again gives the very same rows.
 */
import { migrations } from '../../migrations/index.js';
import { renderMessage } from '../../module/rendering/index.js';
import type { Platform } from '../../module/webhooks/webhook.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';

const step = migrations.findIndex((m) => m.name === '011-options-per-platform');

/** Every option a row held before 011, as the form saved them. */
const earlier = {
  mode: 'plain',
  color: null,
  username: null,
  avatarUrl: null,
  rolePing: null,
  threadId: null,
  threadName: null,
  threadPerTicket: false,
  threadTitle: null,
  threadTags: [],
  statusCard: 'off',
  coalesce: true,
  slackBlocks: false,
  telegramChatId: null,
  telegramParseMode: 'HTML',
};

const rows: { name: string; platform: string; options: Record<string, unknown>; after: Record<string, unknown> | 'same' }[] = [
  {
    name: 'discord forum',
    platform: 'discord',
    options: {
      ...earlier,
      mode: 'embed',
      color: 0x5865f2,
      username: 'Boutique',
      rolePing: { roleIds: ['123456789012345678'], priorities: ['urgent'] },
      threadPerTicket: true,
      threadTitle: '#%id% %subject%',
      threadTags: [{ when: 'urgent', tagId: '223456789012345678' }],
      statusCard: 'close',
      coalesce: false,
      slackBlocks: true,
      telegramChatId: '-100123',
      googleChatCard: false,
    },
    after: {
      mode: 'embed',
      color: 0x5865f2,
      username: 'Boutique',
      avatarUrl: null,
      rolePing: { roleIds: ['123456789012345678'], priorities: ['urgent'] },
      threadId: null,
      threadName: null,
      threadPerTicket: true,
      threadTitle: '#%id% %subject%',
      threadTags: [{ when: 'urgent', tagId: '223456789012345678' }],
      statusCard: 'close',
      coalesce: false,
    },
  },
  {
    name: 'discord, written before the options had defaults',
    platform: 'discord',
    options: {},
    after: {
      mode: 'plain',
      color: null,
      username: null,
      avatarUrl: null,
      rolePing: null,
      threadId: null,
      threadName: null,
      threadPerTicket: false,
      threadTitle: null,
      threadTags: [],
      statusCard: 'off',
      coalesce: true,
    },
  },
  {
    name: 'discord, shapes the formats read loosely',
    platform: 'discord',
    options: {
      ...earlier,
      mode: 'rich',
      statusCard: 'sometimes',
      threadPerTicket: 1,
      coalesce: 0,
      threadTags: null,
      threadId: '323456789012345678',
    },
    after: {
      mode: 'plain',
      color: null,
      username: null,
      avatarUrl: null,
      rolePing: null,
      threadId: '323456789012345678',
      threadName: null,
      threadPerTicket: true,
      threadTitle: null,
      threadTags: [],
      statusCard: 'off',
      coalesce: true,
    },
  },
  {
    name: 'slack, once JSON',
    platform: 'slack',
    options: { ...earlier, mode: 'embed', username: 'Shop', slackBlocks: true, signingSecretSealed: 'v1.sealed.secret' },
    after: { username: 'Shop', avatarUrl: null, coalesce: true, slackBlocks: true },
  },
  {
    name: 'mattermost',
    platform: 'mattermost',
    options: { ...earlier, avatarUrl: 'https://example.com/a.png', slackBlocks: true },
    after: { username: null, avatarUrl: 'https://example.com/a.png', coalesce: true },
  },
  {
    name: 'rocketchat',
    platform: 'rocketchat',
    options: { ...earlier, username: 'Bot', coalesce: false },
    after: { username: 'Bot', avatarUrl: null, coalesce: false },
  },
  { name: 'teams', platform: 'teams', options: { ...earlier, color: 0xff0000 }, after: {} },
  {
    name: 'telegram',
    platform: 'telegram',
    options: { ...earlier, telegramChatId: '@canal_support', telegramParseMode: 'MarkdownV2' },
    after: { telegramChatId: '@canal_support', telegramParseMode: 'MarkdownV2' },
  },
  {
    name: 'json',
    platform: 'json',
    options: { ...earlier, mode: 'embed', signingSecretSealed: 'v1.json.secret' },
    after: { signingSecretSealed: 'v1.json.secret' },
  },
  { name: 'google chat, by the API', platform: 'googlechat', options: { ...earlier }, after: { googleChatCard: false } },
  {
    name: 'google chat, with its card',
    platform: 'googlechat',
    options: { ...earlier, googleChatCard: true },
    after: { googleChatCard: true },
  },
  { name: 'a newer platform', platform: 'matrix', options: { ...earlier, roomId: '!abc:example.org' }, after: 'same' },
];

const body = (platform: string, options: Record<string, unknown>, event: 'order.paid' | 'ticket.submit') =>
  renderMessage({
    webhook: { platform: platform as Platform, templates: {}, options },
    event,
    payload: sampleEvent(event, { seq: 3 }),
    locale: 'fr',
    timeZone: 'Europe/Paris',
  });

describe.each(testDatabaseKinds())('migration 011, options per platform, on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => db?.destroy());

  const read = async () =>
    Object.fromEntries(
      ((await db.knex('wh_webhooks').select('name', 'options').orderBy('id')) as { name: string; options: string }[]).map((r) => [
        r.name,
        r.options,
      ]),
    );

  it('moves every row to its platform, keeps its bodies, goes down to the earlier shape and up again to the same rows', async () => {
    const { knex } = db;
    for (let i = 0; i < step; i++) await migrations[i].up(knex);
    await knex('wh_webhooks').insert(
      rows.map((r, i) => ({
        name: r.name,
        url_sealed: `v1.url.${i}`,
        url_hint: 'https://example.com/••••',
        platform: r.platform,
        events: '["order.paid","ticket.submit"]',
        templates: '{}',
        options: JSON.stringify(r.options),
        filters: '{}',
        enabled: true,
        created_at: 1,
        updated_at: 1,
      })),
    );
    const before = await read();

    await migrations[step].up(knex);
    const up = await read();
    for (const r of rows) {
      const stored = JSON.parse(up[r.name]) as Record<string, unknown>;
      expect([r.name, stored]).toEqual([r.name, r.after === 'same' ? r.options : r.after]);
      // Each platform's fields in its order (the store writes them so; a row reads the same way).
      if (r.after !== 'same') expect([r.name, Object.keys(stored)]).toEqual([r.name, Object.keys(r.after)]);
      if (r.platform === 'matrix') continue;
      for (const event of ['order.paid', 'ticket.submit'] as const)
        expect([r.name, event, body(r.platform, stored, event)]).toEqual([r.name, event, body(r.platform, r.options, event)]);
    }

    await migrations[step].down(knex);
    const down = await read();
    for (const r of rows) {
      const earlierShape = JSON.parse(down[r.name]) as Record<string, unknown>;
      if (r.after === 'same') {
        expect(earlierShape).toEqual({ ...earlier, ...r.options });
        continue;
      }
      // Every option the earlier code read, the row's own values kept, its secret last if signed.
      expect([r.name, earlierShape]).toEqual([r.name, { ...earlier, ...r.after }]);
      for (const field of Object.keys(earlier)) expect(earlierShape).toHaveProperty(field);
    }
    // Rows the earlier form wrote come back as they were but for the options of other platforms.
    expect(JSON.parse(down['telegram'])).toEqual(rows.find((r) => r.name === 'telegram')!.options);
    expect(JSON.parse(down['json'])).toEqual({ ...earlier, signingSecretSealed: 'v1.json.secret' });
    expect(down['discord, written before the options had defaults']).not.toBe(before['discord, written before the options had defaults']);

    await migrations[step].up(knex);
    expect(await read()).toEqual(up);
    for (let i = step + 1; i < migrations.length; i++) await migrations[i].up(knex);
  });
});
