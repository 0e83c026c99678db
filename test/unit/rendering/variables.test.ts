/**
 * One test per variable per event, in French and English: `%name%` alone rendered for the sample
 * event as plain text (generic JSON `data.message`, no markup) in time zone Europe/Paris.
 */
import type { EventName } from '../../../sdk/events.js';
import type { Locale } from '../../../sdk/module-context.js';
import {
  computeVariables,
  findUnknownVariables,
  formatDate,
  formatPrice,
  listVariables,
  renderWithTemplate,
} from '../../../module/rendering/index.js';
import { sample } from './helpers.js';

const NBSP = '\u00A0';
const NNBSP = '\u202F';
const render = (event: EventName, template: string, locale: Locale, payload: unknown = sample(event)) =>
  renderWithTemplate({ template, event, payload: payload as never, platform: 'json', locale, timeZone: 'Europe/Paris' });
const message = (event: EventName, name: string, locale: Locale): string =>
  (render(event, `%${name}%`, locale).body.data as { message: string }).message;

const order: Record<string, Record<Locale, string>> = {
  id: { fr: '1001', en: '1001' },
  price: { fr: `39,98${NBSP}€`, en: '€39.98' },
  user: { fr: 'Jean Dupont', en: 'Jean Dupont' },
  paymentType: { fr: 'Stripe', en: 'Stripe' },
  transactionId: { fr: 'txn_5F3A91', en: 'txn_5F3A91' },
  comment: { fr: 'Merci de livrer le serveur en France.', en: 'Merci de livrer le serveur en France.' },
  url: { fr: 'https://billing.example.com/invoices/1001', en: 'https://billing.example.com/invoices/1001' },
  username: { fr: 'Jean Dupont', en: 'Jean Dupont' },
  email: { fr: 'jean.dupont@example.com', en: 'jean.dupont@example.com' },
};

const common: Record<string, Record<Locale, string>> = {
  id: { fr: '501', en: '501' },
  subject: { fr: 'Mon serveur ne démarre plus', en: 'Mon serveur ne démarre plus' },
  departmentName: { fr: 'Facturation', en: 'Facturation' },
  user: { fr: 'Jean Dupont', en: 'Jean Dupont' },
  priority: { fr: 'Moyenne', en: 'Medium' },
  created_at: { fr: '29 nov. 2026, 09:30', en: 'Nov 29, 2026, 09:30' },
  url: { fr: 'https://billing.example.com/admin/helpdesk/tickets/501', en: 'https://billing.example.com/admin/helpdesk/tickets/501' },
  relatedUri: { fr: 'https://billing.example.com/admin/services/2001', en: 'https://billing.example.com/admin/services/2001' },
  related: { fr: 'VPS SSD 4 Go #2001', en: 'VPS SSD 4 Go #2001' },
  username: { fr: 'Jean Dupont', en: 'Jean Dupont' },
  email: { fr: 'jean.dupont@example.com', en: 'jean.dupont@example.com' },
  relatedUrl: { fr: 'https://billing.example.com/admin/services/2001', en: 'https://billing.example.com/admin/services/2001' },
};
const submitContent = 'Bonjour, mon VPS ne répond plus depuis ce matin. Pouvez-vous vérifier ?';
const replyContent = 'Bonjour, avez-vous essayé de redémarrer depuis le panel ?';
const tickets: Record<'ticket.submit' | 'ticket.reply' | 'ticket.close', Record<string, Record<Locale, string>>> = {
  'ticket.submit': {
    ...common,
    action: { fr: 'Nouveau ticket', en: 'New ticket' },
    content: { fr: submitContent, en: submitContent },
    author: { fr: 'Jean Dupont', en: 'Jean Dupont' },
  },
  'ticket.reply': {
    ...common,
    action: { fr: 'Nouvelle réponse', en: 'New reply' },
    content: { fr: replyContent, en: replyContent },
    author: { fr: 'Support', en: 'Support' },
    authorRole: { fr: 'équipe', en: 'staff' },
  },
  // Closed without a message: the content and author are empty, so the message is the event's name.
  'ticket.close': {
    ...common,
    action: { fr: 'Ticket fermé', en: 'Ticket closed' },
    content: { fr: 'Ticket fermé', en: 'Ticket closed' },
    author: { fr: 'Ticket fermé', en: 'Ticket closed' },
    // The host said who closed it (the sample's staff member).
    closedBy: { fr: 'Support', en: 'Support' },
  },
};

