/**
 * Resolve-free checks of a webhook URL the admin typed: scheme, credentials, and (outside the
 * development profile) targets the host's network policy refuses, classified by
 * `classifyHost` — the same function the sender's agent applies at connect time to the literal
 * address and to every resolved one. This is the early, explainable refusal on the form.
 */
import type { NetworkPolicy } from '../../sdk/module-context.js';
import { classifyHost, refusedKind } from '../webhooks/target-address.js';

/** A reason key under `settings.errors.*` (translated by the caller), or null when allowed. */
export type UrlRefusal = 'url_invalid' | 'url_scheme' | 'url_credentials' | 'url_loopback' | 'url_private';

export function checkWebhookUrl(raw: string, network: NetworkPolicy): UrlRefusal | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url_invalid';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'url_scheme';
  if (!u.hostname) return 'url_invalid';
  if (u.username || u.password) return 'url_credentials';
  const refused = refusedKind(classifyHost(u.hostname), network);
  return refused === 'loopback' ? 'url_loopback' : refused === 'private' ? 'url_private' : null;
}
