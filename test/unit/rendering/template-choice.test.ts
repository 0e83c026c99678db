/**
 * Which template an event is rendered with: the webhook's own for the event, else its own for the
 * event's family, else the event's default, else the family's; a blank one counts as none.
 */
import { templateFor } from '../../../module/rendering/render-message.js';
import { defaultTemplates } from '../../../module/rendering/default-templates.js';
import { definitionOf, knownEventNames } from '../../../module/events/index.js';

describe('the template an event is rendered with', () => {
  const replyOwn = 'Réponse de %author% : %content%';
  const ticketFamily = 'Ticket %id% : %action%';

  it('is the event’s own template first, then the family’s', () => {
    const webhook = { templates: { ticket: ticketFamily }, eventTemplates: { 'ticket.reply': replyOwn } };
    expect(templateFor(webhook, 'ticket.reply', 'fr')).toBe(replyOwn);
    expect(templateFor(webhook, 'ticket.submit', 'fr')).toBe(ticketFamily);
    expect(templateFor(webhook, 'ticket.reopen', 'fr')).toBe(ticketFamily);
  });

  it('falls back to the event’s default, then the family’s default, in the locale', () => {
    const none = { templates: {}, eventTemplates: {} };
    expect(templateFor(none, 'invoice.paid', 'fr')).toBe(definitionOf('invoice.paid').defaultTemplate!.fr);
    expect(templateFor(none, 'invoice.paid', 'en')).toBe(definitionOf('invoice.paid').defaultTemplate!.en);
    expect(templateFor(none, 'invoice.paid', 'en')).toMatch(/^:white_check_mark: Invoice %number% paid/);
    expect(templateFor(none, 'ticket.reply', 'en')).toBe(definitionOf('ticket.reply').defaultTemplate!.en);
    expect(templateFor(none, 'ticket.submit', 'en')).toBe(defaultTemplates('en').ticket);
    expect(templateFor(none, 'order.paid', 'en')).toBe(defaultTemplates('en').order);
    // Without eventTemplates at all (a webhook stored before per-event templates).
    expect(templateFor({ templates: { order: 'x %id%' } }, 'order.paid', 'fr')).toBe('x %id%');
  });

  it('treats a blank template as none at each level', () => {
    const blank = { templates: { invoice: '  \n', ticket: '' }, eventTemplates: { 'invoice.paid': ' ', 'ticket.reply': '' } };
    expect(templateFor(blank, 'invoice.paid', 'fr')).toBe(definitionOf('invoice.paid').defaultTemplate!.fr);
    expect(templateFor(blank, 'ticket.reply', 'fr')).toBe(definitionOf('ticket.reply').defaultTemplate!.fr);
  });

  it('reads an untouched copy of the helpdesk family default (a webhook made before per-action defaults) as none', () => {
    for (const copy of [defaultTemplates('fr').ticket, defaultTemplates('en').ticket]) {
      const old = { templates: { ticket: copy } };
      expect(templateFor(old, 'ticket.reply', 'fr')).toBe(definitionOf('ticket.reply').defaultTemplate!.fr);
      expect(templateFor(old, 'ticket.close', 'en')).toBe(definitionOf('ticket.close').defaultTemplate!.en);
      expect(templateFor(old, 'ticket.submit', 'fr')).toBe(defaultTemplates('fr').ticket);
    }
    // One changed character is the admin's choice, read for every ticket action.
    const edited = { templates: { ticket: defaultTemplates('fr').ticket + ' ' } };
    expect(templateFor(edited, 'ticket.reply', 'fr')).toBe(edited.templates.ticket);
  });

  it('gives every event a template in both languages that names only variables it has', () => {
    for (const event of knownEventNames())
      for (const locale of ['fr', 'en'] as const) {
        const template = templateFor({ templates: {} }, event, locale);
        const names = [...template.matchAll(/%([A-Za-z_]+)%/g)].map((m) => m[1]);
        const known = new Set([...definitionOf(event).variables.map((v) => v.name), ...Object.keys(definitionOf(event).aliases)]);
        expect({ event, locale, unknown: names.filter((n) => !known.has(n)) }).toEqual({ event, locale, unknown: [] });
      }
  });
});
