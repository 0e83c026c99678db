/**
 * The helpdesk's default texts, one per ticket action, so a ticket's thread reads as a
 * conversation: the opening post carries the whole ticket (the reference document's example), a
 * reply its author and its words, a close who closed it. A line whose variables are all empty
 * disappears (template.ts), so a close without a last message shows no "Dernier message" line.
 */
import type { Locale } from '../../sdk/module-context.js';

/** The family's template (`%action%` names the event): the opening post, and a reopened ticket. */
export const ticketOpening: Record<Locale, string> = {
  fr: [
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
  en: [
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
};

/** A reply: who wrote (staff or the customer) and what, under the ticket's number and subject. */
export const ticketReplyText: Record<Locale, string> = {
  fr: [
    ':speech_balloon: Réponse au ticket n° %id% — %subject%',
    ':bust_in_silhouette: **Auteur :** %author% (%authorRole%)',
    ':memo: **Message :** %content%',
    ':arrow_right: Cliquez ici pour y répondre : %url%',
  ].join('\n'),
  en: [
    ':speech_balloon: Reply to ticket #%id% — %subject%',
    ':bust_in_silhouette: **Author:** %author% (%authorRole%)',
    ':memo: **Message:** %content%',
    ':arrow_right: Click here to answer: %url%',
  ].join('\n'),
};

/** A close: who closed it, and the last message when the close carried one. */
export const ticketCloseText: Record<Locale, string> = {
  fr: [
    ':lock: Ticket n° %id% fermé — %subject%',
    ':bust_in_silhouette: **Fermé par :** %closedBy%',
    ':memo: **Dernier message :** %content%',
    ':arrow_right: Voir le ticket : %url%',
  ].join('\n'),
  en: [
    ':lock: Ticket #%id% closed — %subject%',
    ':bust_in_silhouette: **Closed by:** %closedBy%',
    ':memo: **Last message:** %content%',
    ':arrow_right: View the ticket: %url%',
  ].join('\n'),
};
