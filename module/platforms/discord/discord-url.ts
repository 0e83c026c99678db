/** Discord's webhook URLs: `https://discord.com/api/[v10/]webhooks/<id>/<token>`, and `/slack` for Slack-shaped bodies. */
const discordHosts = new Set([
  'discord.com',
  'discordapp.com',
  'ptb.discord.com',
  'canary.discord.com',
  'ptb.discordapp.com',
  'canary.discordapp.com',
]);

/** Whether `host` is one of Discord's own. */
export const isDiscordHost = (host: string): boolean => discordHosts.has(host);

/** Which body shape a Discord webhook URL takes (its `/slack` suffix accepts Slack's), or null when it is not one. */
export function discordWebhookPath(url: URL, host: string): 'discord' | 'slack' | null {
  if (!discordHosts.has(host)) return null;
  const m = /^\/api\/(?:v\d{1,2}\/)?webhooks\/\d+\/[^/]+(\/slack)?\/?$/.exec(url.pathname);
  if (!m) return null;
  return m[1] ? 'slack' : 'discord';
}
