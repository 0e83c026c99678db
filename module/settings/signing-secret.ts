/** Standard Webhooks signing secrets: `whsec_` + base64 of 24 random bytes. */
import crypto from 'node:crypto';

export type RandomBytes = (size: number) => Buffer;

export function generateSigningSecret(randomBytes: RandomBytes = crypto.randomBytes): string {
  return 'whsec_' + randomBytes(24).toString('base64');
}
