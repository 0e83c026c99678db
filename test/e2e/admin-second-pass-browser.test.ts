/**
 * Issue 29, the settings pages' half, in a real Chromium against the reference host and its local
 * inbox, in French and English, at 1366 and 390 px; each item is one test and leaves screenshots
 * under docs/screenshots/issue29-after-*.png (the "before" ones come from main, same names):
 *  1. a ticket's thread reads as a conversation (reply with its author and words, close with who
 *     closed it) and the role ping goes on the opening post only;
 *  2. the URL field can be shown, and its errors say what is wrong and how to fix it;
 *  3. the log finds an order by its number, Resend keeps the filters and shows the outcome, a
 *     coalesced delivery shows the message sent and its members, a resume says what it sent;
 *  4. on a phone: the navigation folds, the tabs show whole, the preview docks beside the template;
 *  5. the preview's sample takes a priority, department, amount and gateway (role ping, filters);
 *  6. re-enable names the unchanged URL and offers to edit it, identical notifications are
 *     grouped, list rows update without a reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { startInbox, type RunningInbox } from '../../host/inbox/start-inbox.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import { repoRoot, startTestHost } from '../fixtures/host-kit.js';
import { launchBrowser } from '../support/browser.js';

const shots = path.join(repoRoot, 'docs', 'screenshots');
const T = 240_000;
const ROLE = '1300000000000000777';
const say = {
  fr: JSON.parse(fs.readFileSync(path.join(repoRoot, 'lang', 'fr.json'), 'utf8')) as Record<string, string>,
  en: JSON.parse(fs.readFileSync(path.join(repoRoot, 'lang', 'en.json'), 'utf8')) as Record<string, string>,
};

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  limitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe.each(['fr', 'en'] as const)('the admin’s second pass, settings pages (issue 29) in %s', (locale) => {
  const words = say[locale];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let host: Host;
  let inbox: RunningInbox;
  let varDir: string;
  let base: string;
  let fired = 0;
  const dialogs: string[] = [];
  const auth = () => ({ authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json', 'accept-language': locale });
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${base}/api${p}`, { method, headers: auth(), body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as any };
  };
  const createWebhook = async (body: Record<string, unknown>) => {
    const r = await api('POST', '/webhooks', body);
    expect(r.status).toBe(201);
    return r.json.webhook as { id: number; urlHint: string };
  };
  const emit = async (event: 'order.paid', mutate: (p: any) => void) => {
    const p = sampleEvent(event, { seq: 40 + ++fired }) as any;
    mutate(p);
    await host.bus.emitAsync(event, { ...p, eventId: `e2e-29-${locale}-${fired}` });
  };
  /** The page at 1366 then 390 px, each saved as issue29-after-<name>-<locale>-<width>.png. */
  const both = async (name: string, prepare?: (width: number) => Promise<void>) => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      // The phone's shot is the screen the state is on (scrolled to it by `prepare`), the desktop's the whole page.
      if (prepare) await prepare(width);
      if (!prepare || width === 1366) await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(shots, `issue29-after-${name}-${locale}-${width}.png`), fullPage: width === 1366 });
      // Nothing is wider than a phone's screen.
      if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  };

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    inbox = await startInbox({ port: 0, locale, timeZone: 'Europe/Paris' });
    ({ host, varDir } = await startTestHost({
      label: `issue29-${locale}`,
      locale,
      profile: 'development',
      timeZone: 'Europe/Paris',
      inboxUrl: inbox.url,
    }));
    await host.modules.installFromFolder(repoRoot);
    await host.modules.enable('webhooks');
    base = `${host.url}/admin/modules/webhooks`;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: locale === 'fr' ? 'fr-FR' : 'en-GB' });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.goto(`${host.url}/admin/login`);
    await page.fill('input[name=token]', host.adminToken);
    await Promise.all([page.waitForURL(/\/admin\/(?!login)/), page.press('input[name=token]', 'Enter')]);
  }, T);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await host?.close();
    await inbox?.close();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it(
    '1. a ticket’s messages: the reply shows its author and words, the close who closed it, one role ping for the ticket',
    async () => {
      const w = await createWebhook({
        name: 'Support',
        url: inbox.discordWebhookUrl('1300000000000000101', 'ticketsToken'),
        platform: 'discord',
        events: ['ticket.submit', 'ticket.reply', 'ticket.close'],
        // One message per event here, so each one's mentions are seen apart (a coalesced send
        // carries the same text with the one ping: test/integration/admin-second-pass.test.ts).
        options: { rolePing: { roleIds: [ROLE], priorities: ['urgent'] }, coalesce: false },
      });
      const opened = await host.helpdesk.open({
        subject: 'VPS down',
        department: 'Support',
        priority: 'urgent',
        customer: { firstName: 'Alice', lastName: 'Martin', email: 'alice@example.com' },
        content: 'Nothing answers since 9:00.',
      });
      const id = String(opened.ticket.id);
      await host.helpdesk.reply(id, { staffId: 'admin', content: 'Restarted, please check.' });
      await host.helpdesk.close(id, { staffId: 'admin' });
      const mine = () => inbox.messages().filter((m) => m.receiver.startsWith('1300'));
      await until('three ticket messages', () => mine().length >= 3).catch(async (err) => {
        const log = (await api('GET', `/deliveries?webhook=${w.id}`)).json;
        throw new Error(`${err}: inbox ${JSON.stringify(inbox.messages())}; log ${JSON.stringify(log)}`);
      });
      const contents = mine().map((m) => String(m.body.content));
      const [submit, reply, close] = contents;
      expect(submit.startsWith(`<@&${ROLE}>`)).toBe(true);
      expect(reply).toContain(locale === 'fr' ? 'Réponse au ticket' : 'Reply to ticket');
      expect(reply).toContain('Restarted, please check.');
      expect(reply).toMatch(locale === 'fr' ? /\*\*Auteur :\*\* .+ \(équipe\)/ : /\*\*Author:\*\* .+ \(staff\)/);
      expect(close).toContain(locale === 'fr' ? '**Fermé par :**' : '**Closed by:**');
      // One ping for the whole ticket: the reply and the close do not ping again.
      expect(contents.join('\n').split(`<@&${ROLE}>`).length - 1).toBe(1);
      expect(mine().map((m) => (m.body.allowed_mentions as { roles?: string[] }).roles ?? [])).toEqual([[ROLE], [], []]);

      // The form offers where the ping goes; the reply's preview shows the reply's own text.
      await page.goto(`${base}/webhooks/${w.id}/edit`);
      await page.locator('#wh-advanced').evaluate((d) => ((d as HTMLDetailsElement).open = true));
      expect(await page.isChecked('input[name=rolePingOn][value=opening]')).toBe(true);
      await page.selectOption('#wh-preview-event', 'ticket.reply');
      await until('the reply preview', async () =>
        (await page.textContent('#wh-preview-render'))?.includes(words['rendering.author.staff']),
      );
      expect(await page.textContent('#wh-preview-json')).not.toContain('"roles"');
      await both('form-ping-where', async () => {
        await page.locator('[data-testid=role-ping-on]').scrollIntoViewIfNeeded();
      });
      await page.goto(`${inbox.url}/`);
      await until('the inbox page lists them', async () => ((await page.textContent('body')) ?? '').includes('Restarted, please check.'));
      await both('inbox-ticket');
    },
    T,
  );

  it(
    '2. the URL can be shown while typing; its errors say what is wrong and how to fix it',
    async () => {
      await page.goto(`${base}/webhooks/new?flow=support`);
      const url = page.locator('#f-url');
      expect(await url.getAttribute('type')).toBe('password');
      await page.fill('input[name=name]', 'Tickets');
      await url.fill('discord.com/api/webhooks/1300000000000000042/tok');
      await page.click('[data-testid=url-reveal]');
      expect(await url.getAttribute('type')).toBe('text');
      expect(await page.textContent('[data-testid=url-reveal]')).toBe(words['settings.form.url_hide']);
      // The instant check (the save's own rule and words) as the field is left.
      await page.focus('input[name=name]');
      await until('the URL error', async () => (await page.locator('#err-url').count()) > 0 && (await page.textContent('#err-url')));
      expect(await page.textContent('#err-url')).toBe(words['settings.errors.url_no_scheme']);
      await both('form-url-shown');
      // Saved anyway: the summary names the field, the page never writes the URL back.
      await page.locator('#wh-form').evaluate((f) => (f as HTMLFormElement).requestSubmit());
      await page.waitForSelector('[data-testid=form-errors]');
      const summary = (await page.textContent('[data-testid=form-errors]')) ?? '';
      expect(summary).toContain(words['settings.form.url']);
      expect(summary).toContain(words['settings.errors.url_no_scheme']);
      await both('form-url-error');
      // A channel link pasted instead of its webhook.
      await page.fill('#f-url', 'https://discord.com/channels/1300000000000000042/1300000000000000043');
      await page.focus('input[name=name]');
      const expected = words['settings.errors.url_not_platform']
        .replace('{platform}', 'Discord')
        .replace('{shape}', 'https://discord.com/api/webhooks/<id>/<token>');
      await until('the near-miss error', async () => (await page.textContent('#err-url')) === expected);
    },
    T,
  );

  it(
    '3. the log finds order 1904, Resend keeps the filters and shows the outcome, a coalesced send shows its message and members',
    async () => {
      const w = await createWebhook({
        name: 'Ventes',
        url: inbox.discordWebhookUrl('1300000000000000202', 'salesToken'),
        platform: 'discord',
        events: ['order.paid'],
      });
      for (const orderId of [1903, 1904, 1905]) await emit('order.paid', (p) => (p.order.id = orderId));
      await until('three delivered', async () => (await api('GET', `/deliveries?webhook=${w.id}&status=delivered`)).json.total === 3);
      const found = await api('GET', '/deliveries?q=1904');
      expect(found.json.items.map((d: { reference: string }) => d.reference)).toEqual(['1904']);

      await page.goto(`${base}/deliveries`);
      await page.fill('[data-testid=log-search]', '1904');
      await Promise.all([page.waitForURL(/q=1904/), page.press('[data-testid=log-search]', 'Enter')]);
      expect(await page.locator('details.wh-log-row').count()).toBe(1);
      expect(await page.textContent('[data-testid=reference]')).toContain('1904');
      const row = page.locator('details.wh-log-row').first();
      await row.evaluate((d) => ((d as HTMLDetailsElement).open = true));
      const before = page.url();
      await row.locator('[data-testid=resend]').click();
      await until('the resend outcome', async () =>
        (await row.locator('[data-testid=resend-answer]').textContent())?.includes(words['settings.log.resend_outcome']),
      );
      const outcome = (await row.locator('[data-testid=resend-answer]').textContent()) ?? '';
      expect(outcome).toContain(words['settings.status.delivered']);
      expect(outcome).toMatch(/HTTP 20\d/);
      // Same page, same filter, the row still open.
      expect(page.url()).toBe(before);
      expect(await row.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      await both('log-search-resend');

      // Paused, three orders wait; resumed, they go out as one message, and the list says so.
      const paused = await createWebhook({
        name: 'Lot',
        url: inbox.discordWebhookUrl('1300000000000000303', 'batchToken'),
        platform: 'discord',
        events: ['order.paid'],
        enabled: false,
      });
      for (const orderId of [2001, 2002, 2003]) await emit('order.paid', (p) => (p.order.id = orderId));
      await until('three waiting', async () => (await api('GET', `/webhooks/${paused.id}/waiting`)).json.waiting === 3);
      await page.goto(`${base}/`);
      await page.waitForFunction(() => typeof (window as unknown as { whServerNow?: number }).whServerNow === 'number');
      const pausedRow = page.locator(`tr[data-webhook-id="${paused.id}"]`);
      await Promise.all([page.waitForURL(/done=enabled/), pausedRow.locator('[data-testid=resume-send]').click()]);
      const sent = page.locator(`tr[data-webhook-id="${paused.id}"] [data-testid=sent-since]`);
      await until('what the resume sent', async () => ((await sent.textContent()) ?? '').length > 0);
      const text = (await sent.textContent()) ?? '';
      expect(text).toMatch(locale === 'fr' ? /^3 envois partis en [12] messages?\.$/ : /^3 deliveries sent in [12] messages?\.$/);
      await both('list-resumed', async () => {
        await pausedRow.scrollIntoViewIfNeeded();
      });
      const batched = (await api('GET', `/deliveries?webhook=${paused.id}`)).json.items as { id: number }[];
      const detail = (await api('GET', `/deliveries/${batched[0].id}`)).json.delivery;
      if (text.includes(locale === 'fr' ? 'en 1 message' : 'in 1 message')) {
        expect(detail.batch.ids).toHaveLength(3);
        await page.goto(`${base}/deliveries?webhook=${paused.id}`);
        const first = page.locator('details.wh-log-row').first();
        await first.evaluate((d) => ((d as HTMLDetailsElement).open = true));
        expect(await first.locator('[data-testid=batch-member]').count()).toBe(3);
        const sentBody = (await first.locator('[data-testid=batch-body]').textContent()) ?? '';
        for (const orderId of ['2001', '2002', '2003']) expect(sentBody).toContain(orderId);
        await both('log-batch', async () => {
          await first.locator('[data-testid=batch]').scrollIntoViewIfNeeded();
        });
      }
    },
    T,
  );

  it(
    '4. on a phone: the navigation folds, the tabs show whole, the preview docks beside the template',
    async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/deliveries`);
      const side = page.locator('.hs-side');
      expect((await side.boundingBox())!.height).toBeLessThan(90);
      await page.click('[data-testid=nav-menu]');
      expect(await page.getAttribute('[data-testid=nav-menu]', 'aria-expanded')).toBe('true');
      expect((await side.boundingBox())!.height).toBeGreaterThan(120);
      await page.screenshot({ path: path.join(shots, `issue29-after-nav-open-${locale}-390.png`) });
      await page.click('[data-testid=nav-menu]');
      // Every tab whole and on screen: nothing cut ("Histori…").
      const tabs = await page.$$eval('.wh-tab', (els) =>
        els.map((e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth + 1, right: e.getBoundingClientRect().right })),
      );
      for (const tab of tabs)
        expect({ tab: tab.text, cut: tab.cut, inside: tab.right <= 390 }).toEqual({ tab: tab.text, cut: false, inside: true });
      await page.screenshot({ path: path.join(shots, `issue29-after-log-phone-${locale}-390.png`) });

      await page.goto(`${base}/webhooks/new?flow=support`);
      await page.waitForSelector('#wh-preview-render .wh-dc');
      const dock = page.locator('[data-testid=preview-dock]');
      expect(await dock.isVisible()).toBe(true);
      const textarea = page.locator('textarea[name=templateTicket]');
      await textarea.scrollIntoViewIfNeeded();
      await textarea.focus();
      await dock.click();
      await textarea.fill('Ticket %id% : %subject%');
      await until('the docked preview follows the typing', async () =>
        (await page.textContent('#wh-preview-render'))?.includes('Ticket 501'),
      );
      // The preview is on screen while the template is: both inside the viewport, not overlapping.
      const p = (await page.locator('.wh-side').boundingBox())!;
      const t = (await textarea.boundingBox())!;
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y + p.height).toBeLessThanOrEqual(845);
      expect(t.y + t.height).toBeLessThanOrEqual(p.y + 1);
      await page.screenshot({ path: path.join(shots, `issue29-after-form-docked-${locale}-390.png`) });
      // At desktop width there is no dock: the preview sits beside the form.
      await page.setViewportSize({ width: 1366, height: 900 });
      expect(await dock.isVisible()).toBe(false);
    },
    T,
  );

  it(
    '5. the preview’s sample takes a priority, department, amount and gateway: role ping, filters and condition follow',
    async () => {
      await page.goto(`${base}/webhooks/new?flow=support`);
      await page.fill('#f-url', inbox.discordWebhookUrl('1300000000000000404', 'sampleToken'));
      await page.selectOption('#f-platform', 'discord');
      await page.locator('#wh-advanced').evaluate((d) => ((d as HTMLDetailsElement).open = true));
      await page.fill('#f-rolePing', ROLE);
      await page.check('input[name=rolePingPriorities][value=urgent]');
      await page.selectOption('#wh-preview-event', 'ticket.submit');
      await until('a preview', async () => (await page.textContent('#wh-preview-json'))?.includes('allowed_mentions'));
      expect(await page.textContent('#wh-preview-json')).not.toContain(ROLE);
      await page.locator('[data-testid=sample-choices]').evaluate((d) => ((d as HTMLDetailsElement).open = true));
      await page.selectOption('#wh-sample-priority', 'urgent');
      await page.fill('#wh-sample-department', 'Commercial');
      await until('the urgent sample pings', async () => (await page.textContent('#wh-preview-json'))?.includes(ROLE));
      expect(await page.textContent('#wh-preview-render')).toContain(words['rendering.priority.urgent']);
      expect(await page.textContent('#wh-preview-render')).toContain('Commercial');
      // A filter that keeps urgent tickets out says so.
      const filters = page.locator('#f-priorities');
      await filters.evaluate((el) => el.closest('details')?.setAttribute('open', ''));
      await page.check('input[name=filterPriorities][value=low]');
      await until('the filtered-out note', async () => page.locator('[data-testid=preview-filters]').isVisible());
      await both('form-sample', async () => {
        await page.locator('[data-testid=sample-choices]').scrollIntoViewIfNeeded();
      });
      // An order's amount and gateway reach the condition.
      await page.uncheck('input[name=filterPriorities][value=low]');
      // The preview offers the events the webhook listens to: the shop's too now.
      for (const e of ['ticket.submit', 'ticket.reply', 'ticket.close', 'ticket.reopen'])
        if (await page.isChecked(`input[name=events][value="${e}"]`)) await page.uncheck(`input[name=events][value="${e}"]`);
      await page.check('input[name=events][value="order.paid"]');
      await page.selectOption('#wh-preview-event', 'order.paid');
      await page.fill('#f-condition', 'order.total >= 100 && order.paymentGateway == "Stripe"').catch(async () => {
        await page.locator('#f-condition').evaluate((el) => el.closest('details')?.setAttribute('open', ''));
        await page.fill('#f-condition', 'order.total >= 100 && order.paymentGateway == "Stripe"');
      });
      await page.fill('#wh-sample-amount', '150');
      await page.fill('#wh-sample-gateway', 'Stripe');
      await until('the condition met', async () =>
        (await page.textContent('[data-testid=preview-condition]'))?.includes(words['settings.preview.condition_matches']),
      ).catch(async (err) => {
        throw new Error(
          `${err}: ${await page.textContent('[data-testid=preview-condition]')} / ${await page.inputValue('#f-condition')} / ${await page.textContent('#wh-preview-json')}`,
        );
      });
      await page.fill('#wh-sample-amount', '20');
      await until('the condition not met', async () =>
        (await page.textContent('[data-testid=preview-condition]'))?.includes(words['settings.preview.condition_no_match']),
      );
    },
    T,
  );

  it(
    '6. re-enable names the unchanged URL and offers to edit it; identical notifications grouped; rows update without a reload',
    async () => {
      // Discord answers 404 (webhook deleted) for receiver 0: the webhook is disabled and notified.
      const gone = await createWebhook({
        name: 'Salon supprimé',
        url: inbox.discordWebhookUrl('0', 'gone'),
        platform: 'discord',
        events: ['order.paid'],
      });
      await emit('order.paid', () => {});
      await until('disabled', async () => (await api('GET', `/webhooks/${gone.id}`)).json.webhook.state === 'disabled');
      await page.goto(`${base}/`);
      const notice = page.locator('[data-testid=disabled-notice]');
      expect(await notice.locator('[data-testid=same-url]').textContent()).toContain(gone.urlHint);
      expect(await notice.locator('[data-testid=edit-url]').getAttribute('href')).toBe(
        `/admin/modules/webhooks/webhooks/${gone.id}/edit#f-url`,
      );
      await both('list-disabled');
      dialogs.length = 0;
      await Promise.all([page.waitForURL(/done=enabled/), notice.locator('[data-testid=reenable]').click()]);
      expect(dialogs[0]).toContain(gone.urlHint);
      expect(dialogs[0]).toContain('Salon supprimé');
      await emit('order.paid', () => {});
      await until('disabled again', async () => (await api('GET', `/webhooks/${gone.id}`)).json.webhook.state === 'disabled');
      await page.goto(`${host.url}/admin/notifications`);
      const repeat = page.locator('[data-testid=notification-repeat]');
      await until('the grouped notification', async () => (await repeat.count()) > 0);
      expect(await repeat.first().textContent()).toBe('×2');
      await both('notifications');

      // A row updates while the page stays open: the list's own state is kept (no reload).
      const live = await createWebhook({
        name: 'En direct',
        url: inbox.discordWebhookUrl('1300000000000000505', 'liveToken'),
        platform: 'discord',
        events: ['order.paid'],
      });
      await page.goto(`${base}/`);
      const row = page.locator(`tr[data-webhook-id="${live.id}"]`);
      expect(await row.locator('[data-live=last]').textContent()).toContain(words['settings.list.never']);
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 29));
      await emit('order.paid', () => {});
      await until('the row’s last delivery', async () =>
        ((await row.locator('[data-live=last]').textContent()) ?? '').includes(words['settings.status.delivered']),
      );
      expect(await row.locator('[data-live=caption]').textContent()).toMatch(/^1 /);
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(29);
      await both('list-live', async () => {
        await row.scrollIntoViewIfNeeded();
      });
    },
    T,
  );
});
