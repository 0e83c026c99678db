/**
 * The one Slack Web API method the helpdesk calls: `views.open` (the Reply modal), with the app's
 * bot token, at a base URL the host may point at a local receiver (tests; `https://slack.com/api`
 * otherwise). Slack answers HTTP 200 with `{ok: false, error}` when it refuses; the token is never
 * put in an error or a log.
 */
import { got } from 'got';
import type { ModalView } from '@slack/types';

export const SLACK_API_BASE = 'https://slack.com/api';

export type SlackApiResult = { ok: true } | { ok: false; error: string };

export async function openSlackView(base: string, botToken: string, triggerId: string, view: ModalView): Promise<SlackApiResult> {
  try {
    const res = await got.post(`${base.replace(/\/+$/, '')}/views.open`, {
      headers: { authorization: `Bearer ${botToken}` },
      json: { trigger_id: triggerId, view },
      // Slack's trigger_id is good for 3 s: a slower answer is no answer.
      timeout: { request: 2500 },
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
