/** `invoice.cancelled`: an unpaid invoice was cancelled. */
import { invoiceEvent } from './invoice-event.js';

export const invoiceCancelled = invoiceEvent(
  'invoice.cancelled',
  { fr: ':no_entry_sign: Facture n° %number% annulée', en: ':no_entry_sign: Invoice %number% cancelled' },
  0x95a5a6,
);
