/**
 * The Marketplace tab in a real browser, in French and English, on the local registry `npm
 * start` sets up (the module packed at 1.0.0 and 1.1.0, served from a folder on 127.0.0.1): the
 * tab lists Webhooks with both versions, Install 1.0.0, enable, Update to 1.1.0, a failed update
 * to a broken 1.2.0 (1.1.0 kept, said on both tabs and as a notification), Uninstall, then
 * the .tgz upload of the modules page. Every registry version is in the list; the description is
 * in the page's language; an update first shows its confirmation (the migrations it will run,
 * its changelog), axe-checked, drawn at 1366 and 390 px in docs/screenshots/marketplace-confirm-*. Screenshots under test-results/screenshots/marketplace-*
 * (desktop and phone); with UPDATE_WALKTHROUGH=1 the README's picture under docs/screenshots/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { prepareDemoMarketplace } from '../../host/marketplace/demo-marketplace.js';
import { buildModulePackage } from '../../host/modules/module-package.js';
import { repoRoot, startTestHost } from '../fixtures/host-kit.js';
import { axe, serious } from '../support/axe.js';
import { launchBrowser } from '../support/browser.js';

const shots = path.join(repoRoot, 'test-results', 'screenshots');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-demo-market-'));
let registry: { url: string; close(): Promise<void> };

const words = {
  fr: {
    signIn: 'Se connecter',
    installed: '« Webhooks » 1.0.0 est installé',
    updated: '« Webhooks » est mis à jour de 1.0.0 vers 1.1.0.',
    updateAvailable: 'Mise à jour disponible',
    upToDate: 'À jour',
    uninstalled: '« Webhooks » est désinstallé.',
    uploaded: '« Webhooks » est installé. Activez-le pour l’utiliser.',
    updateFailed: 'La mise à jour de « Webhooks » de 1.1.0 vers 1.2.0 a échoué ; 1.1.0 reste en place',
    notified: 'La mise à jour de « Webhooks » de 1.1.0 vers 1.2.0 a échoué : 1.1.0 reste en place',
    description: /^Publie un message sur Discord/,
    installedNote: '1.0.0 — installée',
    confirm: 'Mettre à jour « Webhooks » de 1.0.0 à 1.1.0 ?',
  },
  en: {
    signIn: 'Sign in',
    installed: '“Webhooks” 1.0.0 is installed',
    updated: '“Webhooks” is updated from 1.0.0 to 1.1.0.',
    updateAvailable: 'Update available',
    upToDate: 'Up to date',
    uninstalled: '“Webhooks” is uninstalled.',
    uploaded: '“Webhooks” is installed. Enable it to use it.',
    updateFailed: 'Updating “Webhooks” from 1.1.0 to 1.2.0 failed; 1.1.0 is still in place',
    notified: 'Updating “Webhooks” from 1.1.0 to 1.2.0 failed: 1.1.0 is still in place',
    description: /^Posts a message to Discord/,
    installedNote: '1.0.0 — installed',
    confirm: 'Update “Webhooks” from 1.0.0 to 1.1.0?',
  },
} as const;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  registry = await prepareDemoMarketplace({ folder, port: 0 });
}, 120_000);
afterAll(async () => {
  await registry?.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe.each(['fr', 'en'] as const)('the Marketplace tab in a browser (%s)', (locale) => {
  let browser: Browser;
  let host: Host;
  let varDir: string;
  const w = words[locale];

  beforeAll(async () => {
    varDir = fs.mkdtempSync(path.join(os.tmpdir(), `wh-market-browser-${locale}-`));
    ({ host } = await startTestHost({ varDir, locale, profile: 'development', marketplace: { registry: registry.url } }));
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  const flash = (page: Page) => page.locator('.hs-alert').first().textContent();

  it('lists Webhooks with two versions, installs 1.0.0, updates it to 1.1.0, uninstalls it, and takes an upload', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());

    await page.goto(`${host.url}/admin/marketplace`);
    await page.fill('input[name=token]', host.adminToken);
    await Promise.all([page.waitForURL(/\/admin\/marketplace$/), page.click(`button:has-text("${w.signIn}")`)]);
    const card = page.locator('[data-package="clientx-module-webhooks"]');
    await expect(card.locator('h2').textContent()).resolves.toBe('Webhooks');
    await expect(card.locator('[data-testid=latest]').textContent()).resolves.toContain('1.1.0');
    await expect(card.locator('select[name=version] option').allTextContents()).resolves.toEqual(['1.1.0', '1.0.0']);
    // The description in the page's language (the manifest's descriptions).
    await expect(card.locator('p').first().textContent()).resolves.toMatch(w.description);
    await page.screenshot({ path: path.join(shots, `marketplace-tab-${locale}.png`), fullPage: true });

    // Install 1.0.0.
    await card.locator('select[name=version]').selectOption('1.0.0');
    await Promise.all([page.waitForURL(/\/admin\/marketplace$/), card.locator('[data-testid=install]').click()]);
    await expect(flash(page)).resolves.toContain(w.installed);
    expect(await host.modules.get('webhooks')).toMatchObject({ version: '1.0.0', sourceKind: 'marketplace' });
    await expect(card.locator('[data-testid=badge]').textContent()).resolves.toBe(w.updateAvailable);
    await page.screenshot({ path: path.join(shots, `marketplace-installed-${locale}.png`), fullPage: true });

    // Enabled from the Installed tab, then updated from the Marketplace tab while it runs.
    await page.click('[data-testid=tab-installed]');
    await Promise.all([page.waitForURL(/\/admin\/modules$/), page.locator('[data-module="webhooks"] [data-testid=toggle]').click()]);
    expect((await host.modules.get('webhooks'))!.running).toBe(true);
    await page.click('[data-testid=tab-marketplace]');
    // Every version the registry has; the installed one listed, not choosable.
    await expect(card.locator('select[name=version] option').allTextContents()).resolves.toEqual(['1.1.0', w.installedNote]);
    await expect(card.locator('select[name=version] option:not([disabled])').allTextContents()).resolves.toEqual(['1.1.0']);
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      if (width === 1366) expect(serious(await axe(page))).toEqual([]);
      await page.screenshot({ path: path.join(repoRoot, 'docs', 'screenshots', `marketplace-tab-${locale}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
    // Update asks first: the migration it will run and the changelog, then runs on confirmation.
    await Promise.all([
      page.waitForURL(/\/admin\/marketplace\/update\/webhooks\?version=1\.1\.0$/),
      card.locator('[data-testid=update]').click(),
    ]);
    await expect(page.locator('#confirm-h').textContent()).resolves.toBe(w.confirm);
    await expect(page.locator('[data-testid=migrations] li').allTextContents()).resolves.toEqual(['900-update-marker']);
    await expect(page.locator('[data-testid=changelog]').textContent()).resolves.toContain('wh_update_marker');
    expect(await host.modules.get('webhooks')).toMatchObject({ version: '1.0.0' });
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      if (width === 1366) expect(serious(await axe(page))).toEqual([]);
      else expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({
        path: path.join(repoRoot, 'docs', 'screenshots', `marketplace-confirm-${locale}-${width}.png`),
        fullPage: true,
      });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
    await Promise.all([page.waitForURL(/\/admin\/marketplace$/), page.click('[data-testid=confirm-update]')]);
    await expect(flash(page)).resolves.toBe(w.updated);
    expect(await host.modules.get('webhooks')).toMatchObject({ version: '1.1.0', state: 'enabled', running: true });
    await expect(card.locator('[data-testid=installed]').textContent()).resolves.toBe('1.1.0');
    await expect(card.locator('[data-testid=badge]').textContent()).resolves.toBe(w.upToDate);
    await page.screenshot({ path: path.join(shots, `marketplace-updated-${locale}.png`), fullPage: true });
    if (locale === 'en' && process.env.UPDATE_WALKTHROUGH === '1')
      await page.screenshot({ path: path.join(repoRoot, 'docs', 'screenshots', 'walkthrough-marketplace.png') });

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${host.url}/admin/marketplace`);
    await phone.screenshot({ path: path.join(shots, `marketplace-phone-${locale}.png`), fullPage: true });
    await phone.close();

    // A broken 1.2.0 appears on the registry: updating to it keeps 1.1.0 and says so.
    const broken = await buildModulePackage({
      rootDir: repoRoot,
      outDir: folder,
      version: '1.2.0',
      entry: path.join(repoRoot, 'test', 'fixtures', 'marketplace', 'webhooks-throws-at-boot.ts'),
    });
    await page.reload();
    await card.locator('select[name=version]').selectOption('1.2.0');
    await Promise.all([page.waitForURL(/\/update\/webhooks\?version=1\.2\.0$/), card.locator('[data-testid=update]').click()]);
    await expect(page.locator('[data-testid=migrations] li').allTextContents()).resolves.toEqual(['901-before-the-failure']);
    await Promise.all([page.waitForURL(/\/admin\/marketplace$/), page.click('[data-testid=confirm-update]')]);
    await expect(flash(page)).resolves.toContain(w.updateFailed);
    await expect(card.locator('[data-testid=update-error]').textContent()).resolves.toContain('boom: this version cannot start');
    // Off the registry again (the other locale's run starts from the two good versions).
    fs.rmSync(broken.file);
    expect(await host.modules.get('webhooks')).toMatchObject({ version: '1.1.0', state: 'enabled', running: true });
    await page.screenshot({ path: path.join(shots, `marketplace-update-failed-${locale}.png`), fullPage: true });
    await page.click('[data-testid=tab-installed]');
    await expect(page.locator('[data-module="webhooks"] [data-testid=update-error]').textContent()).resolves.toContain('1.1.0');
    await page.goto(`${host.url}/admin/notifications`);
    await expect(page.locator('body').textContent()).resolves.toContain(w.notified);
    await page.goto(`${host.url}/admin/marketplace`);

    // Uninstall (it is enabled: the tab disables it first, after a confirmation).
    await Promise.all([page.waitForURL(/\/admin\/marketplace$/), card.locator('[data-testid=uninstall]').click()]);
    await expect(flash(page)).resolves.toBe(w.uninstalled);
    expect(await host.modules.get('webhooks')).toBeNull();

    // The modules page takes the same package as an upload.
    await page.click('[data-testid=tab-installed]');
    const tgz = fs.readdirSync(folder).find((f) => f.endsWith('-1.0.0.tgz'))!;
    await page.setInputFiles('input[type=file]', path.join(folder, tgz));
    await Promise.all([page.waitForURL(/\/admin\/modules$/), page.click('[data-testid=upload]')]);
    await expect(flash(page)).resolves.toBe(w.uploaded);
    expect(await host.modules.get('webhooks')).toMatchObject({ version: '1.0.0', sourceKind: 'archive', source: tgz });
    await page.screenshot({ path: path.join(shots, `marketplace-uploaded-${locale}.png`), fullPage: true });
    expect(errors).toEqual([]);
  });
});
