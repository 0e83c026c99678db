/**
 * The host's pages in a real browser (playwright-core + the Chromium of test/support/browser.ts),
 * in French and English: sign in, toggle the module off and on from the modules page, fire an
 * event from the simulator page, and save screenshots under test-results/screenshots/host-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { fixtureModule, repoRoot, startTestHost, type LogSink } from '../fixtures/host-kit.js';
import { launchBrowser } from '../support/browser.js';

const shots = path.join(repoRoot, 'test-results', 'screenshots');

const words = {
  fr: { signIn: 'Se connecter', enabled: 'Activé', disabled: 'Désactivé', failed: 'En erreur', sent: 'Événement order.paid émis' },
  en: { signIn: 'Sign in', enabled: 'Enabled', disabled: 'Disabled', failed: 'Failed', sent: 'Event order.paid emitted' },
} as const;

describe.each(['fr', 'en'] as const)('host pages in a browser (%s)', (locale) => {
  let browser: Browser;
  let host: Host;
  let logs: LogSink;
  let varDir: string;
  const w = words[locale];

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    ({ host, logs, varDir } = await startTestHost({ label: `browser-${locale}`, locale, profile: 'development' }));
    await host.modules.installFromFolder(repoRoot);
    await host.modules.enable('webhooks');
    await host.modules.installFromFolder(fixtureModule('throws-at-boot'));
    await host.modules.enable('throws-at-boot');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  it('signs in, toggles the module on the modules page, and fires an event from the simulator', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto(`${host.url}/admin/modules`);
    expect(page.url()).toContain('/admin/login?next=');
    await page.screenshot({ path: path.join(shots, `host-login-${locale}.png`) });
    await page.fill('input[name=token]', host.adminToken);
    await Promise.all([page.waitForURL(/\/admin\/modules$/), page.click(`button:has-text("${w.signIn}")`)]);

    const card = page.locator('[data-module="webhooks"]');
    await expect(card.locator('[data-testid=state]').textContent()).resolves.toBe(w.enabled);
    await expect(page.locator('[data-module="throws-at-boot"] [data-testid=module-error]').textContent()).resolves.toContain(
      'the payment provider key is missing',
    );
    await page.screenshot({ path: path.join(shots, `host-modules-${locale}.png`), fullPage: true });

    await Promise.all([page.waitForURL(/\/admin\/modules$/), card.locator('[data-testid=toggle]').click()]);
    await expect(page.locator('[data-module="webhooks"] [data-testid=state]').textContent()).resolves.toBe(w.disabled);
    expect((await host.modules.get('webhooks'))!.state).toBe('disabled');
    await page.screenshot({ path: path.join(shots, `host-modules-disabled-${locale}.png`), fullPage: true });

    await Promise.all([page.waitForURL(/\/admin\/modules$/), page.locator('[data-module="webhooks"] [data-testid=toggle]').click()]);
    await expect(page.locator('[data-module="webhooks"] [data-testid=state]').textContent()).resolves.toBe(w.enabled);
    expect((await host.modules.get('webhooks'))!.running).toBe(true);

    await page.goto(`${host.url}/admin/simulate`);
    await page.click('[data-testid="fire-order.paid"]');
    await page.locator('[data-testid=simulate-result].hs-alert-ok').waitFor();
    const text = (await page.locator('[data-testid=simulate-result]').textContent()) ?? '';
    expect(text).toContain(w.sent);
    const eventId = /\((evt_[^)]+)\)/.exec(text)![1];
    expect(logs.having('webhooks: received order.paid', { eventId, level: 20 })).toHaveLength(1);
    await page.screenshot({ path: path.join(shots, `host-simulate-${locale}.png`), fullPage: true });

    await page.goto(`${host.url}/admin/notifications`);
    await page.screenshot({ path: path.join(shots, `host-notifications-${locale}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
