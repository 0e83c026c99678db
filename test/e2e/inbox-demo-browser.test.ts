/**
 * Issue 26's one-minute demo, in a real Chromium, French and English, 1366 and 390 px: a
 * development host set up as `npm start` sets it up on its first start (prepareInboxDemo: example
 * webhooks, demo keys, demo Discord and Slack apps linked to the staff account admin); a customer
 * opens a ticket on /support; the local inbox shows it with its buttons; Reply opens the modal
 * (Discord's type 9 answer to the signed click; Slack's views.open, played by the inbox), the
 * typed answer is submitted, the host's ticket page shows the staff answer and the ticket's
 * thread in the inbox shows it once. Axe-core finds no serious or critical problem in the
 * inbox's states. Screenshots: docs/screenshots/inbox-demo-*.png.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Host } from '../../host/create-host.js';
import { DEMO_KEYS_FILE, type DemoChatKeys } from '../../host/inbox/demo-chat-keys.js';
import { prepareInboxDemo } from '../../host/inbox/prepare-inbox-demo.js';
import { startInbox, type RunningInbox } from '../../host/inbox/start-inbox.js';
import { repoRoot, startTestHost } from '../fixtures/host-kit.js';
import { axe, serious } from '../support/axe.js';
import { launchBrowser } from '../support/browser.js';

const shots = path.join(repoRoot, 'docs', 'screenshots');
const T = 240_000;

const words = {
  fr: {
    reply: 'Répondre',
    claim: 'Prendre',
    claimedBy: 'Pris',
    answer: 'Bonjour, le serveur redémarre, il sera en ligne dans deux minutes.',
    slackAnswer: 'Réponse depuis Slack : c’est réparé.',
    fieldAnswer: 'Et depuis le champ du message.',
  },
  en: {
    reply: 'Reply',
    claim: 'Claim',
    claimedBy: 'Claimed',
    answer: 'Hello, the server is restarting and will be back within two minutes.',
    slackAnswer: 'Answered from Slack: it is fixed.',
    fieldAnswer: 'And from the message field.',
  },
} as const;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each(['fr', 'en'] as const)('the one-minute demo in the local inbox (%s)', (locale) => {
  let host: Host;
  let inbox: RunningInbox;
  let browser: Browser;
  let page: Page;
  let varDir: string;
  const w = words[locale];
  const problems: string[] = [];

  /** Screenshots at both widths, and axe at each (the 390 px layout is its own state). */
  const look = async (name: string, inView?: Locator) => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      // Resizing moves the page: the part the state is about is brought back into view.
      if (inView) await inView.evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(shots, `inbox-demo-${locale}-${name}-${width}.png`) });
      for (const p of serious(await axe(page))) problems.push(`${name} ${width}: ${p}`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (sideways > 1) problems.push(`${name} ${width}: scrolls sideways by ${sideways}px`);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  };

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    inbox = await startInbox({ port: 0, locale });
    // As the CLI does in development: the inbox plays Slack's Web API.
    ({ host, varDir } = await startTestHost({
      label: `inbox-demo-${locale}`,
      locale,
      profile: 'development',
      chatApiBases: { slack: `${inbox.url}/api` },
    }));
    await host.modules.installFromFolder(repoRoot);
    await host.modules.enable('webhooks');
    const demo = await prepareInboxDemo({ hostUrl: host.url, adminToken: host.adminToken, inbox, dataDir: varDir, locale });
    expect(demo).toEqual({ webhook: { outcome: 'created' }, chatApps: { outcome: 'created' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  }, T);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await inbox?.close();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it('made the demo keys once, under var/, readable by this user only, and a second start seeds nothing again', async () => {
    const file = path.join(varDir, DEMO_KEYS_FILE);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    const before = fs.readFileSync(file, 'utf8');
    const again = await prepareInboxDemo({ hostUrl: host.url, adminToken: host.adminToken, inbox, dataDir: varDir, locale });
    expect(again).toEqual({ webhook: { outcome: 'already-seeded' }, chatApps: { outcome: 'already-seeded' } });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it(
    'a ticket opened on /support, answered with Reply in the inbox (Discord), shows on the host ticket page and once in its thread',
    async () => {
      const subject = `VPS ${locale} down`;
      await page.goto(`${host.url}/support`);
      await page.fill('#firstName', 'Alice');
      await page.fill('#lastName', 'Martin');
      await page.fill('#email', 'alice@example.com');
      await page.fill('#subject', subject);
      await page.fill('#content', 'Nothing answers since 9:00.');
      await Promise.all([page.waitForURL(/\/support\/tickets\/\w+/), page.click('[data-testid=open]')]);
      const ticketId = /\/support\/tickets\/([^?]+)/.exec(page.url())![1];

      // The inbox: the ticket's forum post, its Reply/Claim/Close buttons.
      const post = page.locator('[data-testid=inbox-post]', { hasText: subject });
      await until('the ticket in the inbox', async () => {
        await page.goto(inbox.url);
        return (await post.count()) === 1;
      });
      const reply = post.locator('button[data-demo=discord]', { hasText: w.reply }).first();
      await reply.scrollIntoViewIfNeeded();
      expect(await post.locator('button[data-demo=discord]').count()).toBeGreaterThanOrEqual(3);
      await look('discord-buttons', post);

      await reply.click();
      const modal = page.locator('[data-testid=demo-modal]');
      await modal.waitFor();
      expect(await modal.locator('h2').textContent()).toContain(ticketId);
      await modal.locator('textarea').fill(w.answer);
      await look('discord-modal');
      await modal.locator('button[type=submit]').click();
      await modal.waitFor({ state: 'detached' });
      await post.locator('[data-testid=demo-note]').waitFor();

      // The host's ticket page: the staff answer.
      await page.goto(`${host.url}/admin/login`);
      await page.fill('input[name=token]', host.adminToken);
      await Promise.all([page.waitForURL(/\/admin\/(?!login)/), page.press('input[name=token]', 'Enter')]);
      await page.goto(`${host.url}/admin/tickets/${ticketId}`);
      const staffMessage = page.locator('[data-testid=messages] li[data-author=staff]');
      expect(await staffMessage.count()).toBe(1);
      expect(await staffMessage.locator('[data-testid=message-content]').textContent()).toBe(w.answer);
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.screenshot({ path: path.join(shots, `inbox-demo-${locale}-host-ticket-1366.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: path.join(shots, `inbox-demo-${locale}-host-ticket-390.png`), fullPage: true });
      await page.setViewportSize({ width: 1366, height: 900 });

      // The ticket's thread in the inbox: the answer once (no echo of the chat's own reply).
      await until('the answer in the ticket thread', async () => {
        await page.goto(inbox.url);
        return (await post.locator('.replies').count()) > 0 && ((await post.textContent()) ?? '').includes(w.answer);
      });
      const thread = (await post.textContent()) ?? '';
      expect(thread.split(w.answer).length - 1).toBe(1);

      // Claim: the message's row shows who took it, the button disabled.
      const claim = post.locator('article[data-kind=discord]').first().locator('button[data-demo=discord]', { hasText: w.claim });
      await claim.click();
      await until('the claimed button', async () => (await post.locator('button:disabled', { hasText: w.claimedBy }).count()) > 0);
      await post.scrollIntoViewIfNeeded();
      await look('discord-answered', post);
      expect(problems).toEqual([]);
    },
    T,
  );

  it(
    'Slack: Reply opens the modal (views.open played by the inbox), its submit answers the ticket',
    async () => {
      const opened = await host.helpdesk.open({
        subject: `Slack ${locale}`,
        department: 'Support',
        priority: 'high',
        customer: { firstName: 'Bob', lastName: 'Durand', email: 'bob@example.com' },
        content: 'Mail bounces.',
      });
      const ticketId = opened.ticket.id;
      const card = page.locator('article[data-kind=slack]', { hasText: `Slack ${locale}` }).first();
      await until('the ticket in the Slack column', async () => {
        await page.goto(inbox.url);
        return (await card.locator('button[data-demo=slack]').count()) >= 3;
      });
      await card.scrollIntoViewIfNeeded();
      await look('slack-buttons', card);
      await card.locator('button[data-demo=slack]', { hasText: w.reply }).click();
      const modal = page.locator('[data-testid=demo-modal]');
      await modal.waitFor();
      await modal.locator('textarea').fill(w.slackAnswer);
      await look('slack-modal');
      await modal.locator('button[type=submit]').click();
      await modal.waitFor({ state: 'detached' });
      const messages = await until('the Slack answer on the ticket', async () => {
        const list = await host.helpdesk.messages(ticketId);
        return list.some((m) => m.content === w.slackAnswer) ? list : null;
      });
      expect(messages.filter((m) => m.content === w.slackAnswer).map((m) => [m.authorKind, m.staffId])).toEqual([['staff', 'admin']]);

      // The answer field in the message (Enter sends it), then Claim: the message replaced through
      // the interaction's response_url, which the inbox plays too.
      await page.goto(inbox.url);
      const field = card.locator('form[data-demo=slack] input');
      await field.fill(w.fieldAnswer);
      await field.press('Enter');
      await card.locator('[data-testid=demo-note]').waitFor();
      expect((await host.helpdesk.messages(ticketId)).filter((m) => m.content === w.fieldAnswer)).toHaveLength(1);
      await page.goto(inbox.url);
      const claimed = page.locator(`article[data-kind=slack][data-seq="${await card.getAttribute('data-seq')}"]`);
      await claimed.locator('button[data-demo=slack]', { hasText: w.claim }).click();
      await until('the Slack message replaced', async () =>
        (
          (await claimed
            .locator('.sctx')
            .textContent()
            .catch(() => '')) ?? ''
        ).includes(w.claimedBy),
      );
      expect((await host.helpdesk.ticket(ticketId))?.assignedStaffId).toBe('admin');
      await claimed.scrollIntoViewIfNeeded();
      await look('slack-claimed', claimed);
      expect(problems).toEqual([]);
    },
    T,
  );

  it('the inbox signs for real: with other keys than the module was given, the module refuses (401) and nothing changes', async () => {
    const opened = await host.helpdesk.open({
      subject: `Forged ${locale}`,
      department: 'Support',
      priority: 'low',
      customer: { firstName: 'Eve', lastName: 'Forger', email: 'eve@example.com' },
      content: 'Who answers?',
    });
    const ticketId = opened.ticket.id;
    const seqOf = async (kind: string) =>
      until(
        `the ${kind} message`,
        async () => inbox.messages().find((m) => m.kind === kind && JSON.stringify(m.body).includes(`Forged ${locale}`))?.seq,
      );
    const [discordSeq, slackSeq] = [await seqOf('discord'), await seqOf('slack')];
    const real = JSON.parse(fs.readFileSync(path.join(varDir, DEMO_KEYS_FILE), 'utf8')) as DemoChatKeys;
    const other = JSON.parse(fs.readFileSync(path.join(varDir, DEMO_KEYS_FILE), 'utf8')) as DemoChatKeys;
    other.discord.privateKeyPem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    other.slack.signingSecret = crypto.randomBytes(16).toString('hex');
    inbox.connectDemoChat({ hostUrl: host.url, keys: other });
    try {
      const act = async (platform: string, body: unknown) =>
        (await (
          await fetch(`${inbox.url}/demo/${platform}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).json()) as { show: string; text?: string };
      expect(await act('discord', { seq: discordSeq, id: `ticket:close:${ticketId}` })).toEqual({
        show: 'note',
        text: 'HTTP 401: invalid request signature',
      });
      expect(await act('discord', { seq: discordSeq, id: `ticket:reply-modal:${ticketId}`, content: 'forged' })).toMatchObject({
        text: 'HTTP 401: invalid request signature',
      });
      expect(await act('slack', { seq: slackSeq, id: `ticket:close:${ticketId}`, value: String(ticketId) })).toMatchObject({
        show: 'note',
        text: expect.stringMatching(/^HTTP 401/),
      });
      // Not JSON (what another site's page could post without a preflight): refused before anything.
      for (const type of ['text/plain', 'application/x-www-form-urlencoded'])
        expect(
          (await fetch(`${inbox.url}/demo/discord`, { method: 'POST', headers: { 'content-type': type }, body: `{"seq":${discordSeq}}` }))
            .status,
        ).toBe(415);
      const after = await host.helpdesk.ticket(ticketId);
      expect([after?.status, after?.assignedStaffId, (await host.helpdesk.messages(ticketId)).length]).toEqual(['open', null, 1]);
    } finally {
      inbox.connectDemoChat({ hostUrl: host.url, keys: real });
    }
  });
});
