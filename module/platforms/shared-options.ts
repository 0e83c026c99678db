/**
 * Option fields several platforms read the same way (Discord and the Slack family): the sender's
 * name and picture, and packing a backlog into fewer requests. Each platform's options list the
 * ones it reads.
 */
import { z } from 'zod';
import { bidiControl, nullableText } from '../text/input-text.js';
import { hasVisibleText } from './limits.js';

export const identityFields = {
  username: nullableText(80)
    .refine((u) => u === null || hasVisibleText(u), 'username_invisible')
    .refine((u) => u === null || !bidiControl.test(u), 'bidi_controls')
    .refine((u) => u === null || !/discord|clyde/i.test(u), 'username_forbidden'),
  avatarUrl: nullableText(2048).refine((u) => u === null || /^https:\/\/[^\s]+$/i.test(u), 'https_url'),
};

export const identityDefaults = { username: null, avatarUrl: null };

/** Pack a backlog into fewer requests (on by default; off sends one request per event). */
export const coalesceField = { coalesce: z.boolean('boolean') };

/**
 * Discord and Slack: ticket messages carry Reply, Claim and Close buttons (and on Slack an answer
 * field) that the module's helpdesk acts on (off by default); only useful once the matching chat
 * app is connected (the Discord webhook must be one the application created, the Slack webhook
 * one of the app). docs/helpdesk.md.
 */
export const helpdeskButtonsField = { helpdeskButtons: z.boolean('boolean') };
