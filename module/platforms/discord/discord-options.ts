/** What a Discord webhook can set: plain or embed, colour, identity, role pings, threads and forum posts. */
import { z } from 'zod';
import { ticketPriorities } from '../../../sdk/events.js';
import { nullableText, oneLine } from '../../text/input-text.js';
import { DISCORD_SNOWFLAKE } from '../limits.js';
import { defineOptions } from '../platform-options.js';
import { coalesceField, helpdeskButtonsField, identityDefaults, identityFields } from '../shared-options.js';

/** Where a role ping goes: the ticket's opening message only, or each of its messages. */
export const rolePingOns = ['opening', 'every'] as const;
export type RolePingOn = (typeof rolePingOns)[number];

/** Discord's SnowflakeType (`^(0|[1-9][0-9]*)$`), 17 to 20 digits as real ids have. */
const snowflake = z.string().regex(DISCORD_SNOWFLAKE, 'snowflake');

export const discordOptions = defineOptions(
  {
    /** Plain `content` (the reference document's style) or a rich embed. */
    mode: z.enum(['plain', 'embed'], 'choice'),
    /** Embed colour as 0xRRGGBB; null picks the event's default colour. */
    color: z.number('color').int('color').min(0, 'color').max(0xffffff, 'color').nullable(),
    ...identityFields,
    /**
     * Role ids pinged, only for tickets whose priority is listed (all tickets when empty); `on`:
     * only on the message that opens (or reopens) a ticket (the default, also for rows saved
     * before the choice existed), or on every message of its conversation.
     */
    rolePing: z
      .object({
        roleIds: z.array(snowflake).max(10, 'too_many'),
        priorities: z.array(z.enum(ticketPriorities, 'choice')),
        on: z.enum(rolePingOns, 'choice').optional(),
      })
      .nullable(),
    /** A forum or thread channel's thread. */
    threadId: z.union([snowflake, z.literal(''), z.null()]).transform((s) => (s ? s : null)),
    threadName: nullableText(100),
    /**
     * Forum or media channel: each ticket is one post (created by ticket.submit, named by
     * `threadTitle`), its replies and close go into it (delivery/ticket-threads.ts).
     */
    threadPerTicket: z.boolean('boolean'),
    /** Template of the post's title; null = `#%id% %subject%`. Cut to Discord's 100 characters. */
    threadTitle: nullableText(500),
    /** Forum tag ids applied to the post, by ticket priority or department (id or name, any case). */
    threadTags: z
      .array(z.object({ when: oneLine(z.string().trim().min(1, 'required').max(200, 'too_long')), tagId: snowflake }).strict())
      // Discord applies at most 5 tags to a forum post.
      .max(5, 'too_many'),
    /**
     * Keep the ticket's first message current: `close` edits it when the ticket closes, `each` on
     * every reply too. In a text channel (no threadPerTicket) the close then edits the first
     * message instead of posting a new one.
     */
    statusCard: z.enum(['off', 'close', 'each'], 'choice'),
    ...coalesceField,
    ...helpdeskButtonsField,
  },
  {
    mode: 'plain',
    color: null,
    ...identityDefaults,
    rolePing: null,
    threadId: null,
    threadName: null,
    threadPerTicket: false,
    threadTitle: null,
    threadTags: [],
    statusCard: 'off',
    coalesce: true,
    helpdeskButtons: false,
  },
  {
    // Discord refuses a message naming a new forum post and an existing thread (220002/220003).
    check: (saved) => (saved.threadId && saved.threadName ? [{ field: 'threadName', reason: 'thread_id_and_name' }] : []),
  },
);

export type DiscordOptions = ReturnType<typeof discordOptions.defaults>;
