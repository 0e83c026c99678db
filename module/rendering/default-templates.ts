/**
 * The default templates, created with every new webhook: the reference document's examples
 * (emoji shortcodes, bold labels), in French and English, with its typos and stray `**` fixed and
 * the ticket example's literal values ("Test", "High") replaced by their variables.
 */
import type { Locale } from '../../sdk/module-context.js';
import type { TemplateFamily } from '../webhooks/webhook.js';

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
    ticket: [
      ':pushpin: %action% — ticket n° %id%',
      '',
      ':department_store: **Département :** %departmentName%',
      ':speech_balloon: **Sujet :** %subject%',
      ':vertical_traffic_light: **Priorité :** %priority%',
      ':bust_in_silhouette: **Client :** %user%',
      ':package: **Service lié :** %related% (%relatedUri%)',
      ':memo: **Message :** %content%',
      ':arrow_right: Cliquez ici pour y répondre : %url%',
    ].join('\n'),
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
    ticket: [
      ':pushpin: %action% — ticket #%id%',
      '',
      ':department_store: **Department:** %departmentName%',
      ':speech_balloon: **Subject:** %subject%',
      ':vertical_traffic_light: **Priority:** %priority%',
      ':bust_in_silhouette: **Customer:** %user%',
      ':package: **Related service:** %related% (%relatedUri%)',
      ':memo: **Message:** %content%',
      ':arrow_right: Click here to answer: %url%',
    ].join('\n'),
  },
};

/** The default template of each family in `locale` (French when the locale is unknown). */
export function defaultTemplates(locale: Locale): Record<TemplateFamily, string> {
  return { ...(templates[locale] ?? templates.fr) };
}
