/**
 * Discord signs every interaction it sends: Ed25519 over `X-Signature-Timestamp` + the raw body,
 * with the application's public key (hex, as the developer portal shows it). node:crypto checks
 * it (the same check as the `discord-interactions` package, without the dependency). A request
 * is also refused when its timestamp is more than five minutes from the host's clock, so a
 * captured request cannot be replayed later.
 */
import crypto from 'node:crypto';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const SIGNATURE_WINDOW_S = 300;

/** The application's public key as a KeyObject, or null when it is not 64 hex digits. */
export function discordPublicKey(hex: string): crypto.KeyObject | null {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function checkDiscordSignature(
  key: crypto.KeyObject,
  headers: Record<string, string | undefined>,
  rawBody: Buffer,
  nowMs: number,
): SignatureCheck {
  const signature = headers['x-signature-ed25519'] ?? '';
  const timestamp = headers['x-signature-timestamp'] ?? '';
  if (!/^[0-9a-fA-F]{128}$/.test(signature) || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing or malformed signature headers' };
  const valid = crypto.verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]), key, Buffer.from(signature, 'hex'));
  if (!valid) return { ok: false, reason: 'invalid request signature' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S)
    return { ok: false, reason: 'request timestamp too old or in the future' };
  return { ok: true };
}
