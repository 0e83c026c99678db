/**
 * ctx.secrets under key rotation: the current key first, then each APP_PREVIOUS_KEYS entry; which
 * key opens a value; a value no key opens throws a message that names the cause, never the value.
 */
import { loadConfig, parsePreviousKeys } from '../../../host/config.js';
import { createSecrets } from '../../../host/security/secrets.js';

const OLD = 'old-app-key-'.padEnd(40, 'o');
const OLDER = 'older-app-key-'.padEnd(40, 'p');
const NEW = 'new-app-key-'.padEnd(40, 'n');
const URL = 'https://discord.com/api/webhooks/123456789012345678/SecretTokenPart';

describe('secrets with previous keys', () => {
  it('opens a value sealed with a previous key, says so, and seals again with the current key', () => {
    const sealedOld = createSecrets(OLD).encrypt(URL);
    const rotated = createSecrets(NEW, [OLDER, OLD]);
    expect(rotated.decrypt(sealedOld)).toBe(URL);
    expect(rotated.whichKey!(sealedOld)).toBe('previous');
    const resealed = rotated.encrypt(rotated.decrypt(sealedOld));
    expect(resealed).not.toBe(sealedOld);
    expect(rotated.whichKey!(resealed)).toBe('current');
    // The new seal opens with the new key alone, and no longer with the old one.
    expect(createSecrets(NEW).decrypt(resealed)).toBe(URL);
    expect(() => createSecrets(OLD).decrypt(resealed)).toThrow(/does not open with APP_KEY/);
  });

  it('tries every previous key in order, not only the first', () => {
    const sealedOlder = createSecrets(OLDER).encrypt('whsec_abc');
    expect(createSecrets(NEW, [OLD, OLDER]).decrypt(sealedOlder)).toBe('whsec_abc');
    expect(createSecrets(NEW, [OLD]).whichKey!(sealedOlder)).toBe('none');
  });

  it('throws without the plain text or the sealed value in the message when no key opens it', () => {
    const sealed = createSecrets(OLD).encrypt(URL);
    for (const s of [createSecrets(NEW), createSecrets(NEW, [OLDER])]) {
      let message = '';
      try {
        s.decrypt(sealed);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/APP_KEY/);
      expect(message).not.toContain('SecretTokenPart');
      expect(message).not.toContain(sealed.split('.')[3]);
    }
    expect(createSecrets(NEW).decrypt.bind(null, sealed)).toThrow(/was APP_KEY changed\?/);
    expect(createSecrets(NEW, [OLDER]).decrypt.bind(null, sealed)).toThrow(/neither APP_KEY nor any of the 1 APP_PREVIOUS_KEYS/);
  });

  it('reports a tampered or malformed value as opened by no key (whichKey never throws)', () => {
    const s = createSecrets(NEW, [OLD]);
    const sealed = s.encrypt(URL);
    const parts = sealed.split('.');
    const flipped = parts[3].slice(0, -2) + (parts[3].endsWith('AA') ? 'BB' : 'AA');
    expect(s.whichKey!([parts[0], parts[1], parts[2], flipped].join('.'))).toBe('none');
    expect(s.whichKey!('not-sealed')).toBe('none');
    expect(() => s.decrypt('not-sealed')).toThrow(/not a sealed value/);
  });

  it('ignores a previous key equal to the current one', () => {
    const s = createSecrets(NEW, [NEW]);
    expect(s.whichKey!(s.encrypt('x'))).toBe('current');
  });
});

describe('APP_PREVIOUS_KEYS in the configuration', () => {
  it('is comma-separated, blanks trimmed and empty entries dropped', () => {
    expect(parsePreviousKeys(undefined)).toEqual([]);
    expect(parsePreviousKeys('')).toEqual([]);
    expect(parsePreviousKeys(' a-key , ,b-key,')).toEqual(['a-key', 'b-key']);
    const c = loadConfig({ APP_KEY: NEW, APP_PREVIOUS_KEYS: `${OLD},${OLDER}`, ADMIN_TOKEN: 'a'.repeat(20) }, { varDir: '/tmp/unused' });
    expect(c.appKey).toBe(NEW);
    expect(c.previousAppKeys).toEqual([OLD, OLDER]);
  });
});
