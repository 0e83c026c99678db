/**
 * What the six invoice events share (ClientXCMS's invoice created, completed, failed, refunded,
 * cancelled, plus overdue): one variable list, so one family template reads any of them, and the
 * lines of the default template. Each event's own file adds its schema, sample, headline and colour.
 */
import type { EventMap, InvoiceEventName, InvoiceEventPayload } from '../../sdk/events.js';
import type { EventDefinition, VariableSpec } from './event-definition.js';
import { titleKey } from './event-definition.js';
import { extra, familyEvent, fullName, type FamilyParts, type Lines, type Words } from './event-template.js';

/** The variables of every invoice event; a field an event does not carry is empty. */
export function invoiceVariables(event: InvoiceEventName): VariableSpec<InvoiceEventPayload>[] {
  return [
    { name: 'id', kind: 'trusted', value: (p) => String(p.invoice.id) },
    { name: 'number', kind: 'trusted', value: (p) => p.invoice.number ?? String(p.invoice.id) },
    { name: 'price', kind: 'trusted', value: (p, f) => f.price(p.invoice.total, p.invoice.currency) },
    { name: 'user', kind: 'untrusted-line', value: (p) => fullName(p.invoice.customer) },
    { name: 'customerGroup', kind: 'trusted', value: (p) => p.invoice.customer.group },
    { name: 'dueDate', kind: 'trusted', value: (p, f) => f.date(p.invoice.dueDate) },
    { name: 'paymentType', kind: 'trusted', value: (p) => p.invoice.paymentGateway },
    { name: 'transactionId', kind: 'untrusted-line', value: (p) => p.invoice.transactionId },
    {
      name: 'items',
      kind: 'untrusted',
      value: (p) => p.invoice.items.map((i) => (i.quantity > 1 ? `${i.name} ×${i.quantity}` : i.name)).join(', '),
    },
    {
      name: 'reason',
      kind: 'untrusted',
      value: (p) => extra<string | null>(p, 'reason') ?? extra<{ reason?: string | null }>(p, 'refund')?.reason,
    },
    {
      name: 'refundAmount',
      kind: 'trusted',
      value: (p, f) => {
        const refund = extra<{ amount: number }>(p, 'refund');
        return refund ? f.price(refund.amount, p.invoice.currency) : undefined;
      },
    },
    {
      name: 'daysOverdue',
      kind: 'trusted',
      value: (p) => (extra<number>(p, 'daysOverdue') === undefined ? undefined : String(extra<number>(p, 'daysOverdue'))),
    },
    { name: 'action', kind: 'trusted', value: (_p, f) => f.label(titleKey(event)) },
    { name: 'url', kind: 'link', value: (p) => p.invoice.url },
    { name: 'email', kind: 'untrusted-line', value: (p) => p.invoice.customer.email, legacy: true },
  ];
}

/** The lines under each invoice event's headline. */
export const invoiceLines: Lines = {
  fr: [
    ':moneybag: **Montant :** %price%',
    ':leftwards_arrow_with_hook: **Remboursé :** %refundAmount%',
    ':calendar: **Échéance :** %dueDate%',
    ':credit_card: **Moyen de paiement :** %paymentType%',
    ':bust_in_silhouette: **Client :** %user%',
    ':shopping_cart: **Articles :** %items%',
    ':information_source: **Raison :** %reason%',
    ':link: **Facture :** %url%',
  ],
  en: [
    ':moneybag: **Amount:** %price%',
    ':leftwards_arrow_with_hook: **Refunded:** %refundAmount%',
    ':calendar: **Due:** %dueDate%',
    ':credit_card: **Payment method:** %paymentType%',
    ':bust_in_silhouette: **Customer:** %user%',
    ':shopping_cart: **Items:** %items%',
    ':information_source: **Reason:** %reason%',
    ':link: **Invoice:** %url%',
  ],
};

/** Everything an invoice event's definition holds but its headline and colour. */
export function invoiceEvent<K extends InvoiceEventName>(event: K, headline: Words, color: number): EventDefinition<EventMap[K]> {
  const parts: FamilyParts<K> = {
    family: 'invoice',
    variables: invoiceVariables(event) as VariableSpec<EventMap[K]>[],
    lines: invoiceLines,
    reference: (p) => String(p.invoice.number ?? p.invoice.id),
  };
  return familyEvent(event, parts, headline, color);
}
