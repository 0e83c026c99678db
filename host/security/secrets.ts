/**
 * AES-256-GCM sealing with the host's APP_KEY: what modules get as ctx.secrets. Values sealed
 * before a key rotation still open while their key is listed in APP_PREVIOUS_KEYS (Laravel's
 * scheme): the current key is tried first, then each previous one in order.
 */
import crypto from 'node:crypto';
import type { Secrets } from '../../sdk/module-context.js';

// The key may be any string; derive 32 bytes so a short or long APP_KEY both work.
const deriveKey = (appKey: string): Buffer => crypto.createHash('sha256').update(appKey).digest();

interface Sealed {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

function parse(sealed: string): Sealed {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('secrets: not a sealed value (expected v1.iv.tag.data)');
  return { iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), data: Buffer.from(data, 'base64url') };
}

/** The plain text, or null when this key does not open the value (a wrong key and tampering look alike). */
function open(key: Buffer, s: Sealed): string | null {
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, s.iv);
    decipher.setAuthTag(s.tag);
    return Buffer.concat([decipher.update(s.data), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export function createSecrets(appKey: string, previousKeys: readonly string[] = []): Secrets {
  const key = deriveKey(appKey);
  const previous = [...new Set(previousKeys)].filter((k) => k !== appKey).map(deriveKey);
  const unseal = (sealed: string): { plain: string; previous: boolean } | null => {
    const s = parse(sealed);
    const plain = open(key, s);
    if (plain !== null) return { plain, previous: false };
    for (const k of previous) {
      const old = open(k, s);
      if (old !== null) return { plain: old, previous: true };
    }
    return null;
  };
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const opened = unseal(sealed);
      if (opened) return opened.plain;
      throw new Error(
        previous.length
          ? `secrets: the value opens with neither APP_KEY nor any of the ${previous.length} APP_PREVIOUS_KEYS`
          : 'secrets: the value does not open with APP_KEY (was APP_KEY changed? list the old key in APP_PREVIOUS_KEYS)',
      );
    },
    whichKey(sealed) {
      let opened;
      try {
        opened = unseal(sealed);
      } catch {
        return 'none';
      }
      return opened === null ? 'none' : opened.previous ? 'previous' : 'current';
    },
  };
}
