/** `invoice.created`: a new invoice was issued to a customer. */
import { invoiceEvent } from './invoice-event.js';

export const invoiceCreated = invoiceEvent(
  'invoice.created',
  { fr: ':page_facing_up: Nouvelle facture n° %number%', en: ':page_facing_up: New invoice %number%' },
  0x3498db,
);
