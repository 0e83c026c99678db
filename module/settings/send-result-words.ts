/**
 * Turns a classified platform answer into one plain sentence for the admin, in the page's
 * language, with the next step ("this webhook was deleted in Discord: create a new one"). The
 * kind of answer comes from the structured SendResult (status, Discord's code, the network
 * failure the sender named), not from reading error text; the platform only picks the words.
 */
import type { Locale, Translator } from '../../sdk/module-context.js';
import { platformList, platformOf } from '../platforms/index.js';
import type { Platform } from '../webhooks/webhook.js';
import type { SendResult } from './ports.js';

/** Each platform's name as people write it, from its definition. */
export const platformLabels = Object.fromEntries(platformList.map((p) => [p.id, p.name])) as Record<Platform, string>;

export interface PlainAnswer {
  ok: boolean;
  message: string;
}

/** The kinds of answer that call for a different next step; each has words, some per platform. */
export const answerKinds = [
  'ok',
  'dns',
  'refused',
  'timeout',
  'tls',
  'unreachable',
  'blocked',
  'invalid_url',
  'rate_limited',
  'unauthorized',
  'forbidden',
  'not_found',
  'gone',
  'invalid_body',
  'chat',
  'server_error',
  'other',
] as const;
export type AnswerKind = (typeof answerKinds)[number];

/** Platform-specific words (`settings.test.<platform>.<kind>`), from the definitions; the rest use `settings.test.<kind>`. */
export const platformAnswers = Object.fromEntries(
  platformList.filter((p) => p.testWords).map((p) => [p.id, [...p.testWords!] as AnswerKind[]]),
) as Partial<Record<Platform, AnswerKind[]>>;

export function answerKind(
  platform: Platform,
  r: Pick<SendResult, 'outcome' | 'statusCode' | 'platformCode' | 'failure' | 'error'>,
): AnswerKind {
  if (r.outcome === 'ok') return 'ok';
  const status = r.statusCode;
  if (r.outcome === 'rate_limited' || status === 429) return 'rate_limited';
  if (status === null) {
    const f = r.failure ?? 'other';
    return f === 'reset' || f === 'other' ? 'unreachable' : f;
  }
  // The platform's own codes and descriptions first (Discord's 10015, Telegram's "chat not found").
  const own = platformOf(platform).testAnswerKind?.(r);
  if (own) return own as AnswerKind;
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 410) return 'gone';
  if (status === 400 || status === 413 || status === 422) return 'invalid_body';
  if (status >= 500) return 'server_error';
  return 'other';
}

export function describeSendResult(platform: Platform, r: SendResult, t: Translator['t'], locale: Locale): PlainAnswer {
  const kind = answerKind(platform, r);
  const vars = { platform: platformLabels[platform], status: r.statusCode ?? '-', error: r.error ?? '' };
  const key = platformOf(platform).testWords?.includes(kind) ? `settings.test.${platform}.${kind}` : `settings.test.${kind}`;
  return { ok: kind === 'ok', message: t(key, vars, locale) };
}

/** Slack-family error words that say what became of the webhook, as the status they come with. */
const slackWordStatus: Record<string, number> = {
  no_service: 404,
  no_team: 404,
  channel_is_archived: 410,
  action_prohibited: 403,
  team_disabled: 403,
  invalid_token: 401,
};

/**
 * A disabled webhook's stored reason (the dispatcher's text: `HTTP 404: {"message":…}`,
 * `Unknown Webhook (10015)`, `no_service`) in plain words with the next step; a reason that
 * names no status is shown as it is.
 */
export function reasonWords(reason: string | null, platform: Platform, t: Translator['t'], locale: Locale): string {
  if (!reason) return '';
  const http = /^HTTP (\d{3})\b/.exec(reason);
  const discordCode = /\((10015|50027)\)/.exec(reason);
  const slack = slackWordStatus[reason.trim()];
  const statusCode = http ? Number(http[1]) : slack ? slack : discordCode ? (discordCode[1] === '10015' ? 404 : 401) : null;
  if (statusCode === null) return reason;
  const result = {
    outcome: 'dead' as const,
    statusCode,
    platformCode: discordCode ? Number(discordCode[1]) : null,
    error: reason,
    durationMs: 0,
  };
  return describeSendResult(platform, result, t, locale).message;
}
