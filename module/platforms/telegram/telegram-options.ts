/** What a Telegram webhook sets: the chat it posts to (the bot URL does not say it) and the parse mode. */
import { z } from 'zod';
import { nullableText } from '../../text/input-text.js';
import { defineOptions } from '../platform-options.js';

export const telegramOptions = defineOptions(
  {
    /** A chat id (`-1001234567890`) or a public channel's `@name`. */
    telegramChatId: nullableText(64).refine((c) => c === null || /^(-?\d+|@\w{5,})$/.test(c), 'telegram_chat'),
    telegramParseMode: z.enum(['HTML', 'MarkdownV2'], 'choice'),
  },
  { telegramChatId: null, telegramParseMode: 'HTML' },
  { required: ['telegramChatId'] },
);

export type TelegramOptions = ReturnType<typeof telegramOptions.defaults>;
