/** AES-256-GCM sealing with the host's APP_KEY: what modules get as ctx.secrets. */
import crypto from 'node:crypto';
import type { Secrets } from '../../sdk/module-context.js';

export function createSecrets(appKey: string): Secrets {
  // The key may be any string; derive 32 bytes so a short or long APP_KEY both work.
  const key = crypto.createHash('sha256').update(appKey).digest();
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('secrets: not a sealed value (expected v1.iv.tag.data)');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
