/**
 * Slack messages posted by the Slack app itself (`chat.postMessage` with its bot token) rather
 * than through an incoming webhook: the webhook's URL is the method's URL naming the channel,
 * `https://slack.com/api/chat.postMessage?channel=C0123456789`. Slack's answer carries the
 * posted message's `ts`, so a ticket's later messages go under it (`thread_ts`): a thread per
 * ticket. Slack answers HTTP 200 with `{ok: false, error}` when it refuses (classifySlackApi).
 * https://docs.slack.dev/reference/methods/chat.postMessage
 */
import type { BotPosts, PlatformAnswer, PlatformVerdict } from '../platform-definition.js';

export const CHAT_POST_MESSAGE = 'chat.postMessage';

/** Slack's Web API (`ctx.chatApiBases.slack` / `SLACK_API_BASE` in the reference host point elsewhere). */
export const SLACK_API_BASE = 'https://slack.com/api';

/** A Slack conversation id: public (C), private (G) or direct (D) channel. */
const CHANNEL = /^[CGD][A-Z0-9]{6,20}$/;
/** A message's `ts`: seconds, a dot, six digits. */
const TS = /^\d{1,12}\.\d{6}$/;

/** The incoming-webhook fields that ask for another name or icon (chat:write.customize): the app posts as itself. */
const NOT_FOR_THE_APP = ['username', 'icon_url', 'icon_emoji'];

/** The URL `https://slack.com/api/chat.postMessage?channel=C…` at `apiBase`, or null. */
export function slackBotTarget(url: string, apiBase: string): { postUrl: string; channel: string } | null {
  let u: URL;
  let base: URL;
  try {
    u = new URL(url);
    base = new URL(apiBase);
  } catch {
    return null;
  }
  const postUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}/${CHAT_POST_MESSAGE}`;
  // The bot token goes to Slack's API (or the host's stand-in) only, never to a URL an admin typed elsewhere.
  if (`${u.origin}${u.pathname}` !== postUrl) return null;
  const channel = u.searchParams.get('channel') ?? '';
  return CHANNEL.test(channel) ? { postUrl, channel } : null;
}

export function chatPostMessageBody(message: Record<string, unknown>, channel: string, threadTs: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = { ...message, channel };
  for (const k of NOT_FOR_THE_APP) delete body[k];
  if (threadTs) body.thread_ts = threadTs;
  else delete body.thread_ts;
  // Links in a ticket's text stay links, not previews of customers' sites.
  body.unfurl_links = false;
  body.unfurl_media = false;
  return body;
}

export function postedMessage(text: string | null): { channel: string; ts: string } | null {
  try {
    const a = JSON.parse(text ?? '') as { ok?: unknown; channel?: unknown; ts?: unknown };
    return a.ok === true && typeof a.channel === 'string' && CHANNEL.test(a.channel) && typeof a.ts === 'string' && TS.test(a.ts)
      ? { channel: a.channel, ts: a.ts }
      : null;
  } catch {
    return null;
  }
}

/** Errors that say the app cannot post there at all (token, scope, channel): the webhook stops until fixed. */
const WEBHOOK_ERRORS: Record<string, string> = {
  channel_not_found: 'the channel in the webhook URL does not exist or the app cannot see it',
  not_in_channel: 'the app is not a member of the channel (invite it, or add the chat:write.public scope)',
  is_archived: 'the channel is archived',
  invalid_auth: 'the bot token is not valid (Chat apps page)',
  not_authed: 'no bot token was sent',
  account_inactive: 'the bot token belongs to a deleted user or app',
  token_revoked: 'the bot token was revoked',
  token_expired: 'the bot token expired',
  no_permission: 'the bot token lacks a permission',
  missing_scope: 'the app lacks the chat:write scope',
  restricted_action: 'the workspace does not let the app post there',
  team_access_not_granted: 'the bot token has no access to this workspace',
  ekm_access_denied: 'the workspace administrators suspended posting',
};
/** Slack's own failures: try again later. */
const RETRY_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/**
 * A Web API answer: `{ok: true}` is a post; `{ok: false, error}` is classified by its word (the
 * 429 `ratelimited` with Retry-After is the generic rate-limit path, before this). Null: not a
 * Web API answer (an incoming webhook's plain text).
 */
export function classifySlackApi({ status, json }: PlatformAnswer): PlatformVerdict | null {
  if (!json || typeof json.ok !== 'boolean' || status !== 200) return null;
  if (json.ok) return { kind: 'ok' };
  const error = typeof json.error === 'string' ? json.error.slice(0, 60) : 'unknown_error';
  const reason = `${CHAT_POST_MESSAGE}: ${error}`;
  if (WEBHOOK_ERRORS[error]) return { kind: 'dead_webhook', reason: `${reason} (${WEBHOOK_ERRORS[error]})`, platformCode: null };
  if (RETRY_ERRORS.has(error)) return { kind: 'retry', reason };
  return { kind: 'dead_request', reason, platformCode: null };
}

export const slackBotPosts: BotPosts = {
  apiBase: SLACK_API_BASE,
  target: slackBotTarget,
  body: chatPostMessageBody,
  posted: postedMessage,
};
