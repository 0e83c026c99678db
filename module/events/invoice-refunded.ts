/** `invoice.refunded`: an invoice was refunded, wholly or in part (`refund.amount`). */
import { invoiceEvent } from './invoice-event.js';

export const invoiceRefunded = invoiceEvent(
  'invoice.refunded',
  { fr: ':leftwards_arrow_with_hook: Facture n° %number% remboursée', en: ':leftwards_arrow_with_hook: Invoice %number% refunded' },
  0x9b59b6,
);
