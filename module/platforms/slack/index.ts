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

/** `/services/T…/B…/<secret>`: a workspace id, a bot (integration) id, the secret. */
const SLACK_SHAPED_PATH = /^\/services\/T[A-Z0-9]{2,}\/B[A-Z0-9]{2,}\/[A-Za-z0-9]{8,}\/?$/;

export const slack = definePlatform({
  id: 'slack',
  name: 'Slack',
  // Discord's `/slack` suffix accepts Slack's body shape. A Slack-shaped path on another host (a
  // relay, a local stand-in) is Slack's too: saving it as signed JSON would post what Slack refuses.
  // Slack's chat.postMessage URL (naming a channel): the app posts itself (slack-bot-posts.ts).
  detect: (url, host) =>
    (host === 'hooks.slack.com' && /^\/services\/.+/.test(url.pathname)) ||
    (host === 'slack.com' && url.pathname === '/api/chat.postMessage') ||
    SLACK_SHAPED_PATH.test(url.pathname) ||
    discordWebhookPath(url, host) === 'slack',
  // Workflow Builder's triggers live there too and take their own JSON: not a near miss.
  ownsHost: (host, url) => host === 'hooks.slack.com' && !/^\/(triggers|workflows)\//.test(url.pathname),
  urlShape: 'https://hooks.slack.com/services/T…/B…/…',
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
