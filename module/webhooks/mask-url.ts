/** Webhook URLs shown without their credentials (lists, pages, logs, audit). */
import { platformList } from '../platforms/index.js';

/** Path words that route a request (each platform's `urlWords`, and any endpoint's): fixed words, never a credential. */
const routingWords = new Set(
  ['api', 'webhooks', 'webhook', 'hooks', 'hook', ...platformList.flatMap((p) => p.urlWords ?? [])].map((w) => w.toLowerCase()),
);

/**
 * Masks a webhook URL for display: scheme, host and the platform's routing words survive; every
 * other path segment becomes ••••, whatever it looks like (a token can be all letters, a custom
 * endpoint's `/in/Secrettoken` too), and a query becomes `?••••` (Teams' `sig=`).
 * `https://discord.com/api/webhooks/123456789/abcdef` -> `https://discord.com/api/webhooks/••••/••••`
 * Masking a mask gives the same mask, so a hint stored by an older, leakier rule can be re-masked.
 */
export function maskUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '••••';
  }
  const segments = u.pathname.split('/').filter(Boolean);
  const shape = segments.map((seg) => (routingWords.has(seg.toLowerCase()) || /^v\d{1,2}$/i.test(seg) ? seg : '••••'));
  return `${u.protocol}//${u.host}/${shape.join('/')}${u.search ? '?••••' : ''}`;
}
