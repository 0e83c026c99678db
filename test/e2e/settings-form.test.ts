/**
 * The create form in a real Chromium, French and English: a refused save reports every error at
 * once (one summary naming the fields by their labels, linking to them, focus on it; each message
 * beside its field with aria-invalid/aria-describedby) and keeps what was typed, the URL too; the
 * form shows only the options the platform reads and the filters the chosen events can use.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import type { RunningInbox } from '../../host/inbox/start-inbox.js';
import { repoRoot } from '../fixtures/host-kit.js';
import { startAdminSession, type AdminSession } from '../support/admin-session.js';

const shots = path.join(repoRoot, 'test-results', 'screenshots');
const T = 180_000;
const TELEGRAM_URL = 'https://api.telegram.org/bot123456:formTestToken/sendMessage';

const words = {
  fr: { name: 'Nom', url: 'URL du webhook', events: 'Événements', chat: 'Identifiant du chat Telegram' },
  en: { name: 'Name', url: 'Webhook URL', events: 'Events', chat: 'Telegram chat id' },
} as const;

const allOptions = ['mode', 'color', 'username', 'avatarUrl', 'rolePing', 'threadId', 'threadName', 'coalesce', 'slackBlocks'];

describe.each(['fr', 'en'] as const)('the webhook form (%s)', (locale) => {
  let host: Host;
  let base: string;
  let page: Page;
  let inbox: RunningInbox;
  const w = words[locale];

  const visible = (field: string) => page.locator(`[data-applies]:has([data-option-note="${field}"])`).isVisible();
  const shot = async (name: string) => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.screenshot({ path: path.join(shots, `form-${locale}-${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  };

  let session: AdminSession | undefined;
  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    session = await startAdminSession(`form-${locale}`, locale);
    ({ host, inbox, page, base } = session);
  }, T);
  afterAll(async () => session?.close(), T);

  it(
    'an empty submit lists every error at once, each beside its field, focus on the summary',
    async () => {
      await page.goto(`${base}/webhooks/new`);
      await Promise.all([page.waitForURL(/\/webhooks$/), page.click('[data-testid=save]')]);
      const links = await page.locator('[data-testid=form-errors] a').allTextContents();
      expect(links).toEqual([w.name, w.url, w.events]);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('wh-error-summary');
      for (const [key, id] of [
        ['name', 'f-name'],
        ['url', 'f-url'],
        ['events', 'f-events'],
      ]) {
        expect(await page.getAttribute(`#${id}`, 'aria-invalid')).toBe('true');
        expect(await page.getAttribute(`#${id}`, 'aria-describedby')).toContain(`err-${key}`);
        expect(await page.locator(`#err-${key}`).isVisible()).toBe(true);
        expect(await page.getAttribute(`[data-error-link="${key}"]`, 'href')).toBe(`#${id}`);
      }
      // A link moves focus to its field.
      await page.click('[data-error-link="events"]');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-events');
      await shot('errors-empty');
      // Fixing a field clears its mark at once.
      await page.fill('#f-name', 'x');
      expect(await page.getAttribute('#f-name', 'aria-invalid')).toBeNull();
    },
    T,
  );

  it(
    'keeps every typed value after a refused save, the URL and platform included, and names the Telegram chat id in "General"',
    async () => {
      await page.goto(`${base}/webhooks/new`);
      await page.fill('#f-url', TELEGRAM_URL);
      await page.waitForFunction(() => document.getElementById('wh-detected')!.textContent!.includes('Telegram'));
      await page.selectOption('#f-platform', 'telegram');
      await page.fill('#f-name', '');
      await Promise.all([page.waitForURL(/\/webhooks$/), page.click('[data-testid=save]')]);
      const links = await page.locator('[data-testid=form-errors] a').allTextContents();
      expect(links).toEqual([w.name, w.chat, w.events]);
      expect(await page.inputValue('#f-url')).toBe(TELEGRAM_URL);
      expect(await page.inputValue('#f-platform')).toBe('telegram');
      // The chat id a Telegram webhook needs sits in the first section, with its error beside it.
      const general = page.locator('section.wh-card').first();
      expect(await general.locator('#f-telegramChatId').isVisible()).toBe(true);
      expect(await general.locator('#err-telegramChatId').isVisible()).toBe(true);
      await shot('errors-telegram');
    },
    T,
  );

  it(
    'a Telegram webhook shows only Telegram options; filters follow the chosen events',
    async () => {
      await page.goto(`${base}/webhooks/new`);
      await page.click('#wh-advanced > summary');
      await page.click('#wh-filters > summary');
      // Nothing known yet: every option shows.
      for (const o of allOptions) expect(await visible(o)).toBe(true);
      await page.fill('#f-url', TELEGRAM_URL);
      await page.waitForFunction(() => document.getElementById('wh-detected')!.textContent!.includes('Telegram'));
      for (const o of allOptions) expect([o, await visible(o)]).toEqual([o, false]);
      expect(await page.isVisible('#f-telegramChatId')).toBe(true);
      expect(await page.isVisible('#f-telegramParseMode')).toBe(true);
      // The preview is Telegram's HTML drawn (bold as bold), not its tags as text.
      await page.waitForSelector('#wh-preview-render .wh-tg-bubble strong');
      const drawn = (await page.textContent('#wh-preview-render')) ?? '';
      expect(drawn).not.toContain('<b>');
      expect(await page.textContent('#wh-preview-json')).toContain('<b>');
      // Discord chosen explicitly: its options come back, Telegram's go.
      await page.selectOption('#f-platform', 'discord');
      for (const o of ['mode', 'color', 'rolePing', 'threadId']) expect(await visible(o)).toBe(true);
      expect(await visible('slackBlocks')).toBe(false);
      expect(await page.isVisible('#f-telegramChatId')).toBe(false);
      // Ticket events only: the order filters go away; the ticket ones stay.
      await page.check('input[name=events][value="ticket.submit"]');
      expect(await page.isVisible('#f-minOrderTotal')).toBe(false);
      expect(await page.isVisible('#f-paymentGateways')).toBe(false);
      expect(await page.isVisible('#f-departments')).toBe(true);
      expect(await page.isVisible('#f-replyAuthors')).toBe(false);
      await page.check('input[name=events][value="ticket.reply"]');
      expect(await page.isVisible('#f-replyAuthors')).toBe(true);
      await page.selectOption('#f-platform', 'telegram');
      await shot('telegram-only');
    },
    T,
  );

  it(
    "checks each field as the admin leaves it, with the save's own rules and words, and clears a fixed error",
    async () => {
      const say = JSON.parse(fs.readFileSync(path.join(repoRoot, 'lang', `${locale}.json`), 'utf8')) as Record<string, string>;
      await page.goto(`${base}/webhooks/new?flow=shop`);
      // Nothing is flagged before the admin has touched a field.
      expect(await page.locator('[data-field-error]').count()).toBe(0);
      await page.fill('#f-url', 'ftp://example.com/hook');
      await page.focus('#f-name');
      await page.locator('#err-url').waitFor();
      expect(await page.textContent('#err-url')).toBe(say['settings.errors.url_scheme']);
      expect(await page.getAttribute('#f-url', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('#f-url', 'aria-describedby')).toContain('err-url');
      // Fixed: the message and aria-invalid go, the help text stays described.
      await page.fill('#f-url', 'https://example.com/hook');
      await page.locator('#err-url').waitFor({ state: 'detached' });
      expect(await page.getAttribute('#f-url', 'aria-invalid')).toBeNull();
      expect(await page.getAttribute('#f-url', 'aria-describedby')).toBe('help-url');
      // A Telegram webhook without its chat id: said beside the chat id field once the platform is chosen.
      await page.selectOption('#f-platform', 'telegram');
      await page.fill('#f-telegramChatId', 'x');
      await page.focus('#f-name');
      await page.locator('#err-telegramChatId').waitFor();
      expect(await page.textContent('#err-telegramChatId')).toBe(say['settings.errors.telegram_chat']);
      // Unchecking the only event: said at once.
      await page.uncheck('input[name=events][value="order.paid"]');
      await page.locator('#err-events').waitFor();
      expect(await page.textContent('#err-events')).toBe(say['settings.errors.events_required']);
      // The refused save's summary loses each field the admin fixes.
      await Promise.all([page.waitForURL(/\/webhooks$/), page.locator('#wh-form').evaluate((f) => (f as HTMLFormElement).requestSubmit())]);
      await page.locator('[data-error-link=name]').waitFor();
      await page.fill('#f-name', 'Boutique');
      await page.locator('[data-error-link=name]').waitFor({ state: 'detached' });
      expect(await page.locator('#err-name').count()).toBe(0);
      expect(await page.locator('[data-error-link=events]').count()).toBe(1);
    },
    T,
  );

  it(
    'a Teams preview is the card drawn by the Adaptive Cards renderer the host serves, with no other network',
    async () => {
      // Every request leaving the host is refused and counted: the renderer must come from the host.
      const outside: string[] = [];
      await page.route(
        (u) => !u.href.startsWith(host.url),
        (route) => {
          outside.push(route.request().url());
          return route.abort();
        },
      );
      const served: number[] = [];
      page.on('response', (r) => {
        if (r.url().endsWith('/vendor/adaptivecards.min.js')) served.push(r.status());
      });
      try {
        await page.goto(`${base}/webhooks/new?flow=shop`);
        await page.fill('#f-url', 'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=formTest');
        await page.waitForFunction(() => document.getElementById('wh-detected')!.textContent!.includes('Teams'));
        const card = page.locator('#wh-preview-render .wh-teams .ac-adaptiveCard');
        await card.waitFor();
        // The card's own text, drawn as text blocks (not the card's JSON).
        const drawn = (await card.textContent()) ?? '';
        expect(drawn).toContain(locale === 'fr' ? 'Nouvelle commande' : 'New order');
        expect(drawn).not.toContain('AdaptiveCard');
        // Teams' markdown subset drawn: **bold** as bold, its asterisks gone.
        expect(drawn).not.toContain('**');
        expect(await card.locator('.ac-textBlock strong').count()).toBeGreaterThan(0);
        expect(await card.locator('.ac-textBlock').count()).toBeGreaterThan(1);
        expect(await page.textContent('#wh-preview-json')).toContain('"AdaptiveCard"');
        expect(served).toEqual([200]);
        expect(outside).toEqual([]);
        await shot('teams-card');
      } finally {
        await page.unrouteAll();
      }
    },
    T,
  );

  it(
    'Send test from a new, unsaved form answers next to the button at phone size, in plain words',
    async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/webhooks/new?flow=shop`);
      const before = inbox.messages().length;
      await page.fill('#f-url', inbox.discordWebhookUrl('1300000000000000077', 'draftToken'));
      await page.selectOption('#f-platform', 'discord');
      await page.click('[data-testid=send-test]');
      const answer = page.locator('[data-testid=test-answer]');
      await page.waitForFunction(() => /Discord/.test(document.querySelector('[data-testid=test-answer]')?.textContent ?? ''));
      expect(await answer.getAttribute('class')).toContain('wh-alert-ok');
      expect(inbox.messages().length).toBe(before + 1);
      // Beside the button: right under it, on the screen the admin is looking at.
      await answer.scrollIntoViewIfNeeded();
      const button = (await page.locator('[data-testid=send-test]').boundingBox())!;
      const box = (await answer.boundingBox())!;
      expect(box.y - (button.y + button.height)).toBeGreaterThanOrEqual(0);
      expect(box.y - (button.y + button.height)).toBeLessThan(60);
      await page.screenshot({ path: path.join(shots, `form-${locale}-send-test-draft-390.png`) });
      // A deleted Discord webhook: the answer says so plainly; nothing was saved.
      await page.fill('#f-url', inbox.discordWebhookUrl('0', 'goneToken'));
      await page.click('[data-testid=send-test]');
      await page.waitForFunction(() => /404/.test(document.querySelector('[data-testid=test-answer]')?.textContent ?? ''));
      expect(await answer.getAttribute('class')).toContain('wh-alert-danger');
      const list = await (await fetch(`${base}/api/webhooks`, { headers: { authorization: `Bearer ${host.adminToken}` } })).json();
      expect(list.total).toBe(0);
      await page.setViewportSize({ width: 1366, height: 900 });
    },
    T,
  );
});
