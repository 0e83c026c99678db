/** `invoice.payment_failed`: a payment attempt on an invoice failed; `reason` says why. */
import { invoiceEvent } from './invoice-event.js';

export const invoicePaymentFailed = invoiceEvent(
  'invoice.payment_failed',
  { fr: ':x: Échec du paiement de la facture n° %number%', en: ':x: Payment failed for invoice %number%' },
  0xe74c3c,
);
