/**
 * The default templates, created with every new webhook: the reference document's examples
 * (emoji shortcodes, bold labels), in French and English, with its typos and stray `**` fixed and
 * the ticket example's literal values ("Test", "High") replaced by their variables.
 */
import type { Locale } from '../../sdk/module-context.js';
import type { TemplateFamily } from '../webhooks/webhook.js';
import { customerLines } from '../events/customer-registered.js';
import { withHeadline } from '../events/event-template.js';
import { invoiceLines } from '../events/invoice-event.js';
import { serviceLines } from '../events/service-event.js';
import { ticketOpening } from '../events/ticket-templates.js';
import { webhooksLines } from '../events/webhooks-event.js';

/**
 * The billing families' templates, for an admin who writes one template for all of a family's
 * events: `%action%` names the event (`Facture payée`); each event also has its own default
 * (module/events/), used while the webhook has no template for the family.
 */
const invoice = withHeadline({ fr: ':receipt: %action% — facture n° %number%', en: ':receipt: %action% — invoice %number%' }, invoiceLines);
const service = withHeadline({ fr: ':gear: %action% — %name%', en: ':gear: %action% — %name%' }, serviceLines);
const customer = withHeadline({ fr: ':wave: Nouveau client : %user%', en: ':wave: New customer: %user%' }, customerLines);
const webhooks = withHeadline({ fr: ':rotating_light: %action% — %name%', en: ':rotating_light: %action% — %name%' }, webhooksLines);

const templates: Record<Locale, Record<TemplateFamily, string>> = {
  fr: {
    order: [
      ':pushpin: Nouvelle commande n° %id%',
      ':moneybag: **Prix :** %price%',
      ':credit_card: **Moyen de paiement :** %paymentType%',
      ':bust_in_silhouette: **Client :** %user%',
      ':link: **Lien :** %url%',
      ':envelope: **Commentaire :** %comment%',
    ].join('\n'),
    ticket: ticketOpening.fr,
    invoice: invoice.fr,
    service: service.fr,
    customer: customer.fr,
    webhooks: webhooks.fr,
  },
  en: {
    order: [
      ':pushpin: New order #%id%',
      ':moneybag: **Price:** %price%',
      ':credit_card: **Payment method:** %paymentType%',
      ':bust_in_silhouette: **Customer:** %user%',
      ':link: **Link:** %url%',
      ':envelope: **Comment:** %comment%',
    ].join('\n'),
    ticket: ticketOpening.en,
    invoice: invoice.en,
    service: service.en,
    customer: customer.en,
    webhooks: webhooks.en,
  },
};

/** The default template of each family in `locale` (French when the locale is unknown). */
export function defaultTemplates(locale: Locale): Record<TemplateFamily, string> {
  return { ...(templates[locale] ?? templates.fr) };
}
