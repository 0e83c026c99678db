/**
 * Resolve-free checks of a webhook URL the admin typed: scheme, credentials, and (outside the
 * development profile) targets the host's network policy refuses, classified by
 * `classifyHost` — the same function the sender's agent applies at connect time to the literal
 * address and to every resolved one. This is the early, explainable refusal on the form.
 */
import type { NetworkPolicy } from '../../sdk/module-context.js';
import { classifyHost, refusedKind } from '../webhooks/target-address.js';
import { detectPlatform } from '../platforms/detect-platform.js';
import { platformList } from '../platforms/index.js';

/**
 * A reason key under `settings.errors.*` (translated by the caller), or null when allowed; the
 * reasons say what is wrong and how to fix it. `url_not_platform:` carries its words' values as
 * JSON (the platform's name and the shape of its webhook URLs, which holds no credential).
 */
export type UrlRefusal =
  | 'url_invalid'
  | 'url_no_scheme'
  | 'url_spaces'
  | 'url_scheme'
  | 'url_credentials'
  | 'url_loopback'
  | 'url_private'
  | `url_not_platform:${string}`;

/** `discord.com/api/webhooks/…` typed without its scheme: a URL once `https://` is added. */
function missingScheme(raw: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return false;
  try {
    const u = new URL(`https://${raw.replace(/^\/\//, '')}`);
    return u.hostname.includes('.') || u.hostname === 'localhost';
  } catch {
    return false;
  }
}

/**
 * The host of a platform whose webhook URLs it recognises, with a path that is not one of them
 * (a channel link pasted instead of its webhook, a token cut off): the platform and its shape.
 */
function nearMiss(u: URL): { platform: string; shape: string } | null {
  if (detectPlatform(u.href)) return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  const p = platformList.find((d) => d.urlShape && d.ownsHost?.(host, u));
  return p ? { platform: p.name, shape: p.urlShape! } : null;
}

export function checkWebhookUrl(raw: string, network: NetworkPolicy): UrlRefusal | null {
  // A URL cut by a space or a line break (pasted from a chat or an e-mail): one once joined.
  const joined = raw.replace(/\s+/g, '');
  if (/\s/.test(raw.trim()) && (URL.canParse(joined) || missingScheme(joined))) return 'url_spaces';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return missingScheme(raw.trim()) ? 'url_no_scheme' : 'url_invalid';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return missingScheme(raw.trim()) ? 'url_no_scheme' : 'url_scheme';
  if (!u.hostname) return 'url_invalid';
  if (u.username || u.password) return 'url_credentials';
  const refused = refusedKind(classifyHost(u.hostname), network);
  if (refused === 'loopback') return 'url_loopback';
  if (refused === 'private') return 'url_private';
  const miss = nearMiss(u);
  return miss ? `url_not_platform:${JSON.stringify(miss)}` : null;
}
