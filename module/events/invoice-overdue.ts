/** `invoice.overdue`: an invoice is past its due date (`daysOverdue` days). */
import { invoiceEvent } from './invoice-event.js';

export const invoiceOverdue = invoiceEvent(
  'invoice.overdue',
  { fr: ':warning: Facture n° %number% en retard de %daysOverdue% jours', en: ':warning: Invoice %number% is %daysOverdue% days overdue' },
  0xe67e22,
);
