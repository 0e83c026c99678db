/**
 * The two-way helpdesk's wiring: the Discord application's and the Slack app's settings (admin
 * API), and the endpoints they call (`POST /hooks/<module>/discord/interactions`,
 * `/slack/interactions`, `/slack/events`), where the signature is checked before anything else
 * is read.
 */
import { got } from 'got';
import type { AdminRequest, ModuleContext } from '../../sdk/module-context.js';
import type { PublicRequest, PublicResponse } from '../../sdk/public-routes.js';
import { discordUser, saveDiscordApp, saveLinks, saveSlackApp, slackUser, type SaveOutcome } from './chat-apps-input.js';
import { ChatAppsStore } from './chat-apps-store.js';
import { answerInteraction } from './discord-interactions.js';
import { checkDiscordSignature, discordPublicKey } from './discord-signature.js';
import { checkSlackSignature } from './slack-signature.js';
import { actOnSlack, responseUrlAllowed } from './slack-interactions.js';
import { openSlackView, postSlackEphemeral, SLACK_API_BASE } from './slack-web-api.js';
import { actOnSlackEvent } from './slack-events.js';
import type { ChatEventStore } from '../delivery/chat-event-store.js';
import type { KnexTicketThreadStore } from '../delivery/ticket-thread-store.js';

/** What the helpdesk shares with delivery: tickets' chat threads, and chat events acted on. */
export interface HelpdeskStores {
  threads: Pick<KnexTicketThreadStore, 'ticketOf'>;
  chatEvents: Pick<ChatEventStore, 'firstSeen' | 'expectEcho' | 'dropEcho'>;
}

