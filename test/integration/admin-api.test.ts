/** The settings JSON API, handler level, on every database kind: every route, 400 naming the field, 404. */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { DAY_MS, startOfUtcDay, utcDate } from '../support/clock.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/SECRETtokenABCDEFghijklmnop';
const DISCORD2 = 'https://discord.com/api/webhooks/987654321098765432/OTHERsecretTOKENzyxwvu';
const SECRET_PARTS = ['SECRETtokenABCDEFghijklmnop', 'OTHERsecretTOKENzyxwvu', '123456789012345678', '987654321098765432'];

const json = (r: { json?: unknown }) => r.json as any;
const noSecrets = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const s of SECRET_PARTS) expect(text).not.toContain(s);
};

describe.each(testDatabaseKinds())('admin API on %s', (kind) => {
  let db: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    h = makeHarness(db.knex);
  });
  afterAll(async () => db?.destroy());

  const create = (body: Record<string, unknown>) => h.call('POST', '/api/webhooks', { body });

  it('creates a webhook, answers only the masked URL, and audits it', async () => {
    const r = await create({ name: 'Orders', url: DISCORD, events: ['order.paid'], templates: { order: 'Order %id% by %user%' } });
    expect(r.status).toBe(201);
    const w = json(r).webhook;
    expect(w).toMatchObject({
      name: 'Orders',
      platform: 'discord',
      events: ['order.paid'],
      state: 'active',
      urlHint: 'https://discord.com/api/webhooks/••••/••••',
    });
    expect(w.url).toBeUndefined();
    expect(w.signingSecret).toBeUndefined();
    expect(json(r).warnings).toEqual([]);
    noSecrets(r.json);
    const audit = json(await h.call('GET', '/api/audit'));
    expect(audit.items[0]).toMatchObject({ actor: 'alice', action: 'webhook.create', webhookId: w.id });
    noSecrets(audit);
  });

  it.each([
    [{ url: DISCORD, events: ['order.paid'] }, 'name'],
    [{ name: 'x', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: 'ftp://discord.com/a/b', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: 'javascript:alert(1)', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: 'http://127.0.0.1:9/api/webhooks/1/a', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: 'http://localhost/hook', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: 'http://10.1.2.3/hook', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: 'http://[fe80::1]/hook', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: 'http://169.254.169.254/latest', events: ['order.paid'] }, 'url'],
    [{ name: 'x', url: DISCORD, events: [] }, 'events'],
    [{ name: 'x', url: DISCORD, events: ['order.refunded'] }, 'events.0'],
    [{ name: 'x', url: DISCORD, events: ['order.paid'], platform: 'icq' }, 'platform'],
    [{ name: 'x', url: DISCORD, events: ['order.paid'], options: { username: 'My Discord bot' } }, 'options.username'],
    [{ name: 'x', url: DISCORD, events: ['order.paid'], options: { color: 0x1000000 } }, 'options.color'],
    [
      { name: 'x', url: DISCORD, events: ['order.paid'], options: { rolePing: { roleIds: ['everyone'], priorities: [] } } },
      'options.rolePing.roleIds.0',
    ],
    [{ name: 'x', url: DISCORD, events: ['order.paid'], filters: { minOrderTotal: -5 } }, 'filters.minOrderTotal'],
    [{ name: 'x', url: DISCORD, events: ['order.paid'], filters: { replyAuthors: 'bots' } }, 'filters.replyAuthors'],
    [{ name: 'x', url: DISCORD, events: ['order.paid'], surprise: 1 }, '(body)'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const r = await create(body);
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ error: 'invalid_input', field });
    expect(typeof json(r).reason).toBe('string');
    expect(json(r).reason.length).toBeGreaterThan(2);
    noSecrets(r.json);
  });

  it('explains the URL refusal in the admin language', async () => {
    const fr = await h.call('POST', '/api/webhooks', { body: { name: 'x', url: 'ftp://a.example/b', events: ['order.paid'] } });
    const en = await h.call('POST', '/api/webhooks', {
      body: { name: 'x', url: 'ftp://a.example/b', events: ['order.paid'] },
      locale: 'en',
    });
    expect(json(fr).reason).toBe('seules les adresses http:// ou https:// sont acceptées : remplacez le début de l’URL par https://');
    expect(json(en).reason).toBe('only http:// or https:// addresses are accepted: start the URL with https://');
  });

  it("validates a form without saving: every error by form field, in the save's words", async () => {
    const before = (await h.deps.service.page({ page: 1, perPage: 1 })).total;
    const r = await h.call('POST', '/api/validate', {
      body: { form: { name: '', url: 'ftp://a.example/b', platform: 'telegram', telegramChatId: 'x', color: 'blue' } },
    });
    expect(r.status).toBe(200);
    expect(json(r).errors).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'obligatoire' },
        { field: 'url', message: 'seules les adresses http:// ou https:// sont acceptées : remplacez le début de l’URL par https://' },
        { field: 'events', message: 'choisissez au moins un événement' },
        { field: 'telegramChatId', message: 'identifiant de chat Telegram attendu (nombre ou @canal)' },
      ]),
    );
    // The form posts every platform's widgets: those Telegram does not have (hidden) are not judged;
    // on Discord, whose option it is, the colour is.
    expect(json(r).errors.map((e: { field: string }) => e.field)).not.toContain('color');
    const discord = await h.call('POST', '/api/validate', {
      body: { form: { name: 'Shop', url: 'https://discord.com/api/webhooks/1/abc', events: 'order.paid', color: 'blue' } },
    });
    expect(json(discord).errors).toEqual([{ field: 'color', message: expect.any(String) }]);
    const ok = await h.call('POST', '/api/validate', {
      body: { form: { name: 'Shop', url: 'https://discord.com/api/webhooks/1/abc', events: 'order.paid' } },
      locale: 'en',
    });
    expect(json(ok)).toEqual({ errors: [] });
    expect((await h.deps.service.page({ page: 1, perPage: 1 })).total).toBe(before);
  });

  it('accepts loopback targets only in the development profile', async () => {
    const dev = makeHarness(db.knex, { allowLoopback: true });
    const r = await dev.call('POST', '/api/webhooks', {
      body: { name: 'Local', url: 'http://127.0.0.1:3001/api/webhooks/1/tok', platform: 'discord', events: ['order.paid'] },
    });
    expect(r.status).toBe(201);
    expect(json(r).webhook.platform).toBe('discord');
    await dev.call('DELETE', `/api/webhooks/${json(r).webhook.id}`);
  });

  it('generates a signing secret for JSON webhooks, shown once', async () => {
    const r = await create({ name: 'Generic', url: 'https://example.com/hooks/incoming', events: ['ticket.submit'] });
    expect(r.status).toBe(201);
    expect(json(r).webhook.platform).toBe('json');
    expect(json(r).signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const again = await h.call('GET', `/api/webhooks/${json(r).webhook.id}`);
    expect(JSON.stringify(again.json)).not.toContain(json(r).signingSecret);
    expect(json(again).webhook.hasSigningSecret).toBe(true);
    const rotated = await h.call('PATCH', `/api/webhooks/${json(r).webhook.id}`, { body: { regenerateSecret: true } });
    expect(json(rotated).signingSecret).toMatch(/^whsec_/);
    expect(json(rotated).signingSecret).not.toBe(json(r).signingSecret);
  });

  it('warns about unknown variables on save', async () => {
    const r = await create({
      name: 'Typos',
      url: DISCORD2,
      events: ['order.paid', 'ticket.submit'],
      templates: { order: '%id% %prix%', ticket: '%subject% %sujet%' },
    });
    expect(r.status).toBe(201);
    expect(json(r).warnings).toEqual([
      expect.objectContaining({ family: 'order', names: ['prix'] }),
      expect.objectContaining({ family: 'ticket', names: ['sujet'] }),
    ]);
    expect(json(r).warnings[0].message).toContain('%prix%');
  });

  it('lists, reads, updates (URL replaced only when given) and deletes', async () => {
    const created = json(await create({ name: 'Edit me', url: DISCORD, events: ['order.paid'] })).webhook;
    const list = json(await h.call('GET', '/api/webhooks'));
    expect(list.items.map((w: { id: number }) => w.id)).toContain(created.id);
    noSecrets(list);

    const renamed = await h.call('PUT', `/api/webhooks/${created.id}`, { body: { name: 'Renamed', url: '' } });
    expect(renamed.status).toBe(200);
    expect(json(renamed).webhook).toMatchObject({ name: 'Renamed', urlHint: created.urlHint });

    const moved = await h.call('PATCH', `/api/webhooks/${created.id}`, { body: { url: DISCORD2 } });
    expect(json(moved).webhook.urlHint).toBe('https://discord.com/api/webhooks/••••/••••');
    const stored = await h.deps.service.get(created.id);
    expect(stored!.url).toBe(DISCORD2);

    const paused = await h.call('PATCH', `/api/webhooks/${created.id}`, { body: { enabled: false } });
    expect(json(paused).webhook.state).toBe('paused');

    const bad = await h.call('PATCH', `/api/webhooks/${created.id}`, { body: { url: 'file:///etc/passwd' } });
    expect(bad.status).toBe(400);
    expect(json(bad).field).toBe('url');

    const audit = json(await h.call('GET', `/api/audit?webhook=${created.id}`));
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual([
      'webhook.disable',
      'webhook.update',
      'webhook.update',
      'webhook.create',
    ]);
    expect(audit.items[1].details.url).toEqual({ from: created.urlHint, to: 'https://discord.com/api/webhooks/••••/••••' });
    noSecrets(audit);

    expect((await h.call('DELETE', `/api/webhooks/${created.id}`)).status).toBe(200);
    expect((await h.call('GET', `/api/webhooks/${created.id}`)).status).toBe(404);
    expect((await h.call('DELETE', `/api/webhooks/${created.id}`)).status).toBe(404);
  });

  it.each([
    ['GET', '/api/webhooks/999999'],
    ['GET', '/api/webhooks/abc'],
    ['PUT', '/api/webhooks/999999'],
    ['PATCH', '/api/webhooks/999999'],
    ['DELETE', '/api/webhooks/999999'],
    ['POST', '/api/webhooks/999999/test'],
    ['POST', '/api/webhooks/999999/retry-failed'],
    ['GET', '/api/deliveries/999999'],
    ['POST', '/api/deliveries/999999/replay'],
  ])('%s %s answers 404', async (method, p) => {
    const r = await h.call(method, p, { body: { name: 'x' } });
    expect(r.status).toBe(404);
    expect(json(r).error).toBe('not_found');
  });

  it('sends a test and answers in plain words, translated', async () => {
    const w = json(await create({ name: 'Test me', url: DISCORD, events: ['order.paid'], templates: { order: 'Commande %id%' } })).webhook;
    h.sender.next = { outcome: 'ok', statusCode: 200, error: null, durationMs: 30 };
    const ok = await h.call('POST', `/api/webhooks/${w.id}/test`, { body: {} });
    expect(json(ok)).toMatchObject({ ok: true, event: 'order.paid', message: 'Discord a bien reçu le message (200).' });
    expect(h.sender.sent.at(-1)!.body).toMatchObject({ content: 'Commande 1001' });
    // The test message is dated now, by the module's clock (here the harness's), not a sample date.
    const embed = json(
      await create({
        name: 'Embed',
        url: DISCORD,
        events: ['order.paid'],
        templates: { order: 'Commande %id%' },
        options: { mode: 'embed' },
      }),
    ).webhook;
    expect(json(await h.call('POST', `/api/webhooks/${embed.id}/test`, { body: {} })).ok).toBe(true);
    expect(h.sender.sent.at(-1)!.body).toMatchObject({ embeds: [{ timestamp: new Date(h.deps.clock.now()).toISOString() }] });

    h.sender.next = { outcome: 'dead', statusCode: 404, error: 'Unknown Webhook', platformCode: 10015, durationMs: 30 };
    const gone = await h.call('POST', `/api/webhooks/${w.id}/test`, { body: {}, locale: 'en' });
    expect(json(gone)).toMatchObject({
      ok: false,
      message:
        'This webhook was deleted in Discord (404 Unknown Webhook): create a new one (Channel settings › Integrations › Webhooks) and paste its new URL.',
    });

    const bad = await h.call('POST', `/api/webhooks/${w.id}/test`, { body: { event: 'order.refunded' } });
    expect(bad.status).toBe(400);
    expect(json(bad).field).toBe('event');
  });

  it('creates a Google Chat webhook (platform "googlechat"), sends its test and previews it', async () => {
    const url = 'https://chat.googleapis.com/v1/spaces/AAAAspace/messages?key=GCHATkeySECRET&token=GCHATtokenSECRET';
    const r = await create({
      name: 'Chat',
      url,
      platform: 'googlechat',
      events: ['ticket.submit'],
      templates: { ticket: '*%subject%* %id%' },
    });
    expect(r.status).toBe(201);
    const w = json(r).webhook;
    expect(w).toMatchObject({ platform: 'googlechat', urlHint: 'https://chat.googleapis.com/v1/spaces/••••/messages?••••' });
    expect(JSON.stringify(r.json)).not.toMatch(/GCHAT/);
    // Left on "auto", the URL says Google Chat.
    const auto = json(await create({ name: 'Chat auto', url, platform: 'auto', events: ['ticket.submit'] })).webhook;
    expect(auto.platform).toBe('googlechat');
    h.sender.next = { outcome: 'ok', statusCode: 200, error: null, durationMs: 30 };
    const ok = await h.call('POST', `/api/webhooks/${w.id}/test`, { body: {}, locale: 'en' });
    expect(json(ok)).toMatchObject({ ok: true, event: 'ticket.submit' });
    expect(json(ok).message).toContain('Google Chat');
    const sent = h.sender.sent.at(-1)!.body;
    expect(sent.text).toMatch(/^\*.+\* \d+$/);
    expect(sent.thread).toEqual({ threadKey: expect.stringMatching(/^ticket-/) });
    h.sender.next = { outcome: 'dead', statusCode: 404, error: 'NOT_FOUND', durationMs: 30 };
    const gone = json(await h.call('POST', `/api/webhooks/${w.id}/test`, { body: {}, locale: 'en' }));
    expect(gone).toMatchObject({ ok: false });
    expect(gone.message).toContain('This Google Chat webhook no longer exists (404)');
    const preview = await h.call('POST', '/api/preview', { body: { template: '*%id%*', event: 'order.paid', platform: 'googlechat' } });
    expect(preview.status).toBe(200);
    expect(json(preview).body).toEqual({ text: '*1001*' });
  });

  it('previews a template exactly as it would be sent', async () => {
    const r = await h.call('POST', '/api/preview', { body: { template: '**%id%** %nope%', event: 'order.paid', platform: 'discord' } });
    expect(r.status).toBe(200);
    expect(json(r).body).toEqual({ content: '**1001** %nope%', allowed_mentions: { parse: [] } });
    expect(JSON.parse(json(r).json)).toEqual(json(r).body);
    expect(json(r).unknownVariables).toEqual(['nope']);
    expect(json(r).variables.map((v: { name: string }) => v.name)).toContain('%price%');
    for (const [body, field] of [
      [{ template: 'x', event: 'nope', platform: 'discord' }, 'event'],
      [{ template: 'x', event: 'order.paid', platform: 'myspace' }, 'platform'],
      [{ event: 'order.paid', platform: 'discord' }, 'template'],
    ] as const) {
      const bad = await h.call('POST', '/api/preview', { body });
      expect(bad.status).toBe(400);
      expect(json(bad).field).toBe(field);
    }
  });

  it('lists deliveries with filters and pages, shows one with its attempts, replays and retries failed', async () => {
    const w = json(await create({ name: 'Log', url: DISCORD, events: ['order.paid', 'ticket.submit'] })).webhook;
    // Dated on the harness's clock (the one every writer of this database uses): nine days ago,
    // so all of them are inside the 14-day chart and the date filters name days of that clock.
    const day = DAY_MS;
    const t0 = startOfUtcDay(h.deps.clock.now()) - 9 * day;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        await h.insertDelivery({
          webhookId: w.id,
          body: { content: `m${i}` },
          createdAt: t0 + i * day,
          attempts: [{ statusCode: 200, outcome: 'ok' }],
        }),
      );
    const failed = await h.insertDelivery({
      webhookId: w.id,
      event: 'ticket.submit',
      status: 'failed',
      body: { content: 'f' },
      createdAt: t0 + 5 * day,
      attempts: [{ statusCode: 502, outcome: 'retry', error: 'Bad Gateway' }],
    });
    const dead = await h.insertDelivery({
      webhookId: w.id,
      status: 'dead',
      body: { content: 'd' },
      createdAt: t0 + 5 * day,
      attempts: [{ statusCode: 400, outcome: 'dead', error: '50035 Invalid Form Body' }],
    });

    const all = json(await h.call('GET', `/api/deliveries?webhook=${w.id}`));
    expect(all.total).toBe(7);
    const byStatus = json(await h.call('GET', `/api/deliveries?webhook=${w.id}&status=failed`));
    expect(byStatus.items.map((d: { id: number }) => d.id)).toEqual([failed]);
    const byEvent = json(await h.call('GET', `/api/deliveries?webhook=${w.id}&event=ticket.submit`));
    expect(byEvent.items.map((d: { id: number }) => d.id)).toEqual([failed]);
    const range = json(await h.call('GET', `/api/deliveries?webhook=${w.id}&from=${utcDate(t0 + day)}&to=${utcDate(t0 + 2 * day)}`));
    expect(range.items.map((d: { id: number }) => d.id).sort()).toEqual([ids[1], ids[2]].sort());
    const page2 = json(await h.call('GET', `/api/deliveries?webhook=${w.id}&perPage=3&page=2`));
    expect(page2).toMatchObject({ total: 7, page: 2, perPage: 3 });
    expect(page2.items).toHaveLength(3);

    for (const [q, field] of [
      ['status=lost', 'status'],
      ['event=order.lost', 'event'],
      ['from=yesterday', 'from'],
      [`from=${utcDate(t0 + 2 * day)}&to=${utcDate(t0 + day)}`, 'to'],
      ['perPage=1000', 'perPage'],
      ['page=0', 'page'],
      ['webhook=x', 'webhook'],
    ]) {
      const bad = await h.call('GET', `/api/deliveries?${q}`);
      expect([q, bad.status, json(bad).field]).toEqual([q, 400, field]);
    }

    const one = json(await h.call('GET', `/api/deliveries/${failed}`)).delivery;
    expect(one).toMatchObject({ id: failed, status: 'failed', body: JSON.stringify({ content: 'f' }) });
    expect(one.attemptsList).toEqual([
      expect.objectContaining({ statusCode: 502, outcome: 'retry', error: 'Bad Gateway', durationMs: 42 }),
    ]);
    expect(one.nextAttemptAt).toEqual(expect.any(Number));

    const woken = h.woken;
    const replay = await h.call('POST', `/api/deliveries/${dead}/replay`);
    expect(replay.status).toBe(202);
    expect(json(await h.call('GET', `/api/deliveries/${dead}`)).delivery.status).toBe('pending');
    expect(h.woken).toBe(woken + 1);

    const retried = json(await h.call('POST', `/api/webhooks/${w.id}/retry-failed`));
    expect(retried.requeued).toBe(1);
    expect(json(await h.call('GET', `/api/deliveries/${failed}`)).delivery.status).toBe('pending');

    const stats = json(await h.call('GET', '/api/stats'));
    expect(stats.days).toBe(14);
    const mine = stats.counts.filter((c: { webhookId: number }) => c.webhookId === w.id);
    expect(mine.reduce((a: number, c: { count: number }) => a + c.count, 0)).toBe(7);

    const audit = json(await h.call('GET', `/api/audit?webhook=${w.id}`));
    expect(audit.items.slice(0, 2).map((e: { action: string }) => e.action)).toEqual(['webhook.retry_failed', 'delivery.replay']);
  });

  it('detects the platform from a URL sent in a POST body', async () => {
    expect(
      json(await h.call('POST', '/api/detect-platform', { body: { url: 'https://hooks.slack.com/services/T1/B2/X3' } })).platform,
    ).toBe('slack');
    expect((await h.call('POST', '/api/detect-platform', { body: {} })).status).toBe(400);
  });
});
