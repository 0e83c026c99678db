/**
 * Google Chat incoming webhooks: `https://chat.googleapis.com/v1/spaces/{space}/messages?key=…&token=…`,
 * Chat's text markup, an optional card, a thread per ticket. 60 writes a minute per space
 * (incoming webhooks included), so it is paced like Slack: one message a second.
 */
import { definePlatform } from '../platform-definition.js';
import { classifyGoogleChat } from './googlechat-answers.js';
import { formatGoogleChat } from './googlechat-format.js';
import { GOOGLE_CHAT } from './googlechat-limits.js';
import { googleChatOptions } from './googlechat-options.js';

export const googlechat = definePlatform({
  id: 'googlechat',
  name: 'Google Chat',
  detect: (url, host) =>
    host === 'chat.googleapis.com' &&
    /^\/v1\/spaces\/[^/]+\/messages\/?$/.test(url.pathname) &&
    url.searchParams.has('key') &&
    url.searchParams.has('token'),
  ownsHost: (host) => host === 'chat.googleapis.com',
  urlShape: 'https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…',
  urlWords: ['spaces', 'messages'],
  options: googleChatOptions,
  format: formatGoogleChat,
  shownAtMost: GOOGLE_CHAT.bytes,
  classify: classifyGoogleChat,
  paced: true,
  testWords: ['not_found', 'unauthorized', 'forbidden'],
  preview: 'chat-card',
});