const cases: [EventName, string, Locale, string][] = [];
for (const locale of ['fr', 'en'] as const) {
  for (const [name, v] of Object.entries(order)) cases.push(['order.paid', name, locale, v[locale]]);
  for (const [event, table] of Object.entries(tickets))
    for (const [name, v] of Object.entries(table)) cases.push([event as EventName, name, locale, v[locale]]);
}

describe('variables', () => {
  it.each(cases)('%s %%%s%% in %s', (event, name, locale, expected) => {
    expect(message(event, name, locale)).toBe(expected);
  });

  it('every listed variable of every event has a test above, in both languages', () => {
    for (const event of ['order.paid', 'ticket.submit', 'ticket.reply', 'ticket.close'] as const) {
      for (const locale of ['fr', 'en'] as const) {
        const listed = listVariables(event, locale).map((v) => v.name.slice(1, -1));
        const tested = cases.filter((c) => c[0] === event && c[2] === locale).map((c) => c[1]);
        expect([...tested].sort()).toEqual([...listed].sort());
      }
    }
  });

  it('listVariables gives a translated description for each name', () => {
    const fr = listVariables('order.paid', 'fr');
    const en = listVariables('order.paid', 'en');
    expect(fr.find((v) => v.name === '%price%')?.description).toMatch(/Total de la commande/);
    expect(en.find((v) => v.name === '%price%')?.description).toMatch(/Order total/);
    expect(fr.find((v) => v.name === '%username%')?.description).toBe('Alias de %user%');
    expect(en.find((v) => v.name === '%relatedUrl%')).toBeUndefined();
    expect(listVariables('ticket.reply', 'en').find((v) => v.name === '%relatedUrl%')?.description).toBe('Alias of %relatedUri%');
    for (const v of [...fr, ...en, ...listVariables('ticket.close', 'fr')]) expect(v.description).not.toMatch(/^rendering\./);
  });

  it('the ticket variables come from the payload, not from the sample (other seq, other priority)', () => {
    const p = sample('ticket.submit', 2);
    expect((render('ticket.submit', '%priority%|%departmentName%|%user%', 'fr', p).body.data as { message: string }).message).toBe(
      'Haute|Commercial|Amélie Rousseau',
    );
  });

  it('%price% uses Intl with the order currency: no-break space before €, narrow no-break space between thousands', () => {
    expect(formatPrice(12.5, 'EUR', 'fr')).toBe(`12,50${NBSP}€`);
    expect(formatPrice(1234.5, 'EUR', 'fr')).toBe(`1${NNBSP}234,50${NBSP}€`);
    expect(formatPrice(1234.5, 'USD', 'en')).toBe('$1,234.50');
    expect(formatPrice(7, 'JPY', 'en')).toBe('¥7');
  });

  it('%created_at% is shown in the host time zone; an unknown zone falls back to UTC instead of throwing', () => {
    expect(formatDate('2026-11-29T23:30:00Z', 'fr', 'Europe/Paris')).toBe('30 nov. 2026, 00:30');
    expect(formatDate('2026-11-29T23:30:00Z', 'en', 'America/New_York')).toBe('Nov 29, 2026, 18:30');
    expect(formatDate('2026-11-29T23:30:00Z', 'fr', 'Not/AZone')).toBe('29 nov. 2026, 23:30');
  });

  it('an order without comment or transaction id gives empty values', () => {
    const p = sample('order.paid');
    const vars = computeVariables('order.paid', { ...p, order: { ...p.order, comment: null, transactionId: undefined } }, 'fr', 'UTC');
    expect(vars.comment.text).toBe('');
    expect(vars.transactionId.text).toBe('');
  });

  it('a variable that does not exist for the event stays as written', () => {
    expect((render('order.paid', 'n°%id% %subject% %nope% 50%', 'fr').body.data as { message: string }).message).toBe(
      'n°1001 %subject% %nope% 50%',
    );
  });
});

describe('findUnknownVariables', () => {
  it('names each unknown variable once, without % signs, in order', () => {
    expect(findUnknownVariables('%id% %foo% %subject% %foo% %bar_2%', ['order.paid'])).toEqual(['foo', 'subject', 'bar_2']);
  });
  it('a name known by one of the events is not reported', () => {
    expect(findUnknownVariables('%id% %subject% %price%', ['order.paid', 'ticket.submit'])).toEqual([]);
  });
  it('aliases are known', () => {
    expect(findUnknownVariables('%username% %email% %relatedUrl%', ['ticket.close'])).toEqual([]);
    expect(findUnknownVariables('%relatedUrl%', ['order.paid'])).toEqual(['relatedUrl']);
  });
  it('percent signs that are not variables are ignored', () => {
    expect(findUnknownVariables('50% off, 100 %', ['order.paid'])).toEqual([]);
  });
});
