/** Slack incoming webhooks: mrkdwn text and optional Block Kit sections, about one message a second. */
import { definePlatform } from '../platform-definition.js';
import { discordWebhookPath } from '../discord/discord-url.js';
import { classifySlackLike } from './slack-answers.js';
import { mergeSlack } from './slack-coalesce.js';
import { formatSlackLike, slackStyle } from './slack-format.js';
import { slackOptions } from './slack-options.js';

export const slack = definePlatform({
  id: 'slack',
  name: 'Slack',
  // Discord's `/slack` suffix accepts Slack's body shape.
  detect: (url, host) => (host === 'hooks.slack.com' && /^\/services\/.+/.test(url.pathname)) || discordWebhookPath(url, host) === 'slack',
  urlWords: ['services'],
  options: slackOptions,
  // Legacy incoming webhooks honour the name and icon; Slack-app webhooks ignore them.
  optionCaveats: { username: 'caveat_slack_app_identity', avatarUrl: 'caveat_slack_app_identity' },
  format: (ctx) => formatSlackLike(slackStyle, ctx),
  rendersShortcodes: true,
  coalesce: (a, b) => mergeSlack(slackStyle.textLimit, a, b),
  classify: classifySlackLike,
  paced: true,
  testWords: ['not_found', 'gone', 'forbidden'],
  preview: 'mrkdwn',
});
