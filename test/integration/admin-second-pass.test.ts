/**
 * Issue 29, the settings API's side, on every database kind: the log found by order or ticket
 * number (`?q=`), a coalesced delivery's real message and the deliveries it carried, the list
 * rows' activity (what a resume sent), URL errors that say how to fix them, and a preview whose
 * sample the admin sets (priority, department, amount, gateway) for role pings and filters.
 */
import { combineBodies } from '../../module/rendering/index.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { makeHarness, migrate, type Harness } from './admin-harness.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/SECRETtokenABCDEFghijklmnop';
const ROLE = '223456789012345678';
const json = (r: { json?: unknown }) => r.json as any;

describe.each(testDatabaseKinds())('admin API, second pass (issue 29) on %s', (kind) => {
  let db: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    h = makeHarness(db.knex);
  });
  afterAll(async () => db?.destroy());

  const create = async (name: string, events = ['order.paid', 'ticket.submit']) =>
    json(await h.call('POST', '/api/webhooks', { body: { name, url: DISCORD, events } })).webhook as { id: number };

  it('GET /api/deliveries?q=1904 returns that order’s (or ticket’s) deliveries only, however the number is typed', async () => {
    const a = await create('Ventes');
    const b = await create('Compta');
    const want = [
      await h.insertDelivery({ webhookId: a.id, event: 'order.paid', body: { content: 'o1904' }, reference: '1904' }),
      await h.insertDelivery({ webhookId: b.id, event: 'order.paid', body: { content: 'o1904b' }, reference: '1904' }),
      await h.insertDelivery({ webhookId: a.id, event: 'ticket.submit', body: { content: 't1904' }, reference: '1904' }),
    ];
    // Near numbers and rows without a number never match.
    await h.insertDelivery({ webhookId: a.id, event: 'order.paid', body: { content: 'o19040' }, reference: '19040' });
    await h.insertDelivery({ webhookId: a.id, event: 'order.paid', body: { content: 'o190' }, reference: '190' });
    await h.insertDelivery({ webhookId: a.id, event: 'order.paid', body: { content: 'o1905' }, reference: '1905' });
    await h.insertDelivery({ webhookId: a.id, event: 'order.paid', body: { content: 'none' } });

    const ids = (r: any) => r.items.map((d: { id: number }) => d.id).sort((x: number, y: number) => x - y);
    for (const q of ['1904', '%231904', 'n%C2%B0%201904', 'No.%201904', '%20%201904%20'])
      expect([q, ids(json(await h.call('GET', `/api/deliveries?q=${q}`)))]).toEqual([q, want]);
    const r = json(await h.call('GET', '/api/deliveries?q=1904'));
    expect(r.total).toBe(3);
    expect(r.items.every((d: { reference: string }) => d.reference === '1904')).toBe(true);
    // With the other filters: one webhook's, one event's.
    expect(ids(json(await h.call('GET', `/api/deliveries?q=1904&webhook=${b.id}`)))).toEqual([want[1]]);
    expect(ids(json(await h.call('GET', '/api/deliveries?q=1904&event=ticket.submit')))).toEqual([want[2]]);
    expect(json(await h.call('GET', '/api/deliveries?q=424242')).total).toBe(0);
    for (const q of ['%23', 'x'.repeat(65)]) {
      const bad = await h.call('GET', `/api/deliveries?q=${q}`);
      expect([bad.status, json(bad).field]).toEqual([400, 'q']);
    }
  });

  it('shows a coalesced delivery’s real message and the deliveries it carried', async () => {
    const w = await create('Paquets');
    const bodies = [1, 2, 3].map((n) => ({ content: `Commande ${n}`, allowed_mentions: { parse: [] } }));
    const ids: number[] = [];
    for (const body of bodies) ids.push(await h.insertDelivery({ webhookId: w.id, status: 'delivered', body, batchId: 'b_test01' }));
    const alone = await h.insertDelivery({ webhookId: w.id, status: 'delivered', body: { content: 'seule' } });
    const [sent] = combineBodies('discord', bodies);
    expect(sent.count).toBe(3);
    for (const id of ids) {
      const d = json(await h.call('GET', `/api/deliveries/${id}`)).delivery;
      expect(d.batch.ids).toEqual(ids);
      expect(JSON.parse(d.batch.body)).toEqual(sent.body);
      // Its own body stays what it rendered (one order).
      expect(JSON.parse(d.body)).toEqual(bodies[ids.indexOf(id)]);
    }
    expect(json(await h.call('GET', `/api/deliveries/${alone}`)).delivery.batch).toBeNull();
  });

  it('GET /api/webhooks/activity: each row’s last delivery and count, and what was sent since a resume, in words', async () => {
    const w = await create('Reprise');
    const quiet = await create('Calme');
    const since = h.deps.clock.now() - 1000;
    for (const body of [{ content: 'a' }, { content: 'b' }, { content: 'c' }])
      await h.insertDelivery({ webhookId: w.id, status: 'delivered', body, batchId: 'b_resume1' });
    await h.insertDelivery({ webhookId: w.id, status: 'delivered', body: { content: 'd' } });
    // Delivered before the resume: not counted as sent by it.
    await h.insertDelivery({ webhookId: w.id, status: 'delivered', body: { content: 'old' }, createdAt: since - 60_000 });
    const r = json(await h.call('GET', `/api/webhooks/activity?ids=${w.id},${quiet.id}&since=${since}`));
    expect(r.now).toBe(h.deps.clock.now());
    const [row, calm] = r.items;
    expect(row).toMatchObject({ id: w.id, state: 'active', waiting: 0, caption: '5 envois en 14 jours' });
    expect(row.last).toMatchObject({ status: 'delivered', statusText: expect.any(String) });
    expect(row.sent).toEqual({ deliveries: 4, requests: 2, text: '4 envois partis en 2 messages.' });
    expect(calm).toMatchObject({ id: quiet.id, last: null, caption: '0 envoi en 14 jours', sent: { deliveries: 0, requests: 0 } });
    const en = json(await h.call('GET', `/api/webhooks/activity?ids=${w.id}&since=${since}`, { locale: 'en' }));
    expect(en.items[0].sent.text).toBe('4 deliveries sent in 2 messages.');
    // Without `since`, no "sent" is computed.
    expect(json(await h.call('GET', `/api/webhooks/activity?ids=${w.id}`)).items[0].sent).toBeUndefined();
    for (const [q, field] of [
      ['ids=', 'ids'],
      ['ids=1,x', 'ids'],
      [`ids=${w.id}&since=yesterday`, 'since'],
    ]) {
      const bad = await h.call('GET', `/api/webhooks/activity?${q}`);
      expect([q, bad.status, json(bad).field]).toEqual([q, 400, field]);
    }
  });

  it.each([
    [
      'discord.com/api/webhooks/123456789012345678/abc',
      'il manque https:// au début : ajoutez https:// devant l’adresse (par exemple https://discord.com/api/webhooks/…)',
      'https:// is missing at the start: add https:// in front of the address (for example https://discord.com/api/webhooks/…)',
    ],
    [
      'https://discord.com/channels/123456789012345678/223456789012345678',
      'ce n’est pas une URL de webhook Discord : elle doit avoir la forme https://discord.com/api/webhooks/<id>/<token> (copiez-la depuis les réglages du webhook, pas depuis la barre d’adresse)',
      'not a Discord webhook URL: it must look like https://discord.com/api/webhooks/<id>/<token> (copy it from the webhook’s settings, not from the address bar)',
    ],
    [
      'https://hooks.slack.com/services/T0 /B0/xyz',
      'l’URL contient une espace ou un retour à la ligne : recopiez-la d’un seul tenant, sans espace',
      'the URL holds a space or a line break: copy it again in one piece, without spaces',
    ],
  ])('says what is wrong with %s and how to fix it, on the url field, in French and English', async (url, fr, en) => {
    const body = { name: 'x', url, events: ['order.paid'] };
    const a = await h.call('POST', '/api/webhooks', { body });
    const b = await h.call('POST', '/api/webhooks', { body, locale: 'en' });
    expect([a.status, json(a).field, json(a).reason]).toEqual([400, 'url', fr]);
    expect([b.status, json(b).field, json(b).reason]).toEqual([400, 'url', en]);
    // The form's instant check runs the same rule and words.
    const v = json(await h.call('POST', '/api/validate', { body: { form: { name: 'x', url, events: 'order.paid', platform: 'auto' } } }));
    expect(v.errors).toEqual(expect.arrayContaining([{ field: 'url', message: fr }]));
  });

  it('previews the sample the admin sets: a priority-based role ping, the filters and the condition follow it', async () => {
    const preview = (extra: Record<string, unknown>) =>
      h.call('POST', '/api/preview', {
        body: {
          template: 'Ticket %id% %priority% %departmentName%',
          event: 'ticket.submit',
          platform: 'discord',
          options: { rolePing: { roleIds: [ROLE], priorities: ['urgent'] } },
          ...extra,
        },
      });
    const plain = json(await preview({}));
    expect(plain.body.allowed_mentions).toEqual({ parse: [] });
    const urgent = json(await preview({ sample: { priority: 'urgent', department: 'Commercial' } }));
    expect(urgent.body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(urgent.body.content).toBe(`<@&${ROLE}>\nTicket 501 Urgente Commercial`);
    // Filters being written: they keep an urgent Commercial ticket out unless they name it.
    expect(json(await preview({ sample: { priority: 'urgent' }, filters: { priorities: ['low'] } })).filtersPass).toBe(false);
    expect(json(await preview({ sample: { priority: 'low' }, filters: { priorities: ['low'] } })).filtersPass).toBe(true);
    expect(json(await preview({ sample: { department: 'Commercial' }, filters: { departments: ['commercial'] } })).filtersPass).toBe(true);
    // An order's amount and gateway: the condition and the filters see them.
    const order = (sample: Record<string, unknown>) =>
      h.call('POST', '/api/preview', {
        body: {
          template: '%id% %price% %paymentType%',
          event: 'order.paid',
          platform: 'discord',
          condition: 'order.total >= 100 && order.paymentGateway == "Stripe"',
          filters: { minOrderTotal: 50, paymentGateways: ['Stripe'] },
          sample,
        },
      });
    const big = json(await order({ amount: 150, gateway: 'Stripe' }));
    expect(big.condition).toEqual({ ok: true, matches: true });
    expect(big.filtersPass).toBe(true);
    expect(big.body.content).toContain('Stripe');
    const small = json(await order({ amount: 20, gateway: 'PayPal' }));
    expect(small.condition).toEqual({ ok: true, matches: false });
    expect(small.filtersPass).toBe(false);
    for (const [sample, field] of [
      [{ priority: 'critical' }, 'sample.priority'],
      [{ amount: -1 }, 'sample.amount'],
      [{ colour: 'red' }, 'sample'],
    ] as const) {
      const bad = await h.call('POST', '/api/preview', { body: { template: 'x', event: 'ticket.submit', platform: 'discord', sample } });
      expect([bad.status, json(bad).field]).toEqual([400, field]);
    }
  });
});
