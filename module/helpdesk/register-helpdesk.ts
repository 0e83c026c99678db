/**
 * The two-way helpdesk's wiring: the Discord application's and the Slack app's settings (admin
 * API), and the endpoints they call (`POST /hooks/<module>/discord/interactions`,
 * `/slack/interactions`, `/slack/events`), where the signature is checked before anything else
 * is read.
 */
import { z } from 'zod';
import { got } from 'got';
import type { AdminRequest, ModuleContext } from '../../sdk/module-context.js';
import type { PublicRequest, PublicResponse } from '../../sdk/public-routes.js';
import { ChatAppsStore } from './chat-apps-store.js';
import { answerInteraction } from './discord-interactions.js';
import { checkDiscordSignature, discordPublicKey } from './discord-signature.js';
import { checkSlackSignature } from './slack-signature.js';
import { actOnSlack, responseUrlAllowed } from './slack-interactions.js';

const snowflake = z.string().regex(/^[1-9][0-9]{16,19}$/, 'snowflake');
const discordAppInput = z
  .object({
    applicationId: snowflake,
    publicKey: z.string().regex(/^[0-9a-fA-F]{64}$/, 'public_key'),
    // A bot token is three base64url parts joined by dots; never echoed in an error.
    botToken: z.string().regex(/^[\w-]{10,200}\.[\w-]{3,100}\.[\w-]{10,200}$/, 'bot_token'),
  })
  .strict();
const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'slack_user');
const linksOf = (user: z.ZodString) => z.object({ links: z.record(user, z.string().min(1).max(64)) }).strict();
const slackAppInput = z.object({ signingSecret: z.string().regex(/^[0-9a-f]{32}$/, 'signing_secret') }).strict();

function fieldErrors(err: z.ZodError): { field: string; reason: string }[] {
  return err.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', reason: i.message }));
}

export function registerHelpdesk(ctx: ModuleContext): void {
  const store = new ChatAppsStore(ctx.settings, ctx.secrets);
  const t = (key: string, vars?: Record<string, string | number>) => ctx.i18n.t(key, vars);

  ctx.admin.api('GET', '/apps/discord', async () => ({
    json: (await store.discordView()) ?? { configured: false, interactionsPath: `${ctx.publicRoutes.basePath}/discord/interactions` },
  }));
  ctx.admin.api('PUT', '/apps/discord', async (req: AdminRequest) => {
    const parsed = discordAppInput.safeParse(req.body);
    if (!parsed.success) return { status: 400, json: { error: 'invalid Discord application', errors: fieldErrors(parsed.error) } };
    await store.saveDiscord({ ...parsed.data, publicKey: parsed.data.publicKey.toLowerCase() });
    ctx.logger.info(`helpdesk: Discord application ${parsed.data.applicationId} saved`);
    return { json: await store.discordView() };
  });
  /** Chat user -> staff links: every staff id must exist in the host's helpdesk. */
  const linksRoute =
    (user: z.ZodString, save: (links: Record<string, string>) => Promise<void>, view: () => Promise<unknown>) =>
    async (req: AdminRequest) => {
      const parsed = linksOf(user).safeParse(req.body);
      if (!parsed.success) return { status: 400, json: { error: 'invalid links', errors: fieldErrors(parsed.error) } };
      const unknown: { field: string; reason: string }[] = [];
      for (const [chatUser, staffId] of Object.entries(parsed.data.links)) {
        if (!ctx.helpdesk || !(await ctx.helpdesk.staff.get(staffId)))
          unknown.push({ field: `links.${chatUser}`, reason: 'unknown_staff' });
      }
      if (unknown.length) return { status: 400, json: { error: 'invalid links', errors: unknown } };
      await save(parsed.data.links);
      return { json: await view() };
    };
  ctx.admin.api(
    'PUT',
    '/apps/discord/links',
    linksRoute(
      snowflake,
      (l) => store.saveDiscordLinks(l),
      () => store.discordView(),
    ),
  );

  ctx.admin.api('GET', '/apps/slack', async () => ({
    json: (await store.slackView()) ?? { configured: false, interactionsPath: `${ctx.publicRoutes.basePath}/slack/interactions` },
  }));
  ctx.admin.api('PUT', '/apps/slack', async (req: AdminRequest) => {
    const parsed = slackAppInput.safeParse(req.body);
    if (!parsed.success) return { status: 400, json: { error: 'invalid Slack app', errors: fieldErrors(parsed.error) } };
    await store.saveSlack(parsed.data.signingSecret);
    ctx.logger.info('helpdesk: Slack app saved');
    return { json: await store.slackView() };
  });
  ctx.admin.api(
    'PUT',
    '/apps/slack/links',
    linksRoute(
      slackUser,
      (l) => store.saveSlackLinks(l),
      () => store.slackView(),
    ),
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
      // Slack checks the Events URL once with a challenge; no event is acted on yet.
      if (body.type === 'url_verification' && typeof body.challenge === 'string') return { json: { challenge: body.challenge } };
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
      const outcome = await actOnSlack(payload, { helpdesk: ctx.helpdesk, links: await store.slackLinks(), t });
      // Acked at once; the outcome follows on response_url (never awaited inside the ack).
      if (outcome?.responseUrl && responseUrlAllowed(outcome.responseUrl, ctx.network.allowLoopback))
        void tellSlack(outcome.responseUrl, outcome.text).catch((err: Error) =>
          ctx.logger.warn('helpdesk: Slack response_url did not take the outcome', { error: err.message }),
        );
      return { status: 200, text: '' };
    },
    { bodyLimit: 64 * 1024, rateLimit: { max: 600, windowMs: 60_000 } },
  );
}

/** An ephemeral message to the user who acted (Slack's response_url; no retry, no redirect). */
async function tellSlack(url: string, text: string): Promise<void> {
  await got.post(url, {
    json: { response_type: 'ephemeral', replace_original: false, text },
    timeout: { request: 5000 },
    retry: { limit: 0 },
    followRedirect: false,
  });
}
