/**
 * Slack incoming webhooks, or the Slack app's chat.postMessage (a thread per ticket): mrkdwn text
 * and optional Block Kit sections, about one message a second.
 */
import { definePlatform } from '../platform-definition.js';
import { discordWebhookPath } from '../discord/discord-url.js';
import { classifySlackLike } from './slack-answers.js';
import { classifySlackApi, slackBotPosts } from './slack-bot-posts.js';
import { mergeSlack } from './slack-coalesce.js';
import { formatSlackLike, slackStyle } from './slack-format.js';
import { slackOptions } from './slack-options.js';

export const slack = definePlatform({
  id: 'slack',
  name: 'Slack',
  // Discord's `/slack` suffix accepts Slack's body shape.
  detect: (url, host) =>
    (host === 'hooks.slack.com' && /^\/services\/.+/.test(url.pathname)) ||
    (host === 'slack.com' && url.pathname === '/api/chat.postMessage') ||
    discordWebhookPath(url, host) === 'slack',
  urlWords: ['services', 'api', 'chat.postMessage'],
  options: slackOptions,
  // Legacy incoming webhooks honour the name and icon; Slack-app webhooks ignore them.
  optionCaveats: { username: 'caveat_slack_app_identity', avatarUrl: 'caveat_slack_app_identity' },
  format: (ctx) => formatSlackLike(slackStyle, ctx),
  rendersShortcodes: true,
  coalesce: (a, b) => mergeSlack(slackStyle.textLimit, a, b),
  // chat.postMessage's JSON answers first, then the incoming webhooks' words.
  classify: (answer) => classifySlackApi(answer) ?? classifySlackLike(answer),
  botPosts: slackBotPosts,
  paced: true,
  testWords: ['not_found', 'gone', 'forbidden'],
  preview: 'mrkdwn',
});
