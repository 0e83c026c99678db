/**
 * What the Bot API's answers mean: `{ok: false, error_code, description}`; a chat the bot cannot
 * write to (not found, blocked, kicked, no rights) or a bad token means the webhook is gone.
 */
import { short } from '../../text/short-text.js';
import type { PlatformAnswer, PlatformVerdict, TestAnswer } from '../platform-definition.js';

export function classifyTelegram({ status, text, json }: PlatformAnswer): PlatformVerdict | null {
  const description = typeof json?.description === 'string' ? json.description : short(text);
  const ok = json ? json.ok !== false : true;
  const platformCode = typeof json?.error_code === 'number' ? json.error_code : null;
  if (status >= 200 && status < 300 && ok) return { kind: 'ok' };
  if (
    /chat not found|bot was blocked|bot was kicked|user is deactivated|not enough rights|have no rights|chat_write_forbidden/i.test(
      description,
    ) ||
    status === 401 ||
    status === 403 ||
    status === 404
  )
    return { kind: 'dead_webhook', reason: description || `HTTP ${status}`, platformCode };
  if (status >= 400 && status < 500 && status !== 408)
    return { kind: 'dead_request', reason: description || `HTTP ${status}`, platformCode };
  return null;
}

/** Send test: Telegram answers 400 for a wrong chat id and for a bad body alike; its description tells them apart. */
export const telegramTestAnswer = (r: TestAnswer): string | null =>
  r.statusCode === 400 && /chat not found|chat_id is empty/i.test(r.error ?? '') ? 'chat' : null;
