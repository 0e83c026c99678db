/**
 * The webhook store under key rotation, on every database: rows no key opens come back marked
 * unreadable instead of throwing (get, page, listeningTo); the start sweep counts current,
 * re-sealed and unreadable rows and re-seals URL and signing secret with the current key; a save
 * made between a read and its re-seal wins (compare-and-set); the start check's warning names
 * webhooks by id and name and never holds a URL.
 */
import type { Logger } from '../../sdk/module-context.js';
import { createSecrets } from '../../host/security/secrets.js';
import { checkWebhookSeals } from '../../module/webhooks/seal-check.js';
import { WebhookStore } from '../../module/webhooks/webhook-store.js';
import { TestClock } from '../support/clock.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { migrate } from './admin-harness.js';

const OLD = 'seals-old-key-'.padEnd(40, 'o');
const NEW = 'seals-new-key-'.padEnd(40, 'n');
const url = (n: number) => `https://discord.com/api/webhooks/12345678901234567${n}/TokenPartNumber${n}abcdef`;

function recordingLogger(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe.each(testDatabaseKinds())('webhook seals on %s', (kind) => {
  let db: TestDatabase;
  const clock = new TestClock();
  const storeWith = (key: string, previous: string[] = []) => new WebhookStore(db.knex, createSecrets(key, previous), clock.now);
  const sealed = async (id: number) =>
    (await db.knex('wh_webhooks').where({ id }).first()) as { url_sealed: string; options: string; updated_at: number | string };

  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
  });
  afterEach(async () => db?.destroy());

  async function makeUnder(key: string, n: number, signingSecret: string | null = null): Promise<number> {
    const w = await storeWith(key).create({
      name: `Hook ${n}`,
      url: url(n),
      platform: signingSecret ? 'json' : 'discord',
      events: ['order.paid'],
      templates: {},
      signingSecret,
    });
    return w.id;
  }

  it("listeningTo (run for every event) decrypts nothing; a webhook's URL is opened when read, once", async () => {
    const plain = createSecrets(NEW);
    let opened = 0;
    const counting = {
      encrypt: (v: string) => plain.encrypt(v),
      decrypt: (v: string) => (opened++, plain.decrypt(v)),
      whichKey: (v: string) => (opened++, plain.whichKey!(v)),
    };
    const store = new WebhookStore(db.knex, counting, clock.now);
    const ids: number[] = [];
    for (let n = 0; n < 12; n++)
      ids.push(
        (
          await store.create({
            name: `Hook ${n}`,
            url: url(n),
            platform: n % 2 ? 'json' : 'discord',
            // Every third listens to tickets only: picked out by the database, not read.
            events: n % 3 === 0 ? ['ticket.submit'] : ['order.paid', 'ticket.close'],
            templates: {},
            signingSecret: n % 2 ? `whsec_secret${n}`.padEnd(40, 'A') : null,
          })
        ).id,
      );
    opened = 0;
    const listening = await store.listeningTo('order.paid');
    expect(listening.map((w) => w.id)).toEqual(ids.filter((_, n) => n % 3 !== 0));
    expect(listening.map((w) => [w.platform, w.events, w.enabled])[0]).toEqual(['json', ['order.paid', 'ticket.close'], true]);
    expect(opened).toBe(0);
    // Read: the URL and the secret open once for the three sealed fields.
    const one = listening[0];
    expect([one.url, one.signingSecret?.startsWith('whsec_secret1'), one.unreadable]).toEqual([url(1), true, []]);
    expect(opened).toBe(2);
    void one.url;
    expect(opened).toBe(2);
  });

  it('reads a row no key opens as unreadable, in get, page and listeningTo, and writes nothing', async () => {
    const a = await makeUnder(OLD, 1, 'whsec_oldsecretAAAAAAAAAAAAAAAAAAAA');
    const before = await sealed(a);
    const store = storeWith(NEW);
    const w = (await store.get(a))!;
    expect([w.unreadable, w.url, w.signingSecret, w.name]).toEqual([['url', 'signingSecret'], '', null, 'Hook 1']);
    expect((await store.page({ page: 1, perPage: 10 })).items.map((i) => i.unreadable)).toEqual([['url', 'signingSecret']]);
    expect((await store.listeningTo('order.paid')).map((i) => [i.id, i.unreadable])).toEqual([[a, ['url', 'signingSecret']]]);
    expect(await sealed(a)).toEqual(before);
  });

  it('sweeps: counts each kind of row, re-seals URL and secret under the current key, and a later read needs no previous key', async () => {
    const current = await makeUnder(NEW, 1);
    const old = await makeUnder(OLD, 2, 'whsec_oldsecretBBBBBBBBBBBBBBBBBBBB');
    const lost = await makeUnder('a-key-nobody-has'.padEnd(40, 'z'), 3);
    const oldBefore = await sealed(old);
    const currentBefore = await sealed(current);
    const report = await storeWith(NEW, [OLD]).sweepSeals(2);
    expect(report).toEqual({ total: 3, current: 1, resealed: 1, unreadable: [{ id: lost, name: 'Hook 3' }] });
    const after = await sealed(old);
    expect(after.url_sealed).not.toBe(oldBefore.url_sealed);
    expect(Number(after.updated_at)).toBe(Number(oldBefore.updated_at));
    const secrets = createSecrets(NEW);
    expect(secrets.decrypt(after.url_sealed)).toBe(url(2));
    expect(secrets.decrypt((JSON.parse(after.options) as { signingSecretSealed: string }).signingSecretSealed)).toBe(
      'whsec_oldsecretBBBBBBBBBBBBBBBBBBBB',
    );
    const w = (await storeWith(NEW).get(old))!;
    expect([w.unreadable, w.url, w.signingSecret]).toEqual([[], url(2), 'whsec_oldsecretBBBBBBBBBBBBBBBBBBBB']);
    expect((await storeWith(NEW, [OLD]).sweepSeals()).resealed).toBe(0);
    // A row already under the current key is left as it is.
    expect(await sealed(current)).toEqual(currentBefore);
  });

  it('re-seals on get, and a save made between the read and the re-seal wins', async () => {
    const id = await makeUnder(OLD, 4);
    const staleRow = await db.knex('wh_webhooks').where({ id }).first();
    // An admin types a new URL meanwhile (sealed with the new key).
    await storeWith(NEW).update(id, { url: url(5) });
    const rotated = storeWith(NEW, [OLD]);
    const fresh = await (rotated as unknown as { reseal(row: unknown): Promise<{ url_sealed: string }> }).reseal(staleRow);
    expect(createSecrets(NEW).decrypt(fresh.url_sealed)).toBe(url(5));
    expect(createSecrets(NEW).decrypt((await sealed(id)).url_sealed)).toBe(url(5));

    const other = await makeUnder(OLD, 6);
    expect((await rotated.get(other))!.url).toBe(url(6));
    expect(createSecrets(NEW).whichKey!((await sealed(other)).url_sealed)).toBe('current');
  });

  it('warns at start when no webhook opens with the current key, by id and name, never by URL', async () => {
    const ids = [await makeUnder(OLD, 7), await makeUnder(OLD, 8)];
    const log = recordingLogger();
    const report = await checkWebhookSeals(storeWith(NEW), log);
    expect(report?.unreadable.map((u) => u.id)).toEqual(ids);
    const warns = log.lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0].msg).toMatch(/^webhooks: none of the 2 webhook\(s\) can be read with the current APP_KEY: was APP_KEY changed\?/);
    expect(warns[0].msg).toContain(`#${ids[0]} "Hook 7", #${ids[1]} "Hook 8"`);
    expect(JSON.stringify(log.lines)).not.toMatch(/TokenPartNumber|discord\.com/);

    // Some readable, some not: the warning names the unreadable ones; with the old key, an info line.
    await makeUnder(NEW, 9);
    const mixed = recordingLogger();
    await checkWebhookSeals(storeWith(NEW), mixed);
    expect(mixed.lines.map((l) => l.level)).toEqual(['warn']);
    expect(mixed.lines[0].msg).toContain(
      `webhooks: 2 of 3 webhook(s) cannot be read (was APP_KEY changed?): #${ids[0]} "Hook 7", #${ids[1]} "Hook 8".`,
    );
    const rotated = recordingLogger();
    await checkWebhookSeals(storeWith(NEW, [OLD]), rotated);
    expect(rotated.lines.map((l) => [l.level, l.fields])).toEqual([['info', { resealed: 2 }]]);
    const quiet = recordingLogger();
    await checkWebhookSeals(storeWith(NEW), quiet);
    expect(quiet.lines).toEqual([]);
  });
});
