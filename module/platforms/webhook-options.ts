/**
 * A webhook's options: the fields of its platform only, each platform declaring its own (schema,
 * defaults, required ones) in its folder (`<id>/<id>-options.ts`, read through the registry's
 * `platformOf(id).options`). Stored as one object per webhook (the `options` column) holding
 * those fields, plus the JSON platform's sealed signing secret (`signingSecretSealed`).
 *
 * This type names every field some platform has, each optional, for the few readers outside the
 * platforms that read an option by name (the form's widgets, the dispatcher's `coalesce`, the
 * ticket threads); a platform's format reads its own exact type instead.
 */
import type { DiscordOptions } from './discord/discord-options.js';
import type { GoogleChatOptions } from './googlechat/googlechat-options.js';
import type { SlackOptions } from './slack/slack-options.js';
import type { TelegramOptions } from './telegram/telegram-options.js';

export type EveryOption = DiscordOptions & SlackOptions & TelegramOptions & GoogleChatOptions;
export type WebhookOptions = Partial<EveryOption>;
export type OptionField = keyof EveryOption & string;

/** One forum tag applied when the ticket's priority or department is `when` (case-insensitive). */
export interface ThreadTagRule {
  when: string;
  tagId: string;
}

/** The options a platform with `ticketThreads` reads for its posts and status cards (rendering/ticket-thread-plan.ts). */
export type TicketThreadOptions = Pick<DiscordOptions, 'mode' | 'threadPerTicket' | 'threadTitle' | 'threadTags' | 'statusCard'>;
