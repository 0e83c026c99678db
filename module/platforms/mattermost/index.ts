/**
 * Mattermost incoming webhooks: the Slack shape with Markdown text (`**bold**`). Self-hosted, so
 * no URL says "Mattermost": the admin chooses it.
 */
import { definePlatform } from '../platform-definition.js';
import { MATTERMOST } from '../limits.js';
import { classifySlackLike } from '../slack/slack-answers.js';
import { mergeSlack } from '../slack/slack-coalesce.js';
import { slackFamilyOptions } from '../slack/slack-options.js';
import { formatSlackLike, markdownSlackDialect, type SlackStyle } from '../slack/slack-format.js';

export const mattermostStyle: SlackStyle = { dialect: markdownSlackDialect('**'), textLimit: MATTERMOST.text, blocks: false };

export const mattermost = definePlatform({
  id: 'mattermost',
  name: 'Mattermost',
  urlWords: ['hooks'],
  options: slackFamilyOptions,
  format: (ctx) => formatSlackLike(mattermostStyle, ctx),
  shownAtMost: MATTERMOST.text,
  coalesce: (a, b) => mergeSlack(mattermostStyle.textLimit, a, b),
  classify: classifySlackLike,
  paced: true,
  preview: 'mrkdwn',
});
