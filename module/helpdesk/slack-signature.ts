/**
 * Slack signs every request it sends an app: `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<X-Slack-Request-Timestamp>:<raw body>">` with the app's signing secret. Checked in
 * constant time, and refused when the timestamp is more than five minutes from the host's clock
 * (Slack's own advice against replays).
 */
import crypto from 'node:crypto';
import { SIGNATURE_WINDOW_S, type SignatureCheck } from './discord-signature.js';

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  return 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}

export function checkSlackSignature(
  secret: string,
  headers: Record<string, string | undefined>,
  rawBody: Buffer,
  nowMs: number,
): SignatureCheck {
  const given = headers['x-slack-signature'] ?? '';
  const timestamp = headers['x-slack-request-timestamp'] ?? '';
  if (!/^v0=[0-9a-f]{64}$/.test(given) || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing or malformed signature headers' };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  if (!crypto.timingSafeEqual(expected, Buffer.from(given))) return { ok: false, reason: 'invalid request signature' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S)
    return { ok: false, reason: 'request timestamp too old or in the future' };
  return { ok: true };
}
