/**
 * Rocket.Chat incoming webhooks: the Slack shape with its own Markdown (`*bold*`), 5000
 * characters by default. Self-hosted, so chosen by the admin.
 */
import { definePlatform } from '../platform-definition.js';
import { ROCKETCHAT } from '../limits.js';
import { classifySlackLike } from '../slack/slack-answers.js';
import { mergeSlack } from '../slack/slack-coalesce.js';
import { slackFamilyOptions } from '../slack/slack-options.js';
import { formatSlackLike, markdownSlackDialect, type SlackStyle } from '../slack/slack-format.js';

export const rocketchatStyle: SlackStyle = { dialect: markdownSlackDialect('*'), textLimit: ROCKETCHAT.text, blocks: false };

export const rocketchat = definePlatform({
  id: 'rocketchat',
  name: 'Rocket.Chat',
  urlWords: ['hooks'],
  options: slackFamilyOptions,
  format: (ctx) => formatSlackLike(rocketchatStyle, ctx),
  shownAtMost: ROCKETCHAT.text,
  coalesce: (a, b) => mergeSlack(rocketchatStyle.textLimit, a, b),
  classify: classifySlackLike,
  paced: true,
  preview: 'mrkdwn',
});
