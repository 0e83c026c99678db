/**
 * What Slack's (and Mattermost's, Rocket.Chat's) answers mean: plain-text error words, sometimes
 * in a 2xx. `no_service` (404), `channel_is_archived` (410), `action_prohibited` (403) and the
 * like mean the webhook is gone; `invalid_payload` and the like refuse the body.
 */
import { short } from '../../text/short-text.js';
import type { PlatformAnswer, PlatformVerdict } from '../platform-definition.js';

export function classifySlackLike({ status, text }: PlatformAnswer): PlatformVerdict | null {
  const word = text.trim();
  if (status >= 200 && status < 300) {
    // Slack answers 200 "ok"; Mattermost/Rocket.Chat may answer JSON. An error word in a 2xx is still an error.
    if (/^(no_service|channel_is_archived|action_prohibited|invalid_token|no_team|team_disabled)$/.test(word))
      return { kind: 'dead_webhook', reason: word, platformCode: null };
    if (/^(invalid_payload|no_text|too_many_attachments|invalid_blocks)$/.test(word))
      return { kind: 'dead_request', reason: word, platformCode: null };
    return { kind: 'ok' };
  }
  if (
    /no_service|channel_is_archived|channel_not_found|action_prohibited|invalid_token|no_team|team_disabled|posting_to_general_channel_denied/.test(
      word,
    ) ||
    status === 404 ||
    status === 410
  )
    return { kind: 'dead_webhook', reason: short(word) || `HTTP ${status}`, platformCode: null };
  if (status === 403) return { kind: 'dead_webhook', reason: short(word) || 'HTTP 403', platformCode: null };
  if (status >= 400 && status < 500 && status !== 408)
    return { kind: 'dead_request', reason: short(word) || `HTTP ${status}`, platformCode: null };
  return null;
}
