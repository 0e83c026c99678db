/**
 * Discord's 3 s: an interaction unanswered in 3 s fails for the user ("This interaction failed").
 * When the host's helpdesk is slower than a budget (2 s), the module answers at once with a
 * deferred response (type 5, ephemeral: "thinking…") and, when the helpdesk has answered, says the
 * outcome by editing that response: `PATCH {base}/webhooks/{application_id}/{token}/messages/@original`
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response;
 * the interaction token authorises it, no bot token). The token is a credential: never logged,
 * never in an error.
 */
import { got } from 'got';

export const DISCORD_API_BASE = 'https://discord.com/api/v10';
export const DISCORD_BUDGET_MS = 2000;
const DEFERRED_CHANNEL_MESSAGE = 5;
const EPHEMERAL = 64;

/** What the deferred answer is edited into: words only the user who acted sees. */
export interface FollowUp {
  content: string;
}

/**
 * `work`'s answer when it comes within `budgetMs`; else a deferred answer, and `later(words)`
 * once `work` is done (its words; or `failed`, and the error, when it threw).
 */
export async function answerWithin<T extends Record<string, unknown>>(
  work: Promise<{ answer: T; words: string }>,
  budgetMs: number,
  later: (followUp: FollowUp, error?: unknown) => void,
  failed: string,
): Promise<T | { type: number; data: { flags: number } }> {
  let timer: NodeJS.Timeout | undefined;
  const late = Symbol('late');
  const first = await Promise.race([
    work,
    new Promise<typeof late>((resolve) => {
      timer = setTimeout(() => resolve(late), budgetMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (first !== late) return first.answer;
  work.then(
    (done) => later({ content: done.words }),
    (err: unknown) => later({ content: failed }, err),
  );
  return { type: DEFERRED_CHANNEL_MESSAGE, data: { flags: EPHEMERAL } };
}

export type DiscordApiResult = { ok: true } | { ok: false; error: string };

/** Edits the interaction's original (deferred) response. */
export async function editOriginalResponse(
  base: string,
  applicationId: string,
  interactionToken: string,
  followUp: FollowUp,
): Promise<DiscordApiResult> {
  const url = `${base.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(applicationId)}/${encodeURIComponent(interactionToken)}/messages/@original`;
  try {
    const res = await got.patch(url, {
      json: { content: followUp.content.slice(0, 2000), allowed_mentions: { parse: [] } },
      timeout: { request: 5000 },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
    });
    return res.statusCode >= 200 && res.statusCode < 300 ? { ok: true } : { ok: false, error: `HTTP ${res.statusCode}` };
  } catch (err) {
    // got's messages name the URL (and so the token): only the code.
    return { ok: false, error: (err as { code?: string }).code ?? 'request failed' };
  }
}
