/**
 * What Discord's answers mean: 404 or code 10015 (Unknown Webhook) and 401 or 50027 (Invalid
 * Webhook Token) mean the webhook is gone, never retried; another 4xx (but 408) refuses the body.
 */
import { short } from '../../text/short-text.js';
import type { PlatformAnswer, PlatformVerdict, TestAnswer } from '../platform-definition.js';

/** Discord's `{code, message, errors}` -> "Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length." */
export function discordErrorText(json: Record<string, unknown>): string {
  const base = typeof json.message === 'string' ? json.message : 'error';
  const code = typeof json.code === 'number' ? ` (${json.code})` : '';
  const fields: string[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (typeof node !== 'object' || node === null) return;
    const errs = (node as { _errors?: unknown })._errors;
    if (Array.isArray(errs)) {
      for (const e of errs) {
        const msg =
          typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
            ? (e as { message: string }).message
            : String(e);
        fields.push(`${path.join('.') || '(body)'}: ${msg}`);
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== '_errors') walk(v, [...path, k]);
  };
  walk(json.errors, []);
  return fields.length ? `${base}${code}: ${fields.slice(0, 5).join('; ')}` : `${base}${code}`;
}

export function classifyDiscord({ status, text, json }: PlatformAnswer): PlatformVerdict | null {
  const code = typeof json?.code === 'number' ? json.code : null;
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 404 || code === 10015)
    return { kind: 'dead_webhook', reason: json ? discordErrorText(json) : 'Unknown Webhook (404)', platformCode: code ?? 10015 };
  if (status === 401 || code === 50027)
    return { kind: 'dead_webhook', reason: json ? discordErrorText(json) : 'Invalid Webhook Token (401)', platformCode: code ?? 50027 };
  if (status >= 400 && status < 500 && status !== 408)
    return { kind: 'dead_request', reason: json ? discordErrorText(json) : `HTTP ${status}: ${short(text)}`, platformCode: code };
  return null;
}

/** Send test: Discord's own codes say "deleted" and "wrong token" whatever the status. */
export function discordTestAnswer(r: TestAnswer): string | null {
  if (r.platformCode === 10015) return 'not_found';
  if (r.platformCode === 50027) return 'unauthorized';
  return null;
}
