/**
 * Which platform a webhook URL belongs to, from its host and path, as each platform's definition
 * recognises it. Self-hosted platforms (Mattermost, Rocket.Chat) and generic JSON have no
 * recognisable URL and are chosen explicitly: null here.
 */
import { platformList, type Platform } from './index.js';

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
