/**
 * What Google Chat's answers mean: Google API errors are `{error: {code, message, status}}`. A
 * key or token refused (401, 403: PERMISSION_DENIED, UNAUTHENTICATED) or a space gone (404)
 * means the webhook is gone; INVALID_ARGUMENT (400) refuses the body.
 */
import { short } from '../../text/short-text.js';
import type { PlatformAnswer, PlatformVerdict } from '../platform-definition.js';

function googleError(json: Record<string, unknown> | null): string | null {
  const error = json?.error;
  if (typeof error !== 'object' || error === null) return null;
  const { status, message } = error as { status?: unknown; message?: unknown };
  return [status, message].filter((x) => typeof x === 'string' && x).join(': ') || null;
}

export function classifyGoogleChat({ status, text, json }: PlatformAnswer): PlatformVerdict | null {
  if (status === 401 || status === 403 || status === 404)
    return { kind: 'dead_webhook', reason: `HTTP ${status}: ${googleError(json) ?? short(text, 200)}`, platformCode: null };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    return { kind: 'dead_request', reason: `HTTP ${status}: ${googleError(json) ?? short(text, 200)}`, platformCode: null };
  return null;
}
