/**
 * A webhook row's sealed values (the URL and the JSON platform's signing secret) under key
 * rotation: opening them without throwing, telling which key opens them, and sealing them again
 * under the current key. A value no key opens makes the webhook "unreadable": it is still listed,
 * edited and deleted, but nothing is sent to it until its URL is typed again.
 */
import type { Secrets } from '../../sdk/module-context.js';
import type { UnreadableField } from './webhook.js';

export type KeyState = 'current' | 'previous' | 'none';

/** The sealed signing secret kept inside the row's options JSON, if any. */
export function sealedSecretIn(optionsJson: string): string | null {
  const { signingSecretSealed } = JSON.parse(optionsJson) as { signingSecretSealed?: string };
  return signingSecretSealed || null;
}

export class WebhookSeals {
  constructor(private readonly secrets: Secrets) {}

  /** Which key opens `sealed`; a host without `whichKey` (no rotation) is asked by decrypting. */
  keyOf(sealed: string): KeyState {
    if (this.secrets.whichKey) return this.secrets.whichKey(sealed);
    return this.open(sealed) === null ? 'none' : 'current';
  }

  /** The plain text, or null when no key opens it (APP_KEY changed, or the value was tampered with). */
  open(sealed: string): string | null {
    try {
      return this.secrets.decrypt(sealed);
    } catch {
      return null;
    }
  }

  /** The sealed fields of a row that no key opens (without decrypting into this module when the host can say). */
  unreadable(urlSealed: string, optionsJson: string): UnreadableField[] {
    const out: UnreadableField[] = [];
    if (this.keyOf(urlSealed) === 'none') out.push('url');
    const secret = sealedSecretIn(optionsJson);
    if (secret !== null && this.keyOf(secret) === 'none') out.push('signingSecret');
    return out;
  }

  /**
   * Column values that seal the row under the current key, for the fields only a previous key
   * opens; null when there is nothing to re-seal.
   */
  resealed(urlSealed: string, optionsJson: string): { url_sealed?: string; options?: string } | null {
    const out: { url_sealed?: string; options?: string } = {};
    if (this.keyOf(urlSealed) === 'previous') out.url_sealed = this.secrets.encrypt(this.secrets.decrypt(urlSealed));
    const secret = sealedSecretIn(optionsJson);
    if (secret !== null && this.keyOf(secret) === 'previous') {
      out.options = JSON.stringify({ ...JSON.parse(optionsJson), signingSecretSealed: this.secrets.encrypt(this.secrets.decrypt(secret)) });
    }
    return out.url_sealed === undefined && out.options === undefined ? null : out;
  }
}
