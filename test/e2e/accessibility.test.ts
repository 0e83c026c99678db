/**
 * Every admin page state, in French and English, checked by axe-core (WCAG 2.1 A/AA and
 * best-practice rules) in a real Chromium: no serious or critical violation may remain. The
 * same states are drawn at 390 px (a phone): no page may be wider than the viewport. Each state
 * is saved as a screenshot at 1366 and 390 px under test-results/screenshots/a11y-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { startInbox, type RunningInbox } from '../../host/inbox/start-inbox.js';
import { repoRoot, startTestHost } from '../fixtures/host-kit.js';
import { axe, serious } from '../support/axe.js';
import { launchBrowser } from '../support/browser.js';

const shots = path.join(repoRoot, 'test-results', 'screenshots');
const T = 300_000;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe.each(['fr', 'en'] as const)('accessibility and phone width of every page (%s)', (locale) => {
  let browser: Browser;
  let host: Host;
  let inbox: RunningInbox;
  let varDir: string;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    inbox = await startInbox({ port: 0, locale, timeZone: 'Europe/Paris' });
    ({ host, varDir } = await startTestHost({
      label: `a11y-${locale}`,
      locale,
      profile: 'development',
      timeZone: 'Europe/Paris',
      inboxUrl: inbox.url,
    }));
    await host.modules.installFromFolder(repoRoot);
    await host.modules.enable('webhooks');
    base = `${host.url}/admin/modules/webhooks`;
    const auth = { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'Commandes — boutique',
        url: inbox.discordWebhookUrl('1300000000000000042', 'a11yToken'),
        platform: 'discord',
        events: ['order.paid', 'ticket.submit'],
        options: { mode: 'embed' },
      }),
    });
    expect(created.status).toBe(201);
    await fetch(`${base}/api/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'Salon supprimé',
        url: inbox.discordWebhookUrl('0', 'gone'),
        platform: 'discord',
        events: ['order.paid'],
      }),
    });
    // Paused by the admin: the simulated order waits for it (the list counts it, offers the resume choice).
    await fetch(`${base}/api/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'En pause',
        url: inbox.discordWebhookUrl('1300000000000000043', 'pausedToken'),
        platform: 'discord',
        events: ['order.paid'],
        enabled: false,
      }),
    });
    await fetch(`${host.url}/admin/simulate/order.paid`, { method: 'POST', headers: auth, body: '{}' });
    await until('two deliveries settled', async () => {
      const r = await (await fetch(`${base}/api/deliveries?status=delivered`, { headers: auth })).json();
      return r.total >= 1;
    });
    browser = await launchBrowser();
  }, T);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await inbox?.close();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it(
    'has no serious or critical axe violation and no sideways scroll at 390 px',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: locale === 'fr' ? 'fr-FR' : 'en-GB' });
      const page = await context.newPage();
      page.on('dialog', (d) => void d.accept());
      const problems: string[] = [];
      const wide: string[] = [];

      /** Checks the page as it stands, at desktop then phone width, with screenshots of both. */
      const check = async (state: string, prepare: () => Promise<void> = async () => {}) => {
        for (const width of [1366, 390]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
          await prepare();
          if (width === 1366) for (const p of serious(await axe(page))) problems.push(`${state}: ${p}`);
          else {
            const w = await page.evaluate(() => document.documentElement.scrollWidth);
            if (w > 390) wide.push(`${state}: ${w}px`);
          }
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: path.join(shots, `a11y-${locale}-${state}-${width}.png`), fullPage: true });
        }
        await page.setViewportSize({ width: 1366, height: 900 });
      };
      const openAll = async () =>
        void (await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true))));

      await page.goto(`${host.url}/admin/login`);
      await check('login');
      await page.fill('input[name=token]', host.adminToken);
      await Promise.all([page.waitForURL(/\/admin\/(?!login)/), page.press('input[name=token]', 'Enter')]);

      await page.goto(`${host.url}/admin/modules`);
      await check('modules');
      await page.goto(`${host.url}/admin/simulate`);
      await check('simulator');
      await page.goto(`${host.url}/admin/notifications`);
      await check('notifications');
      // The helpdesk: a ticket answered by staff, its staff page, the staff list, the customer's pages.
      const opened = await host.helpdesk.open({
        subject: 'VPS down',
        department: 'Support',
        priority: 'urgent',
        customer: { firstName: 'Alice', lastName: 'Martin', email: 'alice@example.com' },
        content: 'Nothing answers since 9:00.',
      });
      await host.helpdesk.reply(String(opened.ticket.id), { staffId: 'admin', content: 'Restarted.' });
      await page.goto(`${host.url}/admin/tickets`);
      await check('tickets');
      await page.goto(`${host.url}/admin/tickets/${opened.ticket.id}`);
      await check('ticket');
      await page.goto(`${host.url}/admin/staff`);
      await check('staff');
      await page.goto(`${host.url}/support`);
      await check('support-new');
      await page.goto(`${host.url}/support/tickets/${opened.ticket.id}?key=${opened.key}`);
      await check('support-ticket');
      await page.goto(`${base}/`);
      await until('the paused webhook holding the order', async () => {
        await page.goto(`${base}/`);
        return (await page.locator('[data-testid=resume-choice]').count()) > 0;
      });
      await until('the disabled notice', async () => {
        await page.goto(`${base}/`);
        return (await page.locator('[data-testid=disabled-notice]').count()) > 0;
      });
      await check('list');
      await page.goto(`${base}/?platform=discord&state=paused`);
      await check('list-filtered');
      await page.goto(`${base}/webhooks/new?flow=shop`);
      await page.waitForSelector('#wh-preview-render .wh-dc');
      await check('form-new', openAll);
      await page.fill('input[name=name]', '');
      await page.fill('#f-url', 'https://example.com/hook');
      // The form adapts once the URL's platform is known: let it settle before clicking.
      await page.waitForFunction(() => !!document.getElementById('wh-detected')?.textContent);
      await page.evaluate(() => document.querySelectorAll<HTMLInputElement>('input[name=events]').forEach((i) => (i.checked = false)));
      // (settings-form.test.ts clicks Save; here only the resulting page state matters)
      await Promise.all([page.waitForURL(/\/webhooks$/), page.locator('#wh-form').evaluate((f) => (f as HTMLFormElement).requestSubmit())]);
      await page.waitForSelector('[data-testid=form-errors]');
      await check('form-errors', openAll);
      await page.goto(`${base}/`);
      await page.locator('[data-testid=edit]').first().click();
      await page.waitForSelector('#wh-preview-render .wh-dc');
      await check('form-edit', openAll);
      await page.goto(`${base}/webhooks/new?flow=shop`);
      await page.fill('#f-url', 'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=a11y');
      await page.waitForSelector('#wh-preview-render .ac-adaptiveCard');
      await check('form-teams', openAll);
      await page.goto(`${base}/deliveries`);
      await check('log', async () => {
        await page.locator('details.wh-log-row >> nth=0').evaluate((d) => ((d as HTMLDetailsElement).open = true));
      });
      // Issue 29's states: the log searched by number with a resend's outcome, the URL shown with
      // its error, the preview's sample choices with the filters' note, the docked preview and the
      // folded navigation on a phone (axe run at 390 px there, where they exist).
      await page.goto(`${base}/deliveries?q=1001`);
      await check('log-search', async () => {
        const row = page.locator('details.wh-log-row >> nth=0');
        if ((await row.count()) === 0) return;
        await row.evaluate((d) => ((d as HTMLDetailsElement).open = true));
        if (!(await row.locator('[data-testid=resend-answer]').textContent())) await row.locator('[data-testid=resend]').click();
        await until('the resend answer', async () => (await row.locator('[data-testid=resend-answer]').textContent()) || null);
      });
      await page.goto(`${base}/webhooks/new?flow=support`);
      await page.fill('#f-url', 'discord.com/api/webhooks/1/x');
      await page.click('[data-testid=url-reveal]');
      await page.focus('input[name=name]');
      await page.waitForSelector('#err-url');
      await check('form-url-shown');
      await check('form-sample', async () => {
        await openAll();
        await page.selectOption('#wh-sample-priority', 'urgent');
        await page.check('input[name=filterPriorities][value=low]');
        await page.waitForSelector('[data-testid=preview-filters]:not(.wh-hidden)');
      });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.click('[data-testid=preview-dock]');
      for (const p of serious(await axe(page))) problems.push(`form-docked (390): ${p}`);
      await page.screenshot({ path: path.join(shots, `a11y-${locale}-form-docked-390.png`) });
      await page.click('[data-testid=nav-menu]');
      for (const p of serious(await axe(page))) problems.push(`nav-open (390): ${p}`);
      await page.screenshot({ path: path.join(shots, `a11y-${locale}-nav-open-390.png`) });
      await page.setViewportSize({ width: 1366, height: 900 });

      await page.goto(`${base}/audit`);
      await check('audit');
      await page.goto(`${base}/apps`);
      await check('chat-apps');

      await page.goto(`${inbox.url}/`);
      await check('inbox');
      const metaRefresh = await page.locator('meta[http-equiv=refresh]').count();
      // The inbox updates itself: a new message shows up without a reload (the page keeps its state).
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      await fetch(inbox.discordWebhookUrl('1300000000000000042', 'a11yToken'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'arrived-without-reload' }),
      });
      await until('the new message on the open page', async () =>
        (await page.textContent('[data-testid=inbox-discord]'))?.includes('arrived-without-reload'),
      );
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

      await context.close();
      expect({ problems, wide, metaRefresh }).toEqual({ problems: [], wide: [], metaRefresh: 0 });
    },
    T,
  );
});
