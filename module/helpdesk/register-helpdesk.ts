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
import { actOnInteraction, say } from './discord-interactions.js';
import { answerWithin, DISCORD_API_BASE, DISCORD_BUDGET_MS, editOriginalResponse } from './discord-deferred.js';
import { chatAudit, type ChatAudit } from './chat-audit.js';
import { discord } from '../platforms/discord/index.js';
import { slack } from '../platforms/slack/index.js';
import type { AuditStore } from '../settings/audit-store.js';
import { checkDiscordSignature, discordPublicKey } from './discord-signature.js';
import { checkSlackSignature } from './slack-signature.js';
import { actOnSlack, responseUrlAllowed } from './slack-interactions.js';
import { openSlackView, postSlackEphemeral, SLACK_API_BASE } from './slack-web-api.js';
import { actOnSlackEvent } from './slack-events.js';
import type { ChatEventStore } from '../delivery/chat-event-store.js';
import type { KnexTicketThreadStore } from '../delivery/ticket-thread-store.js';

/**
 * What the helpdesk shares with delivery and settings: tickets' chat threads, chat events and
 * interactions acted on (so a retried one acts once), and the audit trail.
 */
export interface HelpdeskStores {
  threads: Pick<KnexTicketThreadStore, 'ticketOf'>;
  chatEvents: Pick<ChatEventStore, 'firstSeen' | 'expectEcho' | 'dropEcho'>;
  audit: Pick<AuditStore, 'write'>;
  /** How long Discord's answer may wait on the helpdesk before it is deferred (tests make it short). */
  discordBudgetMs?: number;
}

/** Discord's ids are snowflakes; Slack's trigger_id is digits and dots and hex. */
const DISCORD_ID = /^\d{1,25}$/;
const SLACK_TRIGGER = /^[A-Za-z0-9._-]{1,100}$/;

export function registerHelpdesk(ctx: ModuleContext, stores: HelpdeskStores): void {
  const store = new ChatAppsStore(ctx.settings, ctx.secrets);
  const t = (key: string, vars?: Record<string, string | number>) => ctx.i18n.t(key, vars);
  const slackApi = ctx.chatApiBases?.slack ?? SLACK_API_BASE;
  const discordApi = ctx.chatApiBases?.discord ?? DISCORD_API_BASE;
  const writeAudit = chatAudit(stores.audit);
  // The action stands even when its audit line cannot be written: said in the log.
  const audit: ChatAudit = (actor, action, ticketId, result) =>
    writeAudit(actor, action, ticketId, result).catch((err: Error & { code?: string }) =>
      ctx.logger.warn('helpdesk: the audit trail did not take a chat action', { error: err.code ?? err.name }),
    );
  /** Records a chat interaction's key; false when it was already (a retried delivery). */
  const firstTime = (key: string) => stores.chatEvents.firstSeen(key);
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
      if (!app || !key) return { status: 503, json: { error: 'the Discord application is not configured' } };
      const check = checkDiscordSignature(key, req.headers, req.rawBody, ctx.clock.now());
      if (!check.ok) return { status: 401, text: check.reason };
      let body: unknown;
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        return { status: 400, json: { error: 'the body is not JSON' } };
      }
      const i = (body ?? {}) as { type?: unknown; id?: unknown; token?: unknown };
      // Exactly once: a component click or modal submit delivered again (same interaction id)
      // answers, and acts no more.
      if ((i.type === 3 || i.type === 5) && typeof i.id === 'string' && DISCORD_ID.test(i.id))
        if (!(await firstTime(`${discord.id}:interaction:${i.id}`))) return { json: say(t('helpdesk.discord.already_done')) };
      const work = actOnInteraction(body, { helpdesk: ctx.helpdesk, links: await store.discordLinks(), t, audit });
      const token = typeof i.token === 'string' && i.token.length <= 500 ? i.token : null;
      const answer = await answerWithin(
        work,
        stores.discordBudgetMs ?? DISCORD_BUDGET_MS,
        (followUp, error) => {
          if (error) ctx.logger.warn('helpdesk: a late Discord interaction failed', { error: (error as Error).name });
          if (!token) return;
          void editOriginalResponse(discordApi, app.applicationId, token, followUp).then((r) => {
            if (!r.ok) ctx.logger.warn('helpdesk: Discord did not take the follow-up', { error: r.error });
          });
        },
        t('helpdesk.discord.failed'),
      );
      return { json: answer };
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
        // `null` is JSON too: read as an empty body, not as an object to take fields from.
        body = (JSON.parse(req.rawBody.toString('utf8')) ?? {}) as typeof body;
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
        audit,
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
      // Exactly once: an interaction's trigger_id is its own (Slack makes one per click or
      // submit); the same payload delivered again acts no more and gets an empty ack.
      const p = (payload ?? {}) as { type?: unknown; trigger_id?: unknown };
      if ((p.type === 'block_actions' || p.type === 'view_submission') && typeof p.trigger_id === 'string')
        if (SLACK_TRIGGER.test(p.trigger_id) && !(await firstTime(`${slack.id}:interaction:${p.trigger_id}`)))
          return { status: 200, text: '' };
      const botToken = await store.slackBotToken();
      const outcome = await actOnSlack(payload, {
        helpdesk: ctx.helpdesk,
        links: await store.slackLinks(),
        t,
        canOpenModals: !!botToken,
        audit,
      });
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
