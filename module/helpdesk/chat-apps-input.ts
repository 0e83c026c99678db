/**
 * What the admin may save for the chat apps, read the same way from the JSON API and from the
 * settings page: the Discord application, the Slack app, and which chat user is which staff
 * member. A key, secret or token left out keeps its stored value (nothing shows it back, so an
 * admin replaces one without typing the others); a malformed one is refused by field name, never
 * echoed.
 */
import { z } from 'zod';
import type { HelpdeskPort } from '../../sdk/helpdesk.js';
import type { ChatAppsStore } from './chat-apps-store.js';

export interface FieldProblem {
  field: string;
  reason: string;
}

export type SaveOutcome = { ok: true } | { ok: false; errors: FieldProblem[] };

const snowflake = z.string().regex(/^[1-9][0-9]{16,19}$/, 'snowflake');
export const discordUser = snowflake;
export const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'slack_user');

const discordAppInput = z
  .object({
    applicationId: snowflake,
    publicKey: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'public_key')
      .optional(),
    // A bot token is three base64url parts joined by dots.
    botToken: z
      .string()
      .regex(/^[\w-]{10,200}\.[\w-]{3,100}\.[\w-]{10,200}$/, 'bot_token')
      .optional(),
  })
  .strict();

const slackAppInput = z
  .object({
    signingSecret: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'signing_secret')
      .optional(),
    // A bot user token (`xoxb-…`); null removes it (Reply then asks for the answer field).
    botToken: z
      .string()
      .regex(/^xoxb-[A-Za-z0-9-]{10,250}$/, 'slack_bot_token')
      .nullable()
      .optional(),
  })
  .strict();

const linksOf = (user: z.ZodString) => z.object({ links: z.record(user, z.string().min(1, 'required').max(64, 'too_long')) }).strict();

function problems(err: z.ZodError): FieldProblem[] {
  return err.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', reason: i.message }));
}

export async function saveDiscordApp(store: ChatAppsStore, body: unknown): Promise<SaveOutcome> {
  const parsed = discordAppInput.safeParse(body);
  if (!parsed.success) return { ok: false, errors: problems(parsed.error) };
  const first = (await store.discordView()) === null;
  const missing = (['publicKey', 'botToken'] as const).filter((f) => first && parsed.data[f] === undefined);
  if (missing.length) return { ok: false, errors: missing.map((field) => ({ field, reason: 'required' })) };
  await store.saveDiscord({ ...parsed.data, publicKey: parsed.data.publicKey?.toLowerCase() });
  return { ok: true };
}

export async function saveSlackApp(store: ChatAppsStore, body: unknown): Promise<SaveOutcome> {
  const parsed = slackAppInput.safeParse(body);
  if (!parsed.success) return { ok: false, errors: problems(parsed.error) };
  if (parsed.data.signingSecret === undefined && (await store.slackView()) === null)
    return { ok: false, errors: [{ field: 'signingSecret', reason: 'required' }] };
  await store.saveSlack(parsed.data);
  return { ok: true };
}

/** Chat user -> staff links, all replaced: every staff id must exist in the host's helpdesk. */
export async function saveLinks(
  user: z.ZodString,
  helpdesk: HelpdeskPort | null,
  save: (links: Record<string, string>) => Promise<void>,
  body: unknown,
): Promise<SaveOutcome> {
  const parsed = linksOf(user).safeParse(body);
  if (!parsed.success) return { ok: false, errors: problems(parsed.error) };
  const unknown: FieldProblem[] = [];
  for (const [chatUser, staffId] of Object.entries(parsed.data.links))
    if (!helpdesk || !(await helpdesk.staff.get(staffId))) unknown.push({ field: `links.${chatUser}`, reason: 'unknown_staff' });
  if (unknown.length) return { ok: false, errors: unknown };
  await save(parsed.data.links);
  return { ok: true };
}
