/**
 * The plan a ticket event carries for a thread-per-ticket or status-card Discord webhook: the
 * post's title (template, default `#%id% %subject%`, one line, 100 characters at most), its
 * forum tags (priority and department rules, valid snowflakes, at most 5), the status card (on
 * close; on each reply when asked), and every body a random plan makes, posted as a new forum
 * post or sent as an edit, valid against Discord's published spec.
 */
import fc from 'fast-check';
import type { EventName } from '../../../sdk/events.js';
import { sampleEvent } from '../../../sdk/sample-events.js';
import { preview } from '../../../module/rendering/preview.js';
import { renderMessage } from '../../../module/rendering/render-message.js';
import { ticketThreadPlan, threadTitle } from '../../../module/rendering/ticket-thread-plan.js';
import { computeVariables } from '../../../module/rendering/variables.js';
import { defaultOptions, type WebhookOptions } from '../../../module/webhooks/webhook.js';
import { discordEditViolations, discordViolations } from '../../support/platform-contracts.js';
import { options as anyOptions, validEvent } from './arbitraries.js';

const TZ = 'Europe/Paris';

function plan(event: EventName, patch: Partial<WebhookOptions>, edit?: (p: ReturnType<typeof sampleEvent>) => void) {
  const payload = sampleEvent(event, { seq: 3, now: Date.UTC(2026, 0, 15, 10) });
  edit?.(payload);
  const vars = computeVariables(event, payload as never, 'fr', TZ);
  return ticketThreadPlan({ event, payload, options: { ...defaultOptions(), ...patch }, vars, locale: 'fr', timeZone: TZ });
}

