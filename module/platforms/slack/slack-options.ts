/**
 * What a webhook of the Slack family can set: the sender's name and icon (legacy incoming
 * webhooks honour them), packing a backlog; Slack itself can add Block Kit sections.
 */
import { z } from 'zod';
import { defineOptions } from '../platform-options.js';
import { coalesceField, helpdeskButtonsField, identityDefaults, identityFields } from '../shared-options.js';

/** Mattermost and Rocket.Chat: the Slack shape without blocks. */
export const slackFamilyOptions = defineOptions({ ...identityFields, ...coalesceField }, { ...identityDefaults, coalesce: true });

export const slackOptions = defineOptions(
  {
    ...identityFields,
    ...coalesceField,
    /** Add Block Kit sections next to the text. */
    slackBlocks: z.boolean('boolean'),
    ...helpdeskButtonsField,
  },
  { ...identityDefaults, coalesce: true, slackBlocks: false, helpdeskButtons: false },
);

export type SlackOptions = ReturnType<typeof slackOptions.defaults>;
