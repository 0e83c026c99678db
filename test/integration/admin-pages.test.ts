/** The settings pages through their handlers and the real nunjucks views: flows, escaping, both languages. */
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/SECRETtokenABCDEFghijklmnop';
const HOSTILE = '<img src=x onerror=alert(1)>';
const html = (r: { html?: string }) => r.html ?? '';

describe('admin pages', () => {
  let db: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await migrate(db.knex);
    h = makeHarness(db.knex);
  });
  afterAll(async () => db?.destroy());

  const form = (over: Record<string, unknown> = {}) => ({
    _csrf: 'csrf-test-token',
    name: 'Boutique',
    url: DISCORD,
    platform: 'auto',
    events: 'order.paid',
    templateOrder: ':pushpin: Commande %id%',
    templateTicket: '',
    mode: 'plain',
    color: '#5865f2',
    coalesce: 'on',
    enabled: ['0', '1'],
    filterReplyAuthors: 'both',
    telegramParseMode: 'HTML',
    ...over,
  });

  it('shows an empty list with both flows offered, in French and in English', async () => {
    const fr = html(await h.call('GET', '/'));
    expect(fr).toContain('Nouveau webhook de commande');
    expect(fr).toContain('Nouveau webhook de support');
    expect(fr).toContain('Journal des envois');
    const en = html(await h.call('GET', '/', { locale: 'en' }));
    expect(en).toContain('New order webhook');
    expect(en).toContain('Delivery log');
    expect(en).not.toMatch(/settings\.[a-z_]+\.[a-z_]/);
    expect(fr).not.toMatch(/settings\.[a-z_]+\.[a-z_]/);
  });

  it('creates a webhook from the form and lists it masked with its state', async () => {
    const created = await h.call('POST', '/webhooks', { body: form() });
    expect(created).toMatchObject({ redirect: '/admin/modules/webhooks/?done=created' });
    const list = html(await h.call('GET', '/?done=created'));
    expect(list).toContain('Webhook créé.');
    expect(list).toContain('https://discord.com/api/webhooks/••••/••••');
    expect(list).toContain('Boutique');
    expect(list).toContain('wh-state-active');
    expect(list).toContain('name="_csrf" value="csrf-test-token"');
    expect(list).not.toContain('SECRETtoken');
    const [w] = (await h.deps.service.page({ page: 1, perPage: 1 })).items;
    expect(w.options.color).toBe(0x5865f2);
    expect(w.platform).toBe('discord');
  });

  it('re-renders the form with the field error and without echoing the URL', async () => {
    const r = await h.call('POST', '/webhooks', {
      body: form({ url: 'ftp://discord.com/api/webhooks/1/SECRETtokenABCDEFghijklmnop', name: 'Bad' }),
    });
    expect(r.status).toBe(400);
    expect(html(r)).toContain('data-field-error="url"');
    expect(html(r)).toContain('seules les adresses http:// ou https:// sont acceptées');
    expect(html(r)).toContain('value="Bad"');
    expect(html(r)).not.toContain('SECRETtoken');
  });

  it('says next to each option when the chosen platform ignores it, and names the refused thread pair', async () => {
    const slack = await h.call('POST', '/webhooks', {
      body: form({ name: 'Slack', url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX', platform: 'slack' }),
    });
    expect(slack).toMatchObject({ redirect: '/admin/modules/webhooks/?done=created' });
    const [w] = (await h.deps.service.page({ page: 1, perPage: 50 })).items.filter((x) => x.name === 'Slack');
    const page = html(await h.call('GET', `/webhooks/${w.id}/edit`));
    const note = (field: string) => new RegExp(`data-testid="option-note-${field}">([^<]*)<`).exec(page)?.[1];
    expect(note('threadId')).toBe('Sans effet sur Slack (utilisé par\u202f: Discord).');
    expect(note('telegramParseMode')).toBe('Sans effet sur Slack (utilisé par\u202f: Telegram).');
    expect(note('username')).toContain('ignoré par les webhooks d’une application Slack');
    expect(note('slackBlocks')).toBe('');
    // The script gets every platform's notes, so the page follows a change of platform.
    expect(page).toContain('"optionNotes":{"discord":');
    const en = html(await h.call('GET', `/webhooks/${w.id}/edit`, { locale: 'en' }));
    expect(en).toContain('No effect on Slack (used by: Discord).');

    const both = await h.call('POST', '/webhooks', {
      body: form({ name: 'Forum', threadId: '123456789012345678', threadName: 'Ticket %id%' }),
    });
    expect(both.status).toBe(400);
    expect(html(both)).toContain('data-field-error="threadName"');
    expect(html(both)).toContain('Discord refuse un nom de nouveau fil avec un identifiant de fil');
  });

  it('edits: keeps the URL when left empty, shows saved; toggles; deletes', async () => {
    const [w] = (await h.deps.service.page({ page: 1, perPage: 1 })).items;
    const edit = html(await h.call('GET', `/webhooks/${w.id}/edit`));
    expect(edit).toContain('URL actuelle\u202f: https://discord.com/api/webhooks/••••/••••');
    expect(edit).toContain('value="Boutique"');
    expect(edit).not.toContain('SECRETtoken');
    const saved = await h.call('POST', `/webhooks/${w.id}`, { body: form({ url: '', name: 'Boutique FR' }) });
    expect(saved).toMatchObject({ redirect: `/admin/modules/webhooks/webhooks/${w.id}/edit?saved=1` });
    const after = (await h.deps.service.get(w.id))!;
    expect(after.name).toBe('Boutique FR');
    expect(after.url).toBe(DISCORD);

    expect(await h.call('POST', `/webhooks/${w.id}/toggle`, { body: { enabled: '0' } })).toMatchObject({
      redirect: `/admin/modules/webhooks/?done=paused#webhook-${w.id}`,
    });
    expect((await h.deps.service.get(w.id))!.enabled).toBe(false);
    expect(html(await h.call('GET', '/'))).toContain('wh-state-paused');
    await h.call('POST', `/webhooks/${w.id}/toggle`, { body: { enabled: '1' } });
    expect((await h.deps.service.get(w.id))!.enabled).toBe(true);

    const tested = html(await h.call('POST', `/webhooks/${w.id}/test`, { body: { event: 'order.paid' } }));
    expect(tested).toContain('Discord a bien reçu le message (200).');

    const audit = html(await h.call('GET', '/audit'));
    for (const action of ['Création', 'Modification', 'Mise en pause', 'Activation', 'Test envoyé']) expect(audit).toContain(action);
    expect(audit).toContain('alice');

    expect(await h.call('POST', `/webhooks/${w.id}/delete`)).toMatchObject({ redirect: '/admin/modules/webhooks/?done=deleted' });
    expect(await h.deps.service.get(w.id)).toBeNull();
    expect((await h.call('GET', `/webhooks/${w.id}/edit`)).status).toBe(404);
  });

  it('a paused webhook says how many deliveries wait; resume sends them or, by choice, discards them', async () => {
    const r = await h.deps.service.create('alice', { name: 'En pause', url: DISCORD, events: ['order.paid'] }, 'fr');
    if (!r.ok) throw new Error('create failed');
    const id = r.webhook.id;
    await h.deps.service.setEnabled('alice', id, false);
    for (let i = 0; i < 3; i++) await h.insertDelivery({ webhookId: id, status: 'pending', body: { content: `n°${i}` } });
    const row = (page: string) => page.slice(page.indexOf(`id="webhook-${id}"`), page.indexOf('</tr>', page.indexOf(`id="webhook-${id}"`)));
    const fr = row(html(await h.call('GET', '/?state=paused')));
    expect(fr).toContain('3 envois en attente de la reprise');
    expect(fr).toContain('data-testid="resume-send"');
    expect(fr).toContain('data-testid="resume-discard"');
    expect(row(html(await h.call('GET', '/?state=paused', { locale: 'en' })))).toContain('3 deliveries waiting for the resume');

    const woken = h.woken;
    const resumed = await h.call('POST', `/webhooks/${id}/toggle`, { body: { enabled: '1', discard: '1', back: '?state=paused' } });
    expect(resumed).toMatchObject({ redirect: `/admin/modules/webhooks/?state=paused&done=resumed_discarded#webhook-${id}` });
    expect(h.woken).toBe(woken + 1);
    expect((await h.deps.service.get(id))!.enabled).toBe(true);
    expect(await h.deps.deliveries.waitingPerWebhook([id])).toEqual(new Map());
    const dead = await db.knex('wh_deliveries').where({ webhook_id: id, status: 'dead' }).count({ n: '*' });
    expect(Number(dead[0].n)).toBe(3);
    expect(html(await h.call('GET', '/audit'))).toContain('3 envois en attente abandonnés');
    // The log's rows name their order (rows from before migration 007 have no number: nothing shown).
    await db.knex('wh_deliveries').where({ webhook_id: id }).update({ reference: '4242' });
    expect(html(await h.call('GET', `/deliveries?webhook=${id}`))).toContain('Commande n°\u00a04242');
    expect(html(await h.call('GET', `/deliveries?webhook=${id}`, { locale: 'en' }))).toContain('Order #4242');
  });

  it('filters the list by platform, event and state', async () => {
    const slack = await h.deps.service.create(
      'alice',
      { name: 'Filtre Slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX', events: ['ticket.submit'] },
      'fr',
    );
    if (!slack.ok) throw new Error('create failed');
    const names = (page: string) =>
      [...page.matchAll(/<span class="wh-platform[^>]*>[^<]*<\/span> <span>([^<]*)<\/span>/g)].map((m) => m[1]);
    const slackOnly = names(html(await h.call('GET', '/?platform=slack')));
    expect(slackOnly).toContain('Filtre Slack');
    expect(slackOnly).not.toContain('En pause'); // a Discord webhook
    expect(names(html(await h.call('GET', '/?platform=slack&event=order.paid')))).not.toContain('Filtre Slack');
    expect(names(html(await h.call('GET', '/?event=ticket.submit&state=active')))).toContain('Filtre Slack');
    expect(names(html(await h.call('GET', '/?state=paused')))).not.toContain('Filtre Slack');
    // An unknown value is ignored on the page, named on the API.
    expect(names(html(await h.call('GET', '/?platform=icq')))).toContain('Filtre Slack');
    expect(html(await h.call('GET', '/?platform=slack'))).toContain(`${slackOnly.length} webhooks correspondent aux filtres`);
    expect((await h.call('GET', '/api/webhooks?platform=icq')).status).toBe(400);
    expect(((await h.call('GET', '/api/webhooks?platform=slack')).json as { total: number }).total).toBe(slackOnly.length);
  });

  it('shows a notice for a webhook disabled by failures, with the reason', async () => {
    const r = await h.deps.service.create('alice', { name: 'Gone', url: DISCORD, events: ['order.paid'] }, 'fr');
    if (!r.ok) throw new Error('create failed');
    await db
      .knex('wh_webhooks')
      .where({ id: r.webhook.id })
      .update({ enabled: false, disabled_reason: 'Discord: 404 Unknown Webhook', disabled_at: h.deps.clock.now() });
    const page = html(await h.call('GET', '/'));
    expect(page).toContain('data-testid="disabled-notice"');
    expect(page).toContain('1 webhook a été désactivé après des échecs\u202f:');
    expect(page).toContain('<strong>Gone</strong>');
    expect(page).toContain('data-testid="reenable"');
    expect(page).toContain('Discord: 404 Unknown Webhook');
    expect(page).toContain('wh-state-disabled');
  });

  it('renders hostile ticket text as text in the log, the list and the audit (XSS)', async () => {
    const r = await h.deps.service.create('<b>mallory</b>', { name: HOSTILE, url: DISCORD, events: ['ticket.submit'] }, 'fr');
    if (!r.ok) throw new Error('create failed');
    const id = await h.insertDelivery({
      webhookId: r.webhook.id,
      event: 'ticket.submit',
      status: 'dead',
      body: { content: `Sujet : ${HOSTILE}\n<script>alert(2)</script>`, embeds: [{ title: HOSTILE }] },
      attempts: [{ statusCode: 400, outcome: 'dead', error: `bad ${HOSTILE}` }],
    });
    const pages = [
      html(await h.call('GET', '/deliveries')),
      html(await h.call('GET', `/deliveries?webhook=${r.webhook.id}&status=dead`)),
      html(await h.call('GET', '/')),
      html(await h.call('GET', '/audit')),
    ];
    for (const page of pages) {
      expect(page).not.toContain('<img src=x');
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<b>mallory');
    }
    expect(pages[0]).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(pages[0]).toContain(`data-delivery-id="${id}"`);
    expect(pages[3]).toContain('&lt;b&gt;mallory&lt;/b&gt;');
  });

  it('resends one delivery and retries all failed of a webhook from the log', async () => {
    const r = await h.deps.service.create('alice', { name: 'Retry', url: DISCORD, events: ['order.paid'] }, 'fr');
    if (!r.ok) throw new Error('create failed');
    const a = await h.insertDelivery({ webhookId: r.webhook.id, status: 'dead', body: { content: 'a' } });
    const b = await h.insertDelivery({ webhookId: r.webhook.id, status: 'failed', body: { content: 'b' } });
    expect(await h.call('POST', `/deliveries/${a}/replay`)).toMatchObject({ redirect: `/admin/modules/webhooks/deliveries?replayed=${a}` });
    expect(html(await h.call('GET', `/deliveries?replayed=${a}`))).toContain(`Envoi #${a} remis en file.`);
    // Without script, Resend posts the log's filters and comes back to them (issue 29); only the
    // log's own filters are kept.
    await db.knex('wh_deliveries').where({ id: a }).update({ reference: '1904' });
    const filtered = html(await h.call('GET', `/deliveries?q=1904&status=pending`));
    expect(filtered).toContain('<input type="hidden" name="q" value="1904">');
    expect(filtered).toContain('<input type="hidden" name="status" value="pending">');
    expect(
      await h.call('POST', `/deliveries/${a}/replay`, { body: { _csrf: 'csrf-test-token', q: '1904', status: 'pending', evil: 'x' } }),
    ).toMatchObject({
      redirect: `/admin/modules/webhooks/deliveries?q=1904&status=pending&replayed=${a}`,
    });
    expect(await h.call('POST', `/webhooks/${r.webhook.id}/retry-failed`)).toMatchObject({
      redirect: `/admin/modules/webhooks/deliveries?webhook=${r.webhook.id}&requeued=1`,
    });
    const statuses = await db.knex('wh_deliveries').whereIn('id', [a, b]).pluck('status');
    expect(statuses).toEqual(['pending', 'pending']);
    const log = html(await h.call('GET', `/deliveries?webhook=${r.webhook.id}`, { locale: 'en' }));
    expect(log).toContain('Retry all failed for “Retry”');
    expect((await h.call('POST', '/deliveries/999999/replay')).status).toBe(404);
  });

  it("says a paused webhook's queued delivery waits for it, instead of a retry time", async () => {
    const r = await h.deps.service.create('alice', { name: 'Paused', url: DISCORD, events: ['order.paid'] }, 'fr');
    if (!r.ok) throw new Error('create failed');
    await h.insertDelivery({ webhookId: r.webhook.id, status: 'pending', body: { content: 'p' } });
    const before = html(await h.call('GET', `/deliveries?webhook=${r.webhook.id}`));
    expect(before).toContain('Prochain essai\u202f:');
    await h.deps.service.setEnabled('alice', r.webhook.id, false);
    const after = html(await h.call('GET', `/deliveries?webhook=${r.webhook.id}`));
    expect(after).toContain('En attente\u202f: le webhook est en pause ou désactivé');
    expect(after).not.toContain('Prochain essai\u202f:');
  });

  it('answers 400 with the reason for a bad log filter', async () => {
    const r = await h.call('GET', '/deliveries?status=lost&from=2026-13-45');
    expect(r.status).toBe(400);
    expect(html(r)).toContain('status: valeur non proposée');
  });

  it('draws the 14-day chart from the deliveries', async () => {
    const r = await h.deps.service.create('alice', { name: 'Chart', url: DISCORD, events: ['order.paid'] }, 'fr');
    if (!r.ok) throw new Error('create failed');
    for (let i = 0; i < 3; i++) await h.insertDelivery({ webhookId: r.webhook.id, status: 'delivered', body: { content: 'x' } });
    await h.insertDelivery({ webhookId: r.webhook.id, status: 'dead', body: { content: 'x' } });
    const page = html(await h.call('GET', '/'));
    const row = page.slice(page.indexOf(`data-webhook-id="${r.webhook.id}"`));
    expect(row).toContain('4 envois en 14 jours');
    expect(row).toContain('wh-bar wh-bar-delivered');
    expect(row).toContain('wh-bar wh-bar-dead');
  });
});
