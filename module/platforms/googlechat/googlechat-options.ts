/** What a Google Chat webhook sets: whether a card (cardsV2) with the event's name and an Open button follows the text. */
import { z } from 'zod';
import { defineOptions } from '../platform-options.js';

export const googleChatOptions = defineOptions({ googleChatCard: z.boolean('boolean') }, { googleChatCard: false });

export type GoogleChatOptions = ReturnType<typeof googleChatOptions.defaults>;
