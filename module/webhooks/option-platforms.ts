/**
 * Which platforms read each webhook option, as the formatters and the dispatcher do: the settings
 * form says "no effect" next to an option the chosen platform ignores, and names the platform's
 * own caveat (Slack-app webhooks ignore the name and icon that legacy incoming webhooks use).
 */
import type { Platform } from './webhook.js';

export type OptionField =
  | 'mode'
  | 'color'
  | 'username'
  | 'avatarUrl'
  | 'rolePing'
  | 'threadId'
  | 'threadName'
  | 'threadPerTicket'
  | 'threadTitle'
  | 'threadTags'
  | 'statusCard'
  | 'coalesce'
  | 'slackBlocks'
  | 'telegramChatId'
  | 'telegramParseMode'
  | 'signingSecret';

const slackLike: Platform[] = ['slack', 'mattermost', 'rocketchat'];

export const optionPlatforms: Record<OptionField, Platform[]> = {
  mode: ['discord'],
  color: ['discord'],
  username: ['discord', ...slackLike],
  avatarUrl: ['discord', ...slackLike],
  rolePing: ['discord'],
  threadId: ['discord'],
  threadName: ['discord'],
  // A post per ticket and message edits need Discord's webhook API; others need a bot token.
  threadPerTicket: ['discord'],
  threadTitle: ['discord'],
  threadTags: ['discord'],
  statusCard: ['discord'],
  // Packing a backlog into one request: dispatcher.ts coalesces these platforms only.
  coalesce: ['discord', ...slackLike],
  slackBlocks: ['slack'],
  telegramChatId: ['telegram'],
  telegramParseMode: ['telegram'],
  signingSecret: ['json'],
};

/** Translation keys (under `settings.form.`) of caveats: the option is sent, but may be ignored. */
export const optionCaveats: Partial<Record<OptionField, Partial<Record<Platform, string>>>> = {
  username: { slack: 'caveat_slack_app_identity' },
  avatarUrl: { slack: 'caveat_slack_app_identity' },
};

export interface OptionNote {
  /** Platforms that read the option, space-separated (for the page's script). */
  applies: string;
  /** What to tell the admin for `platform`: '' when the option works as labelled. */
  text: string;
}

/** The note of every option for `platform` (null: not known yet, nothing said). */
export function optionNotes(
  platform: Platform | null,
  say: (key: string, params?: Record<string, string>) => string,
  labels: Record<Platform, string>,
): Record<OptionField, OptionNote> {
  const out = {} as Record<OptionField, OptionNote>;
  for (const [field, readers] of Object.entries(optionPlatforms) as [OptionField, Platform[]][]) {
    let text = '';
    if (platform && !readers.includes(platform))
      text = say('no_effect', { platform: labels[platform], platforms: readers.map((p) => labels[p]).join(', ') });
    else if (platform && optionCaveats[field]?.[platform]) text = say(optionCaveats[field]![platform]!);
    out[field] = { applies: readers.join(' '), text };
  }
  return out;
}
