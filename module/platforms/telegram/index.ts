/** Telegram Bot API `sendMessage`: a chat id, text up to 4096 characters, HTML or MarkdownV2. */
import { definePlatform } from '../platform-definition.js';
import { TELEGRAM } from '../limits.js';
import { classifyTelegram, telegramTestAnswer } from './telegram-answers.js';
import { formatTelegram } from './telegram-format.js';
import { telegramOptions } from './telegram-options.js';

export const telegram = definePlatform({
  id: 'telegram',
  name: 'Telegram',
  detect: (url, host) => host === 'api.telegram.org' && /^\/bot[^/]+\/sendMessage\/?$/.test(url.pathname),
  ownsHost: (host) => host === 'api.telegram.org',
  urlShape: 'https://api.telegram.org/bot<token>/sendMessage',
  urlWords: ['sendmessage'],
  options: telegramOptions,
  format: formatTelegram,
  shownAtMost: TELEGRAM.text,
  classify: classifyTelegram,
  testAnswerKind: telegramTestAnswer,
  testWords: ['not_found', 'unauthorized', 'forbidden', 'chat'],
  preview: 'bot-message',
});
