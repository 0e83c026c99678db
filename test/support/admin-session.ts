/**
 * A browser signed in to a development-profile host with this module installed and enabled, and
 * a local inbox in the same language (the form and thread browser tests share it).
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { startInbox, type RunningInbox } from '../../host/inbox/start-inbox.js';
import { repoRoot, startTestHost } from '../fixtures/host-kit.js';
import { launchBrowser } from './browser.js';

export interface AdminSession {
  host: Host;
  inbox: RunningInbox;
  browser: Browser;
  page: Page;
  /** The module's admin pages, e.g. http://127.0.0.1:…/admin/modules/webhooks */
  base: string;
  close(): Promise<void>;
}

export async function startAdminSession(label: string, locale: 'fr' | 'en'): Promise<AdminSession> {
  const inbox = await startInbox({ port: 0, locale });
  const { host, varDir } = await startTestHost({ label, locale, profile: 'development' });
  await host.modules.installFromFolder(repoRoot);
  await host.modules.enable('webhooks');
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(`${host.url}/admin/login`);
  await page.fill('input[name=token]', host.adminToken);
  await Promise.all([page.waitForURL(/\/admin\/(?!login)/), page.press('input[name=token]', 'Enter')]);
  return {
    host,
    inbox,
    browser,
    page,
    base: `${host.url}/admin/modules/webhooks`,
    async close() {
      await browser.close();
      await host.close();
      await inbox.close();
      fs.rmSync(varDir, { recursive: true, force: true });
    },
  };
}