export function registerHelpdesk(ctx: ModuleContext, stores: HelpdeskStores): void {
  const store = new ChatAppsStore(ctx.settings, ctx.secrets);
  const t = (key: string, vars?: Record<string, string | number>) => ctx.i18n.t(key, vars);
  const slackApi = ctx.chatApiBases?.slack ?? SLACK_API_BASE;
  const answer = async (outcome: SaveOutcome, what: string, view: () => Promise<unknown>) =>
    outcome.ok ? { json: await view() } : { status: 400, json: { error: `invalid ${what}`, errors: outcome.errors } };

  ctx.admin.api('GET', '/apps/discord', async () => ({
    json: (await store.discordView()) ?? { configured: false, interactionsPath: `${ctx.publicRoutes.basePath}/discord/interactions` },
  }));
  ctx.admin.api('PUT', '/apps/discord', async (req: AdminRequest) => {
    const outcome = await saveDiscordApp(store, req.body);
    if (outcome.ok) ctx.logger.info('helpdesk: Discord application saved');
    return answer(outcome, 'Discord application', () => store.discordView());
  });
  ctx.admin.api('PUT', '/apps/discord/links', async (req: AdminRequest) =>
    answer(await saveLinks(discordUser, ctx.helpdesk, (l) => store.saveDiscordLinks(l), req.body), 'links', () => store.discordView()),
  );

  ctx.admin.api('GET', '/apps/slack', async () => ({
    json: (await store.slackView()) ?? { configured: false, interactionsPath: `${ctx.publicRoutes.basePath}/slack/interactions` },
  }));
  ctx.admin.api('PUT', '/apps/slack', async (req: AdminRequest) => {
    const outcome = await saveSlackApp(store, req.body);
    if (outcome.ok) ctx.logger.info('helpdesk: Slack app saved');
    return answer(outcome, 'Slack app', () => store.slackView());
  });
  ctx.admin.api('PUT', '/apps/slack/links', async (req: AdminRequest) =>
    answer(await saveLinks(slackUser, ctx.helpdesk, (l) => store.saveSlackLinks(l), req.body), 'links', () => store.slackView()),
  );

  ctx.publicRoutes.post(
    '/discord/interactions',
    async (req) => {
      const app = await store.discord();
      const key = app ? discordPublicKey(app.publicKey) : null;
      if (!key) return { status: 503, json: { error: 'the Discord application is not configured' } };
      const check = checkDiscordSignature(key, req.headers, req.rawBody, ctx.clock.now());
      if (!check.ok) return { status: 401, text: check.reason };
      let body: unknown;
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        return { status: 400, json: { error: 'the body is not JSON' } };
      }
      return { json: await answerInteraction(body, { helpdesk: ctx.helpdesk, links: await store.discordLinks(), t }) };
    },
    { bodyLimit: 64 * 1024, rateLimit: { max: 600, windowMs: 60_000 } },
  );

  /** The Slack signature first; null when it holds, else the answer to give. */
  const slackRefusal = async (req: PublicRequest): Promise<PublicResponse | null> => {
    const secret = await store.slackSigningSecret();
    if (!secret) return { status: 503, json: { error: 'the Slack app is not configured' } };
    const check = checkSlackSignature(secret, req.headers, req.rawBody, ctx.clock.now());
    return check.ok ? null : { status: 401, text: check.reason };
  };
  ctx.publicRoutes.post(
    '/slack/events',
    async (req) => {
      const refused = await slackRefusal(req);
      if (refused) return refused;
      let body: { type?: unknown; challenge?: unknown };
      try {
        body = JSON.parse(req.rawBody.toString('utf8')) as typeof body;
      } catch {
        return { status: 400, json: { error: 'the body is not JSON' } };
      }
      // Slack checks the Events URL once with a challenge.
      if (body.type === 'url_verification' && typeof body.challenge === 'string') return { json: { challenge: body.challenge } };
      // A staff member's answer in a ticket's thread (slack-events.ts): acted on before the ack
      // (a local write), so Slack's retry of a slow ack finds the event already recorded.
      const outcome = await actOnSlackEvent(body, {
        helpdesk: ctx.helpdesk,
        links: await store.slackLinks(),
        ticketOf: (channel, ts) => stores.threads.ticketOf(channel, ts),
        firstSeen: (id) => stores.chatEvents.firstSeen(id),
        expectEcho: (id, ticket, channel, echo) => stores.chatEvents.expectEcho(id, ticket, channel, echo),
        dropEcho: (id) => stores.chatEvents.dropEcho(id),
        t,
      });
      if (outcome.did !== 'ignored') ctx.logger.info('helpdesk: Slack thread message', { did: outcome.did });
      const botToken = outcome.ephemeral ? await store.slackBotToken() : null;
      if (outcome.ephemeral && botToken)
        void postSlackEphemeral(slackApi, botToken, outcome.ephemeral).then(
          (r) => r.ok || ctx.logger.warn('helpdesk: Slack did not take the ephemeral notice', { error: r.error }),
          (err: Error & { code?: string }) => ctx.logger.warn('helpdesk: Slack chat.postEphemeral failed', { error: err.code ?? err.name }),
        );
      return { json: {} };
    },
    { bodyLimit: 64 * 1024, rateLimit: { max: 600, windowMs: 60_000 } },
  );
  ctx.publicRoutes.post(
    '/slack/interactions',
    async (req) => {
      const refused = await slackRefusal(req);
      if (refused) return refused;
      let payload: unknown;
      try {
        payload = JSON.parse(new URLSearchParams(req.rawBody.toString('utf8')).get('payload') ?? '');
      } catch {
        return { status: 400, json: { error: 'the body has no JSON payload field' } };
      }
      const botToken = await store.slackBotToken();
      const outcome = await actOnSlack(payload, { helpdesk: ctx.helpdesk, links: await store.slackLinks(), t, canOpenModals: !!botToken });
      if (!outcome) return { status: 200, text: '' };
      const reachable =
        outcome.responseUrl && responseUrlAllowed(outcome.responseUrl, ctx.network.allowLoopback) ? outcome.responseUrl : null;
      // got's messages name the URL, and a response_url lets anyone post: only the error's code is logged.
      const warn = (what: string) => (err: Error & { code?: string }) =>
        ctx.logger.warn(`helpdesk: ${what}`, { error: err.code ?? err.name });
      // After the ack, never awaited inside it: the modal, the message's new state, or words.
      if (outcome.openModal && botToken) {
        const { triggerId, view } = outcome.openModal;
        void openSlackView(slackApi, botToken, triggerId, view).then((r) => {
          if (r.ok) return;
          ctx.logger.warn('helpdesk: Slack did not open the answer modal', { error: r.error });
          if (reachable) return tellSlack(reachable, { text: t('helpdesk.slack.modal_failed', { error: r.error }) });
        }, warn('Slack views.open failed'));
      }
      if (reachable && outcome.replace)
        void tellSlack(reachable, { ...outcome.replace, replace_original: true }).catch(warn('Slack response_url did not take the update'));
      else if (reachable && outcome.text)
        void tellSlack(reachable, { text: outcome.text }).catch(warn('Slack response_url did not take the outcome'));
      return outcome.ack ? { json: outcome.ack } : { status: 200, text: '' };
    },
    { bodyLimit: 64 * 1024, rateLimit: { max: 600, windowMs: 60_000 } },
  );
}

/**
 * A message on Slack's response_url (no retry, no redirect): ephemeral words to the user who
 * acted, or the ticket's message replaced in its new state.
 */
async function tellSlack(url: string, message: { text: string; blocks?: unknown[]; replace_original?: boolean }): Promise<void> {
  const json = message.replace_original ? message : { response_type: 'ephemeral', replace_original: false, text: message.text };
  await got.post(url, { json, timeout: { request: 5000 }, retry: { limit: 0 }, followRedirect: false });
}
