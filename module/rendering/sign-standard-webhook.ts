/**
 * Standard Webhooks signature (`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`),
 * computed by the `standardwebhooks` reference library. Pure: the caller passes the message id
 * and the timestamp (seconds). The delivery code adds the three headers at send time.
 */
import { createHash } from 'node:crypto';
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

/** `secret` is `whsec_<base64>`; `body` is the exact JSON text sent. */
export function signStandardWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): StandardWebhookHeaders {
  const id = standardWebhookId(msgId);
  const signature = new Webhook(secret).sign(id, new Date(timestampSeconds * 1000), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(timestampSeconds)), 'webhook-signature': signature };
}
