/**
 * The reference document's two example templates (copied verbatim from
 * /work/shared/reference/webhooks-doc-fr.md) and our default templates, rendered for the sample
 * order and ticket and compared to the exact expected text.
 */
import { defaultTemplates, preview, renderMessage, renderWithTemplate } from '../../../module/rendering/index.js';
import { defaultOptions } from '../../../module/webhooks/webhook.js';
import { NOW, sample } from './helpers.js';

const referenceOrder = [
  ':pushpin:Nouvelle commande n• %id%',
  ':moneybag:**Prix : ** %price%',
  ':credit_card: ** Plateforme : ** %paymentType%',
  ':bust_in_silhouette:**Client : ** %user%',
  ':link:**Lien :** %url%',
  ':envelope:**Commentaire : ** %comment% **',
].join('\n');
const referenceTicket = [
  ":pushpin: Un nouveau ticket vient d'être créer ! ",
  '',
  ':department_store: **Département** : ',
  ':speech_balloon:**Sujet** : Test',
  ':vertical_traffic_light:**Priorité**: High',
  ':arrow_right:Cliquez ici pour y répondre : ',
].join('\n');

const at = { timeZone: 'Europe/Paris', now: NOW };
const NBSP = '\u00A0';

describe('reference document examples, verbatim', () => {
  it('order example on Discord (plain content), sample order 1001', () => {
    const body = preview(referenceOrder, 'order.paid', 'discord', 'fr', {}, at).body;
    expect(body).toEqual({
      allowed_mentions: { parse: [] },
      content: [
        ':pushpin:Nouvelle commande n• 1001',
        `:moneybag:**Prix : ** 39,98${NBSP}€`,
        ':credit_card: ** Plateforme : ** Stripe',
        ':bust_in_silhouette:**Client : ** Jean Dupont',
        ':link:**Lien :** https://billing.example.com/invoices/1001',
        // The document's stray trailing ** is the admin's text: kept as written (odd marker = literal).
        ':envelope:**Commentaire : ** Merci de livrer le serveur en France. **',
      ].join('\n'),
    });
  });

  it('order example without a comment: the comment line disappears', () => {
    const body = preview(referenceOrder, 'order.paid', 'discord', 'fr', {}, { ...at, seq: 3 }).body;
    expect(body.content).toBe(
      [
        ':pushpin:Nouvelle commande n• 1003',
        `:moneybag:**Prix : ** 25,00${NBSP}€`,
        ':credit_card: ** Plateforme : ** PayPal',
        ':bust_in_silhouette:**Client : ** Camille Martin',
        ':link:**Lien :** https://billing.example.com/invoices/1003',
      ].join('\n'),
    );
  });

  it('ticket example on Discord: no variables, rendered as written (trailing spaces trimmed)', () => {
    const body = preview(referenceTicket, 'ticket.submit', 'discord', 'fr', {}, at).body;
    expect(body.content).toBe(
      [
        ":pushpin: Un nouveau ticket vient d'être créer !",
        '',
        ':department_store: **Département** :',
        ':speech_balloon:**Sujet** : Test',
        ':vertical_traffic_light:**Priorité**: High',
        ':arrow_right:Cliquez ici pour y répondre :',
      ].join('\n'),
    );
  });

  it('order example on Slack: *bold* with the spaces moved outside the markers', () => {
    const body = preview(referenceOrder, 'order.paid', 'slack', 'fr', {}, at).body;
    expect(body).toEqual({
      text: [
        ':pushpin:Nouvelle commande n• 1001',
        `:moneybag:*Prix :*  39,98${NBSP}€`,
        ':credit_card:  *Plateforme :*  Stripe',
        ':bust_in_silhouette:*Client :*  Jean Dupont',
        ':link:*Lien :* https://billing.example.com/invoices/1001',
        ':envelope:*Commentaire :*  Merci de livrer le serveur en France. **',
      ].join('\n'),
    });
  });
});

