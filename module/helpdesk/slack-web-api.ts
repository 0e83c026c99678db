/**
 * The Slack Web API methods the helpdesk calls: `views.open` (the Reply modal) and
 * `chat.postEphemeral` (a refusal only the user who wrote in a ticket's thread sees), with the
 * app's bot token, at a base URL the host may point at a local receiver (tests;
 * `https://slack.com/api` otherwise). Slack answers HTTP 200 with `{ok: false, error}` when it
 * refuses; the token is never put in an error or a log.
 */
import { got } from 'got';
import type { ModalView } from '@slack/types';
import { SLACK_API_BASE } from '../platforms/slack/slack-bot-posts.js';

export { SLACK_API_BASE };

export type SlackApiResult = { ok: true } | { ok: false; error: string };

async function callSlack(base: string, botToken: string, method: string, json: object, timeoutMs: number): Promise<SlackApiResult> {
  try {
    const res = await got.post(`${base.replace(/\/+$/, '')}/${method}`, {
      headers: { authorization: `Bearer ${botToken}` },
      json,
      timeout: { request: timeoutMs },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
    });
    let body: { ok?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      // Not JSON: said below by its status.
    }
    if (res.statusCode === 200 && body.ok === true) return { ok: true };
    return { ok: false, error: typeof body.error === 'string' ? body.error.slice(0, 100) : `HTTP ${res.statusCode}` };
  } catch (err) {
    return { ok: false, error: (err as { code?: string }).code ?? 'request failed' };
  }
}

export function openSlackView(base: string, botToken: string, triggerId: string, view: ModalView): Promise<SlackApiResult> {
  // Slack's trigger_id is good for 3 s: a slower answer is no answer.
  return callSlack(base, botToken, 'views.open', { trigger_id: triggerId, view }, 2500);
}

/** Words only `user` sees, in `channel` (under `threadTs`): https://docs.slack.dev/reference/methods/chat.postEphemeral */
export function postSlackEphemeral(
  base: string,
  botToken: string,
  message: { channel: string; user: string; threadTs: string; text: string },
): Promise<SlackApiResult> {
  return callSlack(
    base,
    botToken,
    'chat.postEphemeral',
    { channel: message.channel, user: message.user, thread_ts: message.threadTs, text: message.text },
    5000,
  );
}
