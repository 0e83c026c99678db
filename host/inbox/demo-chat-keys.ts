/**
 * The demo's stand-in for a Discord application and a Slack app: an Ed25519 key pair (Discord
 * signs interactions with the private half; the module checks them with the public key, in hex as
 * Discord's portal shows it), a Slack signing secret, fake bot tokens and the ids of the inbox's
 * one chat user. Made on the first development start and kept in the host's var/ folder beside
 * its other development state (app.key, the seed markers), readable by this user only. Never made
 * in the production profile: only the development CLI and tests call this.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DemoChatKeys {
  discord: {
    applicationId: string;
    /** 64 hex digits: what the module is given. */
    publicKey: string;
    /** PKCS#8 PEM: what the inbox signs with. */
    privateKeyPem: string;
    botToken: string;
    /** The inbox's Discord user, linked to the demo staff member. */
    userId: string;
  };
  slack: { signingSecret: string; botToken: string; userId: string; teamId: string };
}

export const DEMO_KEYS_FILE = 'inbox-demo-keys.json';

function makeKeys(): DemoChatKeys {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  // The raw key is the last 32 bytes of its SPKI DER form.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const b64 = (n: number) => crypto.randomBytes(n).toString('base64url');
  return {
    discord: {
      applicationId: '1190000000000000001',
      publicKey: raw.toString('hex'),
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      botToken: `${b64(18)}.${b64(4)}.${b64(27)}`,
      userId: '1190000000000000042',
    },
    slack: {
      signingSecret: crypto.randomBytes(16).toString('hex'),
      botToken: `xoxb-demo-${crypto.randomBytes(12).toString('hex')}`,
      userId: 'U0DEMOINBOX',
      teamId: 'T0DEMO000',
    },
  };
}

/** The demo keys of this var/ folder, made (mode 0600) the first time. */
export function demoChatKeys(dataDir: string): DemoChatKeys {
  const file = path.join(dataDir, DEMO_KEYS_FILE);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoChatKeys;
  const keys = makeKeys();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return keys;
}
