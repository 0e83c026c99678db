/**
 * The two-way helpdesk's wiring: the Discord application's settings (admin API) and the
 * interactions endpoint Discord calls (`POST /hooks/<module>/discord/interactions`), where the
 * signature is checked before anything else is read.
 */
import { z } from 'zod';
import type { AdminRequest, ModuleContext } from '../../sdk/module-context.js';
import { ChatAppsStore } from './chat-apps-store.js';
import { answerInteraction } from './discord-interactions.js';
import { checkDiscordSignature, discordPublicKey } from './discord-signature.js';

const snowflake = z.string().regex(/^[1-9][0-9]{16,19}$/, 'snowflake');
const discordAppInput = z
  .object({
    applicationId: snowflake,
    publicKey: z.string().regex(/^[0-9a-fA-F]{64}$/, 'public_key'),
    // A bot token is three base64url parts joined by dots; never echoed in an error.
    botToken: z.string().regex(/^[\w-]{10,200}\.[\w-]{3,100}\.[\w-]{10,200}$/, 'bot_token'),
  })
  .strict();
const linksInput = z.object({ links: z.record(snowflake, z.string().min(1).max(64)) }).strict();

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
  ctx.admin.api('PUT', '/apps/discord/links', async (req: AdminRequest) => {
    const parsed = linksInput.safeParse(req.body);
    if (!parsed.success) return { status: 400, json: { error: 'invalid links', errors: fieldErrors(parsed.error) } };
    const unknown: { field: string; reason: string }[] = [];
    for (const [user, staffId] of Object.entries(parsed.data.links)) {
      if (!ctx.helpdesk || !(await ctx.helpdesk.staff.get(staffId))) unknown.push({ field: `links.${user}`, reason: 'unknown_staff' });
    }
    if (unknown.length) return { status: 400, json: { error: 'invalid links', errors: unknown } };
    await store.saveDiscordLinks(parsed.data.links);
    return { json: await store.discordView() };
  });

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
}
