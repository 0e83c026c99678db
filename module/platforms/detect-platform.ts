/**
 * Which platform a webhook URL belongs to, from its host and path, as each platform's definition
 * recognises it. Self-hosted platforms (Mattermost, Rocket.Chat) and generic JSON have no
 * recognisable URL and are chosen explicitly: null here.
 */
import type { InboxReceiver } from '../../sdk/module-context.js';
import { isPlatform, platformList, type Platform } from './index.js';

export function detectPlatform(url: string): Platform | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  return platformList.find((p) => p.detect?.(u, host))?.id ?? null;
}

/**
 * detectPlatform, plus the receivers a host offers as stand-ins for the platforms (the reference
 * host's local inbox in development): a URL under one of them is that receiver's platform. A
 * receiver naming a platform this module does not know is ignored.
 */
export function detectPlatformWith(receivers: readonly InboxReceiver[]): (url: string) => Platform | null {
  const known = receivers.filter((r) => isPlatform(r.platform) && /^https?:\/\/[^/]+\/./.test(r.urlPrefix));
  if (!known.length) return detectPlatform;
  return (url) => {
    const trimmed = url.trim();
    const receiver = known.find((r) => trimmed.startsWith(r.urlPrefix) && trimmed.length > r.urlPrefix.length);
    return receiver ? (receiver.platform as Platform) : detectPlatform(url);
  };
}
