/**
 * A forum post per ticket, seen in a real Chromium, French and English, at 1366 and 390 px:
 *  - the form's thread options (title with its live preview, tags, status card) show for
 *    Discord; for Slack the form says threads need a bot token, and the options go;
 *  - tickets fired on the host reach the local inbox as forum posts with their threads, the
 *    starter edited on close; the delivery log links each ticket row to its post.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { EventName } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';
import type { Host } from '../../host/create-host.js';
import type { RunningInbox } from '../../host/inbox/start-inbox.js';
import { repoRoot } from '../fixtures/host-kit.js';
import { startAdminSession, type AdminSession } from '../support/admin-session.js';
import { waitUntil } from '../faults/wait-until.js';

const shots = path.join(repoRoot, 'test-results', 'screenshots');
const T = 180_000;

const words = {
  fr: { closed: '🔒 Fermé', unavailable: 'jeton de bot', preview: 'Aperçu de la publication', thread: 'Fil Discord' },
  en: { closed: '🔒 Closed', unavailable: 'bot token', preview: 'Post preview', thread: 'Discord thread' },
} as const;

describe.each(['fr', 'en'] as const)('a forum post per ticket in the browser (%s)', (locale) => {
  let host: Host;
  let base: string;
  let page: Page;
  let inbox: RunningInbox;
  let webhookId: number;
  const w = words[locale];
  const auth = () => ({ authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' });

  const shot = async (name: string, locator?: string) => {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      const file = path.join(shots, `threads-${locale}-${name}-${width}.png`);
      if (locator) await page.locator(locator).screenshot({ path: file });
      else await page.screenshot({ path: file, fullPage: true });
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  };

  let session: AdminSession | undefined;
  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    session = await startAdminSession(`threads-${locale}`, locale);
    ({ host, inbox, page, base } = session);
    const created = await fetch(`${base}/api/webhooks`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({
        name: 'Support — forum',
        url: inbox.discordWebhookUrl('1300000000000000014', 'forumToken'),
        platform: 'discord',
        events: ['ticket.submit', 'ticket.reply', 'ticket.close'],
        options: {
          threadPerTicket: true,
          threadTitle: '#%id% %subject%',
          threadTags: [
            { when: 'urgent', tagId: '300000000000000001' },
            { when: 'Technique', tagId: '300000000000000002' },
          ],
        },
      }),
    });
    expect(created.status).toBe(201);
    webhookId = ((await created.json()) as { webhook: { id: number } }).webhook.id;
  }, T);
  afterAll(async () => session?.close(), T);

  it(
    'the form shows the thread options for Discord, with the post title previewed as it is typed; other platforms say threads need a bot token',
    async () => {
      await page.goto(`${base}/webhooks/${webhookId}/edit`);
      // Saved with threadPerTicket: the section is open, the status card defaulted to "on close".
      expect(await page.getAttribute('#wh-threads', 'open')).not.toBeNull();
      expect(await page.isChecked('#f-threadPerTicket')).toBe(true);
      expect(await page.inputValue('#f-statusCard')).toBe('close');
      expect(await page.inputValue('#f-threadTags')).toBe('urgent = 300000000000000001\nTechnique = 300000000000000002');
      expect(await page.isVisible('[data-testid=threads-unavailable]')).toBe(false);
      const sample = sampleEvent('ticket.submit', {});
      expect(await page.textContent('#wh-thread-title')).toBe(`#${sample.ticket.id} ${sample.ticket.subject}`);
      expect(await page.textContent('[data-testid=thread-preview]')).toContain(w.preview);
      await page.fill('#f-threadTitle', '[%priority%]   %subject% (%departmentName%)');
      await page.waitForFunction(() => document.getElementById('wh-thread-title')!.textContent!.startsWith('['));
      expect(await page.textContent('#wh-thread-title')).toMatch(/^\[\S+\] Mon serveur ne démarre plus \(\S+\)$/);
      await page.fill('#f-threadTitle', 'x'.repeat(150));
      await page.waitForFunction(() => document.getElementById('wh-thread-title')!.textContent!.length === 100);
      expect(await page.textContent('#wh-thread-title')).toBe('x'.repeat(99) + '…');
      await page.fill('#f-threadTitle', '%subject% — %user%');
      await page.waitForFunction(() => /—/.test(document.getElementById('wh-thread-title')!.textContent!));
      await shot('form-discord', '#wh-threads');
      // Ticking "a post per ticket" turns the status card on (unless the admin chose otherwise).
      await page.uncheck('#f-threadPerTicket');
      await page.selectOption('#f-statusCard', 'off');
      await page.check('#f-threadPerTicket');
      expect(await page.inputValue('#f-statusCard')).toBe('close');
      // Slack: the options go, the note says why.
      await page.selectOption('#f-platform', 'slack');
      expect(await page.isVisible('[data-testid=threads-unavailable]')).toBe(true);
      expect(await page.textContent('[data-testid=threads-unavailable]')).toContain(w.unavailable);
      for (const id of ['#f-threadPerTicket', '#f-threadTitle', '#f-threadTags', '#f-statusCard', '[data-testid=thread-preview]'])
        expect([id, await page.isVisible(id)]).toEqual([id, false]);
      await shot('form-slack', '#wh-threads');
    },
    T,
  );

  it(
    'tickets fired on the host become forum posts in the inbox, one per ticket, replies inside, starter edited on close; the log links to the post',
    async () => {
      inbox.clear();
      let fired = 0;
      const fire = async (event: EventName, ticket: number, content: string | null, priority: 'urgent' | 'medium') => {
        const p = sampleEvent(event as 'ticket.submit', { seq: ticket });
        p.ticket.priority = priority;
        p.ticket.subject = locale === 'fr' ? `Serveur ${ticket} hors ligne` : `Server ${ticket} down`;
        (p as { message: unknown }).message =
          content === null ? null : { content, author: { name: ticket % 2 ? 'Alice' : 'Camille', staff: true } };
        await host.bus.emitAsync(event, { ...p, eventId: `e2e-thread-${locale}-${++fired}` });
      };
      // Two tickets, interleaved.
      await fire('ticket.submit', 1, 'Mon VPS ne répond plus depuis ce matin.', 'urgent');
      await fire('ticket.submit', 2, 'Facture en double ?', 'medium');
      await fire('ticket.reply', 1, 'Nous regardons, merci de patienter.', 'urgent');
      await fire('ticket.reply', 2, 'Le doublon est annulé.', 'medium');
      await fire('ticket.reply', 1, 'Redémarré : tout refonctionne.', 'urgent');
      await fire('ticket.close', 2, null, 'medium');
      await fire('ticket.close', 1, 'Bonne journée !', 'urgent');
      await waitUntil(
        () => inbox.messages().filter((m) => m.thread).length === 7 && inbox.messages().filter((m) => m.editedSeq).length === 2,
        async () =>
          `inbox: ${JSON.stringify(inbox.messages().map((m) => [m.thread?.name, m.editedSeq]))}; log: ${JSON.stringify(
            ((await (await fetch(`${base}/api/deliveries?webhook=${webhookId}`, { headers: auth() })).json()) as { items: unknown[] })
              .items,
          )}`,
      );
      const threads = new Set(inbox.messages().map((m) => m.thread!.id));
      expect(threads.size).toBe(2);

      await page.goto(inbox.url + '/');
      const posts = page.locator('[data-testid=inbox-post]');
      expect(await posts.count()).toBe(2);
      const first = (await posts.nth(0).textContent()) ?? '';
      expect(first).toContain(w.closed);
      expect(first).toMatch(/Redémarré[\s\S]*Bonne journée/);
      await shot('inbox');

      // The delivery log: each ticket row links to its post.
      await page.goto(`${base}/deliveries?webhook=${webhookId}`);
      const links = page.locator('[data-testid=thread-link]');
      expect(await links.count()).toBe(7);
      expect(await links.first().textContent()).toContain(w.thread);
      expect(await links.first().locator('a').getAttribute('href')).toMatch(/^https:\/\/discord\.com\/channels\/\d+\/\d+$/);
      await shot('log', '[data-testid=delivery-log]');
    },
    T,
  );
});
