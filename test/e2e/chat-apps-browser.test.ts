/**
 * The chat apps page in a real Chromium, French and English, at 1366 and 390 px: the Discord
 * application, the Slack app and the staff ↔ chat user links are entered, refused with the
 * field named when malformed, saved; keys and tokens are never written back into the page (only
 * "set"), and a blank secret field keeps the stored one. The webhook form's helpdesk option
 * points at this page.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { repoRoot } from '../fixtures/host-kit.js';
import { startAdminSession, type AdminSession } from '../support/admin-session.js';

const shots = path.join(repoRoot, 'test-results', 'screenshots');
const T = 180_000;
const pair = crypto.generateKeyPairSync('ed25519');
const PUBLIC_KEY = (pair.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('hex');
const BOT_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const SLACK_BOT = 'xoxb-1234567890-abcdefghijklmnop';

const words = {
  fr: {
    set: 'défini',
    notSet: 'non défini',
    saved: 'Application Discord enregistrée.',
    refused: 'Un ID Discord',
    links: 'Liens enregistrés.',
  },
  en: { set: 'set', notSet: 'not set', saved: 'Discord application saved.', refused: 'A Discord ID', links: 'Links saved.' },
} as const;

describe.each(['fr', 'en'] as const)('the chat apps page (%s)', (locale) => {
  let host: Host;
  let base: string;
  let page: Page;
  let session: AdminSession | undefined;
  const w = words[locale];
  const api = async (p: string) =>
    (await (await fetch(`${base}/api${p}`, { headers: { authorization: `Bearer ${host.adminToken}` } })).json()) as Record<string, unknown>;
  const shot = async (name: string) => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.screenshot({ path: path.join(shots, `chat-apps-${locale}-${name}-${width}.png`), fullPage: true });
      // Nothing wider than the window (no sideways scroll on a phone).
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  };
  const secretsAbsent = async () => {
    const html = await page.content();
    for (const s of [PUBLIC_KEY, BOT_TOKEN, BOT_TOKEN.split('.')[2], SIGNING_SECRET, SLACK_BOT]) expect(html).not.toContain(s);
  };

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    session = await startAdminSession(`chat-apps-${locale}`, locale);
    ({ host, page, base } = session);
    await host.helpdesk.saveStaff({ id: 'alice', name: 'Alice Martin', email: null, permissions: ['tickets.reply'], active: true });
  }, T);
  afterAll(async () => session?.close(), T);

  it(
    'enters, refuses, saves and never shows back the apps’ secrets; links chat users to staff',
    async () => {
      await page.goto(`${base}/apps`);
      expect(await page.textContent('[data-testid=state-publicKey]')).toBe(w.notSet);
      expect(await page.textContent('[data-testid=discord-url]')).toBe('/hooks/webhooks/discord/interactions');
      await shot('empty');

      // A malformed id is refused by name; the secrets typed are not written back.
      await page.fill('#a-applicationId', 'abc');
      await page.fill('#a-publicKey', PUBLIC_KEY);
      await page.fill('#a-botToken', BOT_TOKEN);
      await Promise.all([page.waitForURL(/\/apps\/discord$/), page.click('[data-testid=save-discord]')]);
      expect(await page.textContent('[data-field-error=applicationId]')).toContain(w.refused);
      expect(await page.inputValue('#a-applicationId')).toBe('abc');
      expect(await page.inputValue('#a-publicKey')).toBe('');
      await secretsAbsent();
      await shot('refused');
      expect(await api('/apps/discord')).toMatchObject({ configured: false });

      await page.fill('#a-applicationId', '123456789012345678');
      await page.fill('#a-publicKey', PUBLIC_KEY);
      await page.fill('#a-botToken', BOT_TOKEN);
      await Promise.all([page.waitForURL(/saved=discord/), page.click('[data-testid=save-discord]')]);
      expect(await page.textContent('[data-testid=saved]')).toBe(w.saved);
      expect(await page.textContent('[data-testid=state-publicKey]')).toBe(w.set);
      expect(await page.textContent('[data-testid=state-botToken]')).toBe(w.set);

      // Saved again with the secret fields blank: the stored key and token are kept.
      await page.fill('#a-applicationId', '223456789012345678');
      await Promise.all([page.waitForURL(/saved=discord/), page.click('[data-testid=save-discord]')]);
      expect(await api('/apps/discord')).toEqual({ applicationId: '223456789012345678', publicKeySet: true, botTokenSet: true, links: {} });

      await page.fill('#a-signingSecret', SIGNING_SECRET);
      await page.fill('#a-slackBotToken', SLACK_BOT);
      await Promise.all([page.waitForURL(/saved=slack/), page.click('[data-testid=save-slack]')]);
      expect(await api('/apps/slack')).toEqual({ signingSecretSet: true, botTokenSet: true, links: {} });

      // Links: one row per staff member; a chat user linked twice is refused.
      const row = page.locator('[data-testid=link-row-alice]');
      const adminRow = page.locator('[data-testid=link-row-admin]');
      await row.locator('input').nth(0).fill('80351110224678912');
      await adminRow.locator('input').nth(0).fill('80351110224678912');
      await Promise.all([page.waitForURL(/\/apps\/links$/), page.click('[data-testid=save-links]')]);
      expect(await page.locator('.wh-field-error').count()).toBe(1);
      await page.locator('[data-testid=link-row-admin]').locator('input').nth(0).fill('');
      await page.locator('[data-testid=link-row-alice]').locator('input').nth(1).fill('U0ALICE01');
      await Promise.all([page.waitForURL(/saved=links/), page.click('[data-testid=save-links]')]);
      expect(await page.textContent('[data-testid=saved]')).toBe(w.links);
      expect((await api('/apps/discord')).links).toEqual({ '80351110224678912': 'alice' });
      expect((await api('/apps/slack')).links).toEqual({ U0ALICE01: 'alice' });
      expect(await page.locator('[data-testid=link-row-alice] input').nth(1).inputValue()).toBe('U0ALICE01');
      await secretsAbsent();
      await shot('saved');

      // The webhook form's option says it needs this page.
      await page.goto(`${base}/webhooks/new`);
      await page.selectOption('#f-platform', 'discord');
      await page
        .locator('#wh-advanced, details:has(#f-helpdeskButtons)')
        .first()
        .evaluate((d) => d.setAttribute('open', ''));
      expect(await page.isVisible('#f-helpdeskButtons')).toBe(true);
      expect(await page.getAttribute('#help-helpdeskButtons a', 'href')).toMatch(/\/apps$/);
      await page.locator('#f-helpdeskButtons').scrollIntoViewIfNeeded();
      await page
        .locator('#f-helpdeskButtons')
        .locator('xpath=ancestor::div[contains(@class,"wh-field")]')
        .screenshot({
          path: path.join(shots, `chat-apps-${locale}-form-option-1366.png`),
        });
    },
    T,
  );
});