describe('default templates', () => {
  it('French order (Discord plain)', () => {
    expect(preview(defaultTemplates('fr').order, 'order.paid', 'discord', 'fr', {}, at).body.content).toBe(
      [
        ':pushpin: Nouvelle commande n° 1001',
        `:moneybag: **Prix :** 39,98${NBSP}€`,
        ':credit_card: **Moyen de paiement :** Stripe',
        ':bust_in_silhouette: **Client :** Jean Dupont',
        ':link: **Lien :** https://billing.example.com/invoices/1001',
        ':envelope: **Commentaire :** Merci de livrer le serveur en France.',
      ].join('\n'),
    );
  });

  it('English order (Discord plain)', () => {
    expect(preview(defaultTemplates('en').order, 'order.paid', 'discord', 'en', {}, at).body.content).toBe(
      [
        ':pushpin: New order #1001',
        ':moneybag: **Price:** €39.98',
        ':credit_card: **Payment method:** Stripe',
        ':bust_in_silhouette: **Customer:** Jean Dupont',
        ':link: **Link:** https://billing.example.com/invoices/1001',
        ':envelope: **Comment:** Merci de livrer le serveur en France.',
      ].join('\n'),
    );
  });

  it('French ticket submit (Discord plain)', () => {
    expect(preview(defaultTemplates('fr').ticket, 'ticket.submit', 'discord', 'fr', {}, at).body.content).toBe(
      [
        ':pushpin: Nouveau ticket — ticket n° 501',
        '',
        ':department_store: **Département :** Facturation',
        ':speech_balloon: **Sujet :** Mon serveur ne démarre plus',
        ':vertical_traffic_light: **Priorité :** Moyenne',
        ':bust_in_silhouette: **Client :** Jean Dupont',
        ':package: **Service lié :** VPS SSD 4 Go #2001 (https://billing.example.com/admin/services/2001)',
        ':memo: **Message :** Bonjour, mon VPS ne répond plus depuis ce matin. Pouvez-vous vérifier ?',
        ':arrow_right: Cliquez ici pour y répondre : https://billing.example.com/admin/helpdesk/tickets/501',
      ].join('\n'),
    );
  });

  it('English ticket close without a message: says who closed it, the message line disappears', () => {
    expect(preview(defaultTemplates('en').ticket, 'ticket.close', 'discord', 'en', {}, at).body.content).toBe(
      [
        ':lock: Ticket #501 closed — Mon serveur ne démarre plus',
        ':bust_in_silhouette: **Closed by:** Support',
        ':arrow_right: View the ticket: https://billing.example.com/admin/helpdesk/tickets/501',
      ].join('\n'),
    );
  });

  it('French ticket reply on Telegram (HTML): its author and words, Unicode emoji, <b> labels', () => {
    expect(preview(defaultTemplates('fr').ticket, 'ticket.reply', 'telegram', 'fr', { telegramChatId: '-100123' }, at).body).toEqual({
      chat_id: '-100123',
      parse_mode: 'HTML',
      text: [
        '💬 Réponse au ticket n° 501 — Mon serveur ne démarre plus',
        '👤 <b>Auteur :</b> Support (équipe)',
        '📝 <b>Message :</b> Bonjour, avez-vous essayé de redémarrer depuis le panel ?',
        '➡️ Cliquez ici pour y répondre : https://billing.example.com/admin/helpdesk/tickets/501',
      ].join('\n'),
    });
  });

  it('a ticket without related resource loses the related line, and nothing else', () => {
    const payload = sample('ticket.submit');
    const withRelated = renderWithTemplate({
      template: defaultTemplates('fr').ticket,
      event: 'ticket.submit',
      payload,
      platform: 'discord',
      locale: 'fr',
      timeZone: 'UTC',
    });
    const without = renderWithTemplate({
      template: defaultTemplates('fr').ticket,
      event: 'ticket.submit',
      payload: { ...payload, ticket: { ...payload.ticket, related: null } },
      platform: 'discord',
      locale: 'fr',
      timeZone: 'UTC',
    });
    const lines = (withRelated.body.content as string).split('\n');
    expect((without.body.content as string).split('\n')).toEqual(lines.filter((l) => !l.startsWith(':package:')));
    expect(lines.some((l) => l.startsWith(':package:'))).toBe(true);
  });
});

describe('renderMessage', () => {
  it("falls back to the locale's default template when the webhook has none for the family", () => {
    const withDefault = renderMessage({
      webhook: { platform: 'discord', templates: { order: 'custom %id%' }, options: defaultOptions() },
      event: 'ticket.reply',
      payload: sample('ticket.reply'),
      locale: 'en',
      timeZone: 'UTC',
    });
    expect(withDefault.body.content).toBe(
      preview(defaultTemplates('en').ticket, 'ticket.reply', 'discord', 'en', {}, { timeZone: 'UTC', now: NOW }).body.content,
    );
    const custom = renderMessage({
      webhook: { platform: 'discord', templates: { order: 'custom %id%' }, options: defaultOptions() },
      event: 'order.paid',
      payload: sample('order.paid'),
      locale: 'en',
      timeZone: 'UTC',
    });
    expect(custom).toEqual({ platform: 'discord', body: { allowed_mentions: { parse: [] }, content: 'custom 1001' }, text: 'custom 1001' });
  });
});
