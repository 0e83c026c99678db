/**
 * The reference host's development tools in a real browser (issue 29), in French and English, at
 * 1366 and 390 px, axe-core at 0 serious or critical on each new state:
 *  - the simulator runs a whole conversation on a real helpdesk ticket (one forum post in the
 *    local inbox holding it), and continues the last open ticket as its customer;
 *  - the local inbox speaks the host's language (column titles, the sample ticket) and offers
 *    "use this receiver" links that open the module's webhook form prefilled, its platform
 *    detected; `POST …/api/detect-platform` recognises the inbox's Discord and Slack receivers.
 *  - a module being started answers its pages with 503, Retry-After and a Reload button.
 * Screenshots: docs/screenshots/host-tools-<state>-<locale>-<width>.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { startInbox, type RunningInbox } from '../../host/inbox/start-inbox.js';
import { sampleTicketTexts } from '../../sdk/sample-events.js';
import { fixtureModule, repoRoot, startTestHost } from '../fixtures/host-kit.js';
import { axe, serious } from '../support/axe.js';
import { launchBrowser } from '../support/browser.js';
import { requireBuild, waitFor } from '../support/host-child.js';

const shots = path.join(repoRoot, 'docs', 'screenshots');
const T = 240_000;

const words = {
  fr: {
    signIn: 'Se connecter',
    done: /^Ticket n° (\d+) : ticket\.submit, ticket\.reply, ticket\.reply, ticket\.close émis\.$/,
    continued: /^Ticket n° (\d+) : ticket\.reply émis\.$/,
    orders: '#commandes — Discord',
    detected: 'Discord',
  },
  en: {
    signIn: 'Sign in',
    done: /^Ticket #(\d+): ticket\.submit, ticket\.reply, ticket\.reply, ticket\.close emitted\.$/,
    continued: /^Ticket #(\d+): ticket\.reply emitted\.$/,
    orders: '#orders — Discord',
    detected: 'Discord',
  },
} as const;

describe.each(['fr', 'en'] as const)('the host’s tools in a browser (%s)', (locale) => {
  let browser: Browser;
  let host: Host;
  let inbox: RunningInbox;
  let varDir: string;
  const w = words[locale];
  const texts = sampleTicketTexts[locale];
  const base = '/admin/modules/webhooks';

  beforeAll(async () => {
    requireBuild();
    inbox = await startInbox({ port: 0, locale });
    ({ host, varDir } = await startTestHost({
      label: `tools-${locale}`,
      locale,
      profile: 'development',
      inboxUrl: inbox.url,
      inboxReceivers: inbox.receivers(),
    }));
    await host.modules.installFromFolder(repoRoot);
    expect((await host.modules.enable('webhooks')).error).toBeNull();
    inbox.offerReceivers((platform) => `${host.url}${base}/webhooks/new?receiver=${platform}`);
    browser = await launchBrowser();
  }, T);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await inbox?.close();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  const api = (p: string, body: unknown) =>
    fetch(`${host.url}${base}/api${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** Screenshots at 1366 and 390 px; axe at 1366; no sideways scroll at 390. */
  const check = async (page: Page, state: string, problems: string[]) => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      if (width === 1366) for (const p of serious(await axe(page))) problems.push(`${state}: ${p}`);
      else {
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scroll > 390) problems.push(`${state}: ${scroll}px wide at 390`);
      }
      await page.screenshot({ path: path.join(shots, `host-tools-${state}-${locale}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  };

  it(
    'detect-platform recognises the inbox’s Discord and Slack receivers; a webhook saved with the Slack one is Slack’s',
    async () => {
      const detect = async (url: string) =>
        ((await (await api('/detect-platform', { url })).json()) as { platform: string | null }).platform;
      expect(await detect(inbox.discordWebhookUrl())).toBe('discord');
      expect(await detect(inbox.slackWebhookUrl())).toBe('slack');
      expect(await detect(inbox.googleChatWebhookUrl())).toBe('googlechat');
      // Not a receiver of this inbox: another port.
      expect(await detect(inbox.discordWebhookUrl().replace(`:${inbox.port}/`, `:${inbox.port + 1}/`))).toBeNull();
      const res = await api('/webhooks', { name: 'Slack inbox', url: inbox.slackWebhookUrl(), events: ['order.paid'] });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { webhook: { platform: string }; signingSecret?: string };
      expect(created.webhook.platform).toBe('slack');
      expect(created.signingSecret).toBeUndefined();
    },
    T,
  );

  it(
    'runs a conversation from the simulator: one forum post in the inbox; continues the last ticket as its customer; the inbox speaks the host’s language and links its receivers to the form',
    async () => {
      const created = await api('/webhooks', {
        name: 'Forum',
        url: inbox.discordWebhookUrl('999000000000000001', 'forum'),
        events: ['ticket.submit', 'ticket.reply', 'ticket.close'],
        options: { threadPerTicket: true, coalesce: false },
      });
      expect(created.status).toBe(201);
      const problems: string[] = [];
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: locale === 'fr' ? 'fr-FR' : 'en-GB' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${host.url}/admin/simulate`);
      await page.fill('input[name=token]', host.adminToken);
      await Promise.all([page.waitForURL(/\/admin\/simulate$/), page.click(`button:has-text("${w.signIn}")`)]);
      await check(page, 'simulator', problems);

      // One click: submit, two replies, close, on a real helpdesk ticket.
      await page.selectOption('#conv-priority', 'urgent');
      await Promise.all([page.waitForURL(/\/admin\/simulate$/), page.click('[data-testid=run-conversation]')]);
      const flash = (await page.locator('.hs-alert-ok').first().textContent())?.trim() ?? '';
      const ticketId = Number(w.done.exec(flash)?.[1]);
      expect(ticketId).toBeGreaterThan(0);
      expect((await host.helpdesk.ticket(ticketId))?.status).toBe('closed');
      await check(page, 'simulator-done', problems);

      const threadOf = () => inbox.messages().filter((m) => m.kind === 'discord' && m.thread);
      await waitFor('the conversation in the inbox', () => threadOf().length >= 4, 60_000);
      expect(new Set(threadOf().map((m) => m.thread!.id)).size).toBe(1);
      expect(threadOf()[0].thread!.name).toBe(`#${ticketId} ${texts.subject}`);

      // Continue: a new ticket from the events grid, then the last open one answered as its customer.
      await page.click('[data-testid="fire-ticket.submit"]');
      await page.locator('[data-testid=simulate-result].hs-alert-ok').waitFor();
      await page.reload();
      await page.check('[data-testid=as-customer]');
      await page.fill('#cont-content', 'Merci / thanks — still down.');
      await Promise.all([page.waitForURL(/\/admin\/simulate$/), page.click('[data-testid=continue-reply]')]);
      const continued = (await page.locator('.hs-alert-ok').first().textContent())?.trim() ?? '';
      const second = Number(w.continued.exec(continued)?.[1]);
      expect(second).toBeGreaterThan(ticketId);
      expect((await host.helpdesk.messages(second)).map((m) => [m.authorKind, m.content])).toEqual([
        ['customer', texts.opening],
        ['customer', 'Merci / thanks — still down.'],
      ]);
      await waitFor('the second post with its reply', () => threadOf().length >= 6, 60_000);
      expect(new Set(threadOf().map((m) => m.thread!.id)).size).toBe(2);

      // The inbox: in the host's language, the receivers with a link to the prefilled form.
      const inboxPage = await context.newPage();
      await inboxPage.goto(inbox.url);
      await expect(inboxPage.locator('#h-discord').textContent()).resolves.toBe(w.orders);
      await expect(inboxPage.locator('[data-testid=inbox-post] h3').first().textContent()).resolves.toBe(`#${second} ${texts.subject}`);
      await check(inboxPage, 'inbox', problems);
      await Promise.all([
        inboxPage.waitForURL(/\/webhooks\/new\?receiver=discord$/),
        inboxPage.click('[data-testid=use-receiver-discord]'),
      ]);
      await inboxPage.waitForFunction(() => !!document.getElementById('wh-detected')?.textContent);
      await expect(inboxPage.locator('#wh-detected').textContent()).resolves.toContain(w.detected);
      expect(await inboxPage.inputValue('#f-url')).toBe(inbox.discordWebhookUrl());
      await check(inboxPage, 'form-from-inbox', problems);

      expect(problems).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    },
    T,
  );
});