describe('ticket thread plan', () => {
  it('is null for orders and for webhooks without threads or status card', () => {
    expect(plan('order.paid', { threadPerTicket: true })).toBeNull();
    expect(plan('ticket.submit', {})).toBeNull();
    expect(plan('ticket.submit', { statusCard: 'off' })).toBeNull();
  });

  it('puts a reopened ticket in its post as a reply, and keeps billing events out of every thread', () => {
    expect(plan('ticket.reopen', { threadPerTicket: true })).toMatchObject({ kind: 'reply', mode: 'forum' });
    expect(plan('ticket.reopen', { statusCard: 'each' })).toMatchObject({ kind: 'reply', mode: 'channel' });
    for (const event of ['invoice.paid', 'service.suspended', 'customer.registered'] as const)
      expect(plan(event, { threadPerTicket: true, statusCard: 'each' })).toBeNull();
  });

  it('names the post #id subject by default, or from the admin’s template, on one line, cut to 100', () => {
    const p = plan('ticket.submit', { threadPerTicket: true }, (x) => {
      (x as { ticket: { id: number } }).ticket.id = 42;
    })!;
    expect(p.name).toBe('#42 Mon serveur ne démarre plus');
    expect(p.mode).toBe('forum');
    expect(p.ticket).toBe('42');
    const custom = plan('ticket.submit', { threadPerTicket: true, threadTitle: '[%priority%]\n%subject% — %departmentName%' })!;
    expect(custom.name).toMatch(/^\[\w+\] Mon serveur ne démarre plus — \S/);
    const long = plan('ticket.submit', { threadPerTicket: true }, (x) => {
      (x as { ticket: { subject: string } }).ticket.subject = 'é'.repeat(300);
    })!;
    expect(long.name.length).toBe(100);
    expect(long.name.endsWith('…')).toBe(true);
    // A template that renders to nothing still names the post.
    expect(threadTitle('%related%', { related: { text: '', untrusted: null } }, 'Ticket ouvert')).toBe('Ticket ouvert');
  });

  it('tags the post from the ticket’s priority and department (id or name, any case), valid ids only, at most 5', () => {
    const rules = [
      { when: 'URGENT', tagId: '300000000000000001' },
      { when: 'technique', tagId: '300000000000000002' },
      { when: '9', tagId: '300000000000000003' },
      { when: 'urgent', tagId: 'not-a-snowflake' },
      { when: 'urgent', tagId: '300000000000000001' },
      ...[4, 5, 6, 7, 8].map((n) => ({ when: 'urgent', tagId: `30000000000000000${n}` })),
    ];
    const p = plan('ticket.submit', { threadPerTicket: true, threadTags: rules }, (x) => {
      x = x as ReturnType<typeof sampleEvent<'ticket.submit'>>;
      (x as { ticket: { priority: string; department: unknown } }).ticket.priority = 'urgent';
      (x as { ticket: { department: unknown } }).ticket.department = { id: 9, name: 'Technique' };
    })!;
    expect(p.tags).toEqual(['300000000000000001', '300000000000000002', '300000000000000003', '300000000000000004', '300000000000000005']);
    const none = plan('ticket.submit', { threadPerTicket: true, threadTags: rules }, (x) => {
      (x as { ticket: { priority: string; department: unknown } }).ticket.priority = 'low';
      (x as { ticket: { department: unknown } }).ticket.department = { id: 1, name: 'Ventes' };
    })!;
    expect(none.tags).toEqual([]);
  });

  it('makes a status card on close; on replies only with “each”; an embed under a plain message, text above an embed one', () => {
    expect(plan('ticket.submit', { threadPerTicket: true, statusCard: 'each' })!.card).toBeNull();
    expect(plan('ticket.reply', { threadPerTicket: true, statusCard: 'close' })!.card).toBeNull();
    const reply = plan('ticket.reply', { threadPerTicket: true, statusCard: 'each' })!.card!;
    expect(JSON.stringify(reply)).toContain('Répondu');
    const close = plan('ticket.close', { threadPerTicket: true, statusCard: 'close' }, (x) => {
      (x as { message: unknown }).message = { content: 'Résolu', author: { name: 'Alice', staff: true } };
    })!.card!;
    expect(close.content).toBeUndefined();
    expect((close.embeds as { title: string; description: string }[])[0]).toMatchObject({
      title: '🔒 Fermé',
      description: expect.stringMatching(/^par Alice · 15\/01\/2026 11:00$/),
    });
    const embedMode = plan('ticket.close', { statusCard: 'close', mode: 'embed' })!;
    expect(embedMode.mode).toBe('channel');
    expect(embedMode.card).toEqual({ content: expect.stringMatching(/^\*\*🔒 Fermé · /), allowed_mentions: { parse: [] } });
  });

  it('random events and options: the post creation, the message into it and the edit all follow the spec, never thread_id with thread_name', () => {
    fc.assert(
      fc.property(validEvent, anyOptions, ({ event, payload }, opts) => {
        const options = { ...defaultOptions(), ...opts, threadPerTicket: true };
        const vars = computeVariables(event, payload as never, 'fr', TZ);
        const p = ticketThreadPlan({ event, payload, options, vars, locale: 'fr', timeZone: TZ });
        const msg = renderMessage({ webhook: { platform: 'discord', templates: {}, options }, event, payload, locale: 'fr', timeZone: TZ });
        if (!p) {
          expect(event).toBe('order.paid');
          return;
        }
        // What ticket-threads.ts sends: the message with the post's name and tags, or into the post.
        expect(msg.body.thread_name).toBeUndefined();
        expect(msg.query?.thread_id).toBeUndefined();
        const create = { ...msg.body, thread_name: p.name, ...(p.tags.length ? { applied_tags: p.tags } : {}) };
        expect(discordViolations(create, { wait: 'true' })).toEqual([]);
        expect(discordViolations(msg.body, { wait: 'true', thread_id: '200000000000000000' })).toEqual([]);
        if (p.card) expect(discordEditViolations(p.card, { thread_id: '200000000000000000' })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the preview (and so "Send test") of a ticket opens a post of its own: thread_name and tags, no thread_id; orders keep the static thread', () => {
    const options = {
      threadPerTicket: true,
      threadId: '400000000000000000',
      threadTags: [{ when: 'Technique', tagId: '300000000000000002' }],
    };
    const ticket = preview('%subject%', 'ticket.submit', 'discord', 'fr', options, { seq: 0 });
    const payload = sampleEvent('ticket.submit', { seq: 0 });
    expect(ticket.body.thread_name).toBe(`#${payload.ticket.id} ${payload.ticket.subject}`);
    expect(ticket.query).toBeUndefined();
    expect(discordViolations(ticket.body, { wait: 'true' })).toEqual([]);
    const order = preview('%id%', 'order.paid', 'discord', 'fr', options);
    expect(order.body.thread_name).toBeUndefined();
    expect(order.query).toEqual({ thread_id: '400000000000000000' });
    expect(preview('%subject%', 'ticket.submit', 'slack', 'fr', options).body.thread_name).toBeUndefined();
  });
});
