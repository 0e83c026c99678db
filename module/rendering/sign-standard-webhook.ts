/**
 * Standard Webhooks signature (`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`),
 * computed by the `standardwebhooks` reference library. Pure: the caller passes the message id
 * and the timestamp (seconds). The delivery code adds the three headers at send time.
 */
import { Webhook } from 'standardwebhooks';

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** `secret` is `whsec_<base64>`; `body` is the exact JSON text sent. */
export function signStandardWebhook(secret: string, msgId: string, timestampSeconds: number, body: string): StandardWebhookHeaders {
  const signature = new Webhook(secret).sign(msgId, new Date(timestampSeconds * 1000), body);
  return { 'webhook-id': msgId, 'webhook-timestamp': String(Math.floor(timestampSeconds)), 'webhook-signature': signature };
}
