/**
 * Which platform a webhook URL belongs to, from its host and path. Mattermost, Rocket.Chat and
 * generic JSON have no recognisable URL (self-hosted) and are chosen explicitly: null here.
 */
import type { Platform } from '../webhooks/webhook.js';

const discordHosts = new Set([
  'discord.com',
  'discordapp.com',
  'ptb.discord.com',
  'canary.discord.com',
  'ptb.discordapp.com',
  'canary.discordapp.com',
]);
const endsWithDomain = (host: string, domain: string): boolean => host === domain || host.endsWith(`.${domain}`);

export function detectPlatform(url: string): Platform | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  const path = u.pathname;
  if (discordHosts.has(host)) {
    const m = /^\/api\/(?:v\d{1,2}\/)?webhooks\/\d+\/[^/]+(\/slack)?\/?$/.exec(path);
    // Discord's `/slack` suffix accepts Slack's body shape.
    if (m) return m[1] ? 'slack' : 'discord';
    return null;
  }
  if (host === 'hooks.slack.com') return /^\/services\/.+/.test(path) ? 'slack' : null;
  if (endsWithDomain(host, 'logic.azure.com') || endsWithDomain(host, 'powerplatform.com') || endsWithDomain(host, 'webhook.office.com')) {
    return 'teams';
  }
  if (host === 'api.telegram.org') return /^\/bot[^/]+\/sendMessage\/?$/.test(path) ? 'telegram' : null;
  return null;
}
