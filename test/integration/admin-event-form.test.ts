/**
 * The webhook form knows every event the module defines: a checkbox with its translated name, its
 * variables with a description in French and in English, a template field for each family, and
 * the preview and save of a billing event (invoice, service, customer) with the events' own
 * default templates. Through the handlers and the real nunjucks views.
 */
import type { EventName } from '../../sdk/events.js';
import { knownEventNames, definitionOf } from '../../module/events/index.js';
import { templateFamilies } from '../../module/webhooks/webhook.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/SECRETtokenABCDEFghijklmnop';
const html = (r: { html?: string }) => r.html ?? '';
type FormData = { variables: Record<string, { name: string; description: string }[]>; families: Record<string, string> };
const formData = (page: string): FormData => {
  const m = /<script type="application\/json" id="wh-form-data">([\s\S]*?)<\/script>/.exec(page);
  if (!m) throw new Error('no form data on the page');
  return JSON.parse(m[1]) as FormData;
};

describe('the webhook form and every event', () => {
  let db: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await migrate(db.knex);
    h = makeHarness(db.knex);
  });
  afterAll(async () => db?.destroy());

  it.each(['fr', 'en'] as const)('lists every event and its variables, each described, in %s', async (locale) => {
    const page = html(await h.call('GET', '/webhooks/new', { locale }));
    const data = formData(page);
    expect(Object.keys(data.variables).sort()).toEqual([...knownEventNames()].sort());
    for (const event of knownEventNames()) {
      expect(page).toContain(`name="events" value="${event}"`);
      const own = definitionOf(event).variables.map((v) => `%${v.name}%`);
      const listed = data.variables[event];
      expect(listed.map((v) => v.name)).toEqual(expect.arrayContaining(own));
      // Every description is a sentence of the locale, never the translation key.
      const untranslated = listed.filter((v) => !v.description || /^rendering\./.test(v.description));
      expect({ event, untranslated }).toEqual({ event, untranslated: [] });
      expect(data.families[event]).toBe(definitionOf(event).family);
    }
    for (const family of templateFamilies) expect(page).toContain(`data-template="${family}"`);
    expect(page).not.toMatch(/settings\.(events|family|form)\.[a-z_.]+/);
  });

  it('describes the variables differently in French and in English', async () => {
    const fr = formData(html(await h.call('GET', '/webhooks/new', { locale: 'fr' })));
    const en = formData(html(await h.call('GET', '/webhooks/new', { locale: 'en' })));
    const event: EventName = 'service.suspended';
    const word = (d: FormData, name: string) => d.variables[event].find((v) => v.name === name)?.description;
    expect(word(fr, '%reason%')).toMatch(/Raison/);
    expect(word(en, '%reason%')).toMatch(/Reason/);
    expect(word(fr, '%productGroup%')).toMatch(/Groupe du produit/);
    expect(word(en, '%productGroup%')).toMatch(/Product group/);
  });

  it('previews a billing event with a blank family template as its own default, in both languages', async () => {
    const fr = await h.call('POST', '/api/preview', {
      api: true,
      locale: 'fr',
      body: { template: '', event: 'invoice.payment_failed', platform: 'slack' },
    });
    expect(fr.status).toBe(200);
    const text = (fr.json as { body: { text: string } }).body.text;
    expect(text).toContain('Échec du paiement de la facture n° FA-2026-03001');
    expect(text).toContain('Carte refusée par la banque');
    expect(text).not.toContain('Remboursé');
    const en = await h.call('POST', '/api/preview', {
      api: true,
      locale: 'en',
      body: { template: '', event: 'service.expiring', platform: 'slack' },
    });
    expect((en.json as { body: { text: string } }).body.text).toContain('Service Minecraft 8 Go #2001 expires in 3 days');
  });

  it('saves a webhook for every event from the form: the shop template is copied, the helpdesk and billing ones left to each event (each ticket action has its own text)', async () => {
    const saved = await h.call('POST', '/webhooks', {
      body: {
        _csrf: 'csrf-test-token',
        name: 'Tout',
        url: DISCORD,
        platform: 'auto',
        events: knownEventNames(),
        templateService: 'Service %name% : %action%',
        mode: 'plain',
        enabled: ['0', '1'],
        filterReplyAuthors: 'both',
        telegramParseMode: 'HTML',
      },
    });
    expect(saved.redirect).toMatch(/done=created/);
    const [w] = (await h.deps.service.page({ page: 1, perPage: 1 })).items;
    expect(w.events).toEqual(knownEventNames());
    expect(Object.keys(w.templates).sort()).toEqual(['order', 'service']);
    expect(w.templates.service).toBe('Service %name% : %action%');
    const edit = html(await h.call('GET', `/webhooks/${w.id}/edit`, { locale: 'fr' }));
    expect(edit).toContain('Service %name% : %action%</textarea>');
  });

  describe('templates per event', () => {
    const api = (method: string, p: string, body?: unknown) => h.call(method, `/api/webhooks${p}`, { body, api: true });
    const json = (r: { json?: unknown }) => r.json as Record<string, any>;

    it('are saved and read back through the API, a blank one dropped, an unknown event refused naming it', async () => {
      const created = await api('POST', '', {
        name: 'Support',
        url: DISCORD,
        events: ['ticket.submit', 'ticket.reply'],
        eventTemplates: { 'ticket.reply': 'Réponse de %author% : %content%', 'ticket.submit': '  ' },
      });
      expect(created.status).toBe(201);
      const id = json(created).webhook.id as number;
      expect(json(created).webhook.eventTemplates).toEqual({ 'ticket.reply': 'Réponse de %author% : %content%' });
      expect(json(await api('GET', `/${id}`)).webhook.eventTemplates).toEqual({ 'ticket.reply': 'Réponse de %author% : %content%' });

      const bad = await api('PATCH', `/${id}`, { eventTemplates: { 'ticket.lost': 'x' } });
      expect(bad.status).toBe(400);
      expect(json(bad)).toMatchObject({ error: 'invalid_input', field: 'eventTemplates.ticket.lost' });
      const control = await api('PATCH', `/${id}`, { eventTemplates: { 'ticket.reply': 'a\u0000b' } });
      expect(json(control)).toMatchObject({ error: 'invalid_input', field: 'eventTemplates.ticket.reply' });

      // A PATCH gives the whole set: what it leaves out is gone.
      const cleared = await api('PATCH', `/${id}`, { eventTemplates: { 'ticket.submit': 'Nouveau : %subject% %nope%' } });
      expect(json(cleared).webhook.eventTemplates).toEqual({ 'ticket.submit': 'Nouveau : %subject% %nope%' });
      expect(json(cleared).warnings).toMatchObject([{ family: 'ticket', event: 'ticket.submit', names: ['nope'] }]);
      // A PATCH without them keeps them.
      const renamed = await api('PATCH', `/${id}`, { name: 'Support 2' });
      expect(json(renamed).webhook.eventTemplates).toEqual({ 'ticket.submit': 'Nouveau : %subject% %nope%' });
    });

    it('are shown on the form for the events the webhook listens to only, and saved from it', async () => {
      const created = await api('POST', '', { name: 'Factures', url: DISCORD, events: ['invoice.paid', 'invoice.payment_failed'] });
      const id = json(created).webhook.id as number;
      const page = html(await h.call('GET', `/webhooks/${id}/edit`, { locale: 'en' }));
      const box = (event: string) =>
        new RegExp(`<div class="wh-field wh-event-template" data-event="${event.replace('.', '\\.')}"( hidden)?>`).exec(page)?.[1];
      expect(box('invoice.paid')).toBeUndefined();
      expect(box('invoice.payment_failed')).toBeUndefined();
      expect(box('ticket.reply')).toBe(' hidden');
      expect(box('order.paid')).toBe(' hidden');
      expect(page).toContain('Messages per event');
      expect(page).toContain('placeholder="Empty: the “Invoices” message is used"');

      const saved = await h.call('POST', `/webhooks/${id}`, {
        locale: 'en',
        body: {
          _csrf: 'csrf-test-token',
          name: 'Factures',
          url: '',
          platform: 'discord',
          events: ['invoice.paid', 'invoice.payment_failed'],
          'eventTemplate:invoice.payment_failed': ':x: %user% : %reason%',
          'eventTemplate:invoice.paid': '',
          mode: 'plain',
          enabled: ['0', '1'],
          filterReplyAuthors: 'both',
          telegramParseMode: 'HTML',
        },
      });
      expect(saved.status).toBe(200);
      const w = await h.deps.service.get(id);
      expect(w!.eventTemplates).toEqual({ 'invoice.payment_failed': ':x: %user% : %reason%' });
      const again = html(await h.call('GET', `/webhooks/${id}/edit`, { locale: 'fr' }));
      expect(again).toContain(':x: %user% : %reason%</textarea>');
      expect(again).toMatch(/id="wh-event-templates" data-testid="event-templates" open>/);
    });
  });

  describe('conditions', () => {
    const api = (method: string, p: string, body?: unknown, locale: 'fr' | 'en' = 'en') =>
      h.call(method, `/api/webhooks${p}`, { body, api: true, locale });
    const json = (r: { json?: unknown }) => r.json as Record<string, any>;

    it('are checked on save against the webhook’s events: a 400 names the position, in the admin’s language', async () => {
      const base = { name: 'Grosses commandes', url: DISCORD, events: ['order.paid'] };
      const syntax = await api('POST', '', { ...base, condition: 'order.total >= 100 &&' });
      expect(syntax.status).toBe(400);
      expect(json(syntax)).toMatchObject({ error: 'invalid_input', field: 'condition' });
      expect(json(syntax).reason).toMatch(/^line 1, column 22: Unexpected token/);
      const typed = await api('POST', '', { ...base, condition: 'order.totl >= 100' }, 'fr');
      expect(json(typed).reason).toBe('ligne 1, colonne 7 (order.paid) : No such key: totl');

      const created = await api('POST', '', { ...base, condition: 'order.total >= 100 && order.paymentGateway == "Stripe"' });
      expect(created.status).toBe(201);
      const id = json(created).webhook.id as number;
      expect(json(created).webhook.condition).toBe('order.total >= 100 && order.paymentGateway == "Stripe"');
      // Adding an event the condition cannot read is refused, naming that event.
      const widened = await api('PATCH', `/${id}`, { events: ['order.paid', 'ticket.submit'] });
      expect(widened.status).toBe(400);
      expect(json(widened).reason).toMatch(/\(ticket\.submit\)/);
      const cleared = await api('PATCH', `/${id}`, { condition: '  ' });
      expect(json(cleared).webhook.condition).toBeNull();
    });

    it('are shown on the form with their error beside the field, and the preview says whether the sample meets one', async () => {
      const page = await h.call('POST', '/webhooks', {
        locale: 'fr',
        body: {
          _csrf: 'csrf-test-token',
          name: 'VPS',
          url: DISCORD,
          platform: 'auto',
          events: ['service.suspended'],
          condition: 'service.product.grup == "VPS"',
          mode: 'plain',
          enabled: ['0', '1'],
          filterReplyAuthors: 'both',
          telegramParseMode: 'HTML',
        },
      });
      expect(page.status).toBe(400);
      expect(html(page)).toMatch(/data-field-error="condition">ligne 1, colonne 17 \(service\.suspended\) : No such key: grup</);
      expect(html(page)).toContain('service.product.grup == &quot;VPS&quot;</textarea>');

      const preview = (condition: string) =>
        h.call('POST', '/api/preview', {
          api: true,
          locale: 'en',
          body: { template: '', event: 'service.suspended', platform: 'discord', condition },
        });
      // The sample service (seq 1) is a Minecraft server.
      expect(json(await preview('service.product.group == "Minecraft"')).condition).toEqual({ ok: true, matches: true });
      expect(json(await preview('service.product.group == "VPS"')).condition).toEqual({ ok: true, matches: false });
      expect(json(await preview('service.product.group ==')).condition).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^line 1, column 25/),
      });
    });
  });
});
