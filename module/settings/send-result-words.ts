/**
 * Turns a classified platform answer into one plain sentence for the admin ("Discord says this
 * webhook no longer exists (404 Unknown Webhook)"), in the page's language.
 */
import type { Locale, Translator } from '../../sdk/module-context.js';
import type { Platform } from '../webhooks/webhook.js';
import type { SendResult } from './ports.js';

export const platformLabels: Record<Platform, string> = {
  discord: 'Discord',
  slack: 'Slack',
  mattermost: 'Mattermost',
  rocketchat: 'Rocket.Chat',
  teams: 'Microsoft Teams',
  telegram: 'Telegram',
  json: 'JSON',
};

export interface PlainAnswer {
  ok: boolean;
  message: string;
}

export function describeSendResult(platform: Platform, r: SendResult, t: Translator['t'], locale: Locale): PlainAnswer {
  const vars = { platform: platformLabels[platform], status: r.statusCode ?? '-', error: r.error ?? '' };
  const say = (key: string) => t(`settings.test.${key}`, vars, locale);
  if (r.outcome === 'ok') return { ok: true, message: say('ok') };
  const err = (r.error ?? '').toLowerCase();
  const code = r.platformCode ?? null;
  if (r.outcome === 'rate_limited' || r.statusCode === 429) return { ok: false, message: say('rate_limited') };
  if (r.statusCode === null) {
    if (/timeout|timed out|etimedout/.test(err)) return { ok: false, message: say('timeout') };
    if (/not allowed|private ip|loopback|forbidden address/.test(err)) return { ok: false, message: say('blocked') };
    return { ok: false, message: say('unreachable') };
  }
  if (platform === 'discord') {
    if (r.statusCode === 404 || code === 10015) return { ok: false, message: say('discord_unknown_webhook') };
    if (r.statusCode === 401 || code === 50027) return { ok: false, message: say('discord_invalid_token') };
    if (code === 50035 || r.statusCode === 400) return { ok: false, message: say('invalid_body') };
  }
  if (['slack', 'mattermost', 'rocketchat'].includes(platform)) {
    if (err.includes('no_service') || r.statusCode === 404) return { ok: false, message: say('slack_no_service') };
    if (err.includes('channel_is_archived') || r.statusCode === 410) return { ok: false, message: say('slack_archived') };
    if (err.includes('action_prohibited') || r.statusCode === 403) return { ok: false, message: say('slack_prohibited') };
    if (err.includes('invalid_payload') || r.statusCode === 400) return { ok: false, message: say('invalid_body') };
  }
  if (platform === 'telegram' && /chat not found|blocked/.test(err)) return { ok: false, message: say('telegram_chat') };
  if (r.statusCode >= 500) return { ok: false, message: say('server_error') };
  if (r.statusCode === 404) return { ok: false, message: say('not_found') };
  if (r.statusCode === 401 || r.statusCode === 403) return { ok: false, message: say('unauthorized') };
  return { ok: false, message: say('other') };
}

/** A disabled webhook's stored reason, for the list. */
export function reasonWords(reason: string | null, platform: Platform, t: Translator['t'], locale: Locale): string {
  void platform;
  void t;
  void locale;
  return reason ?? '';
}
