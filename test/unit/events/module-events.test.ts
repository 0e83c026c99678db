/**
 * The events the module raises or newly defines: the operational events (never for the webhook
 * they are about; their default templates name the webhook, never its URL), `ticket.awaiting_staff`
 * (sent to the webhooks whose delay it was scheduled for) and `ticket.assigned` (the staff member).
 */
import { sampleEvent } from '../../../sdk/sample-events.js';
import type { EventName } from '../../../sdk/events.js';
import { definitionOf } from '../../../module/events/index.js';
import { waitWords } from '../../../module/events/ticket-awaiting-staff.js';
import { matchesFilters } from '../../../module/delivery/webhook-filter.js';
import { renderMessage } from '../../../module/rendering/index.js';
import { defaultFilters, defaultOptions, type WebhookFilters } from '../../../module/webhooks/webhook.js';

const ops: EventName[] = ['webhooks.disabled', 'webhooks.paused', 'webhooks.delivery_failed', 'webhooks.recovered'];

/** The plain text a Discord webhook with no template of its own gets for the event's sample. */
function text(event: EventName, locale: 'fr' | 'en', payload = sampleEvent(event, { seq: 1 })): string {
  const m = renderMessage({
    webhook: { platform: 'discord', templates: {}, options: { ...defaultOptions(), mode: 'plain' } },
    event,
    payload,
    locale,
    timeZone: 'Europe/Paris',
  });
  return String((m.body as { content: string }).content);
}

const hook = (id: number, events: EventName[], filters: Partial<WebhookFilters> = {}) => ({
  id,
  events,
  filters: { ...defaultFilters(), ...filters },
  condition: null,
});

describe('operational events', () => {
  it.each(ops)('%s is never for the webhook it is about, and is for the others', (event) => {
    const payload = sampleEvent(event, { seq: 1 });
    expect(definitionOf(event).aboutWebhook?.(payload)).toBe(9001);
    expect(matchesFilters(hook(9001, ops), event, payload)).toBe(false);
    expect(matchesFilters(hook(12, ops), event, payload)).toBe(true);
    // A host event has no subject webhook: webhook 9001 gets its orders as usual.
    expect(matchesFilters(hook(9001, ['order.paid']), 'order.paid', sampleEvent('order.paid'))).toBe(true);
  });

  it.each(ops.flatMap((e) => (['fr', 'en'] as const).map((l) => [e, l] as const)))(
    '%s reads well in %s: the webhook named, its hint masked, no variable left, never the URL',
    (event, locale) => {
      const payload = sampleEvent(event, { seq: 1 });
      const out = text(event, locale, payload);
      expect(out).toContain('Boutique (Discord)');
      expect(out).toContain('1234…/••••');
      expect(out).not.toMatch(/%\w+%/);
      expect(out.split('\n').length).toBeGreaterThanOrEqual(3);
    },
  );

  it('delivery_failed says which event gave up, after how many attempts; recovered since when', () => {
    expect(text('webhooks.delivery_failed', 'en')).toMatch(/Event:\*\* Order paid \(order\.paid\)[\s\S]*Attempts:\*\* 8/);
    expect(text('webhooks.delivery_failed', 'fr')).toMatch(/Envois abandonnés :\*\* 1/);
    expect(text('webhooks.recovered', 'en')).toMatch(/Failing since:\*\* .*2026/);
    expect(text('webhooks.disabled', 'fr')).toContain('Webhook désactivé : Boutique (Discord)');
    expect(text('webhooks.paused', 'en')).toContain('Webhook paused: Boutique (Discord)');
  });
});

describe('ticket.awaiting_staff', () => {
  const payload = sampleEvent('ticket.awaiting_staff', { seq: 1 });

  it('goes to the webhooks that chose the delay it was scheduled for (4 h when none was chosen)', () => {
    const events: EventName[] = ['ticket.awaiting_staff'];
    expect(payload.delayMinutes).toBe(240);
    expect(matchesFilters(hook(1, events), 'ticket.awaiting_staff', payload)).toBe(true);
    expect(matchesFilters(hook(2, events, { awaitingStaffMinutes: 60 }), 'ticket.awaiting_staff', payload)).toBe(false);
    expect(matchesFilters(hook(3, events, { awaitingStaffMinutes: 60 }), 'ticket.awaiting_staff', { ...payload, delayMinutes: 60 })).toBe(
      true,
    );
    // The ticket filters still apply.
    expect(matchesFilters(hook(4, events, { priorities: ['low'] }), 'ticket.awaiting_staff', payload)).toBe(
      payload.ticket.priority === 'low',
    );
  });

  it('says how long, since when, and the waiting message', () => {
    expect(waitWords(240, 'fr')).toBe('4 h');
    expect(waitWords(90, 'en')).toBe('1 h 30 min');
    expect(waitWords(1500, 'fr')).toBe('1 j 1 h');
    expect(waitWords(1500, 'en')).toBe('1 d 1 h');
    const fr = text('ticket.awaiting_staff', 'fr');
    expect(fr).toMatch(/attend une réponse du support depuis 4 h/);
    expect(fr).toContain('mon VPS ne répond plus');
    expect(text('ticket.awaiting_staff', 'en')).toMatch(/has waited 4 h for a staff answer/);
  });
});

describe('ticket.assigned', () => {
  it('names the staff member who took the ticket', () => {
    expect(text('ticket.assigned', 'fr')).toMatch(/^.*Sophie Bernard prend en charge le ticket n° 501/);
    expect(text('ticket.assigned', 'en')).toMatch(/Sophie Bernard took ticket #501/);
    expect(definitionOf('ticket.assigned').thread).toBe('reply');
  });
});