describe.each(['fr', 'en'] as const)('a module being started, in a browser (%s)', (locale) => {
  let browser: Browser;
  let host: Host;
  let varDir: string;

  beforeAll(async () => {
    ({ host, varDir } = await startTestHost({ label: `starting-${locale}`, locale, moduleTimeoutMs: 8_000 }));
    await host.modules.installFromFolder(fixtureModule('hangs-at-register'));
    browser = await launchBrowser();
  }, T);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it(
    'shows "starting" (503) with a Reload button while register() runs',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      await page.goto(`${host.url}/admin/login`);
      await page.fill('input[name=token]', host.adminToken);
      await Promise.all([page.waitForURL(/\/admin\/(?!login)/), page.press('input[name=token]', 'Enter')]);
      const enabling = host.modules.enable('hangs-at-register');
      await waitFor('the module to be starting', () => host.modules.isStarting('hangs-at-register'), 2_000, 5);
      const res = await page.goto(`${host.url}/admin/modules/hangs-at-register/`);
      expect(res?.status()).toBe(503);
      expect(res?.headers()['retry-after']).toBe('1');
      await expect(page.locator('[data-testid=reload]').count()).resolves.toBe(1);
      const problems: string[] = [];
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        if (width === 1366) problems.push(...serious(await axe(page)));
        await page.screenshot({ path: path.join(shots, `host-tools-starting-${locale}-${width}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
      await enabling;
      await page.close();
    },
    T,
  );
});
