/** `invoice.paid`: an invoice was paid (ClientXCMS "invoice completed"). */
import { invoiceEvent } from './invoice-event.js';

export const invoicePaid = invoiceEvent(
  'invoice.paid',
  { fr: ':white_check_mark: Facture n° %number% payée', en: ':white_check_mark: Invoice %number% paid' },
  0x2ecc71,
);
