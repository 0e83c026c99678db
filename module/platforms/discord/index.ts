/** Discord execute-webhook: plain content or embeds, threads and forum posts, its rate limits and IP guard. */
import { definePlatform } from '../platform-definition.js';
import { DISCORD } from '../limits.js';
import { classifyDiscord, discordTestAnswer } from './discord-answers.js';
import { mergeDiscord } from './discord-coalesce.js';
import { discordOptions } from './discord-options.js';
import { formatDiscord } from './discord-format.js';
import { discordWebhookPath, isDiscordHost } from './discord-url.js';

export const discord = definePlatform({
  id: 'discord',
  name: 'Discord',
  detect: (url, host) => discordWebhookPath(url, host) === 'discord',
  ownsHost: isDiscordHost,
  urlShape: 'https://discord.com/api/webhooks/<id>/<token>',
  // `/slack` and `/github` suffixes take those services' body shapes.
  urlWords: ['api', 'webhooks', 'slack', 'github'],
  // Its posts per ticket and message edits need Discord's webhook API; others need a bot token.
  options: discordOptions,
  format: formatDiscord,
  shownAtMost: DISCORD.description,
  rendersShortcodes: true,
  coalesce: mergeDiscord,
  ticketThreads: true,
  sendQuery: { wait: 'true' },
  classify: classifyDiscord,
  countsInvalidRequests: true,
  testAnswerKind: discordTestAnswer,
  testWords: ['not_found', 'unauthorized', 'forbidden'],
  preview: 'embed',
});
