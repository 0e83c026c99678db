/**
 * Standard Webhooks signature (`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`).
 * The `standardwebhooks` reference library reads the secret (and refuses a malformed one); the
 * HMAC itself is node:crypto's, since the library's pure-JS SHA-256 cost 3 % of the host's CPU
 * per delivery in the throughput benchmark. Tests check the result with the library's verify.
 * Pure: the caller passes the message id and the timestamp (seconds). The delivery code adds the
 * three headers at send time.
 */
import { createHash, createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The spec's message ids hold no `.` (the signed content is `id.timestamp.body`) and its examples
 * only `[A-Za-z0-9_-]`; a host's event id may hold more (`evt.901.paid`). Other characters become
 * `_`, and a short hash of the original id is appended so two ids that map alike stay distinct.
 * Deterministic: every retry of a delivery carries the same id (consumers dedupe on it).
 */
export function standardWebhookId(messageId: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(messageId)) return messageId;
  const hash = createHash('sha256').update(messageId, 'utf8').digest('hex').slice(0, 10);
  return `${messageId.replace(/[^A-Za-z0-9_-]/g, '_')}_${hash}`;
}

/** Secrets already read, so each send does not decode the key again (bounded: cleared when full). */
const keys = new Map<string, Buffer>();
const KEYS_MAX = 1000;
/** The spec's secret prefix (the library strips it the same way). */
const SECRET_PREFIX = 'whsec_';

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    // The reference library's reading of the secret: it throws on one it would not sign with.
    new Webhook(secret);
    key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    if (keys.size >= KEYS_MAX) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** `secret` is `whsec_<base64>`; `body` is the exact JSON text sent. */
export function signStandardWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): StandardWebhookHeaders {
  const id = standardWebhookId(msgId);
  const timestamp = String(Math.floor(timestampSeconds));
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
}
