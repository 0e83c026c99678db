/**
 * Which platforms read each webhook option, as the formatters and the dispatcher do: the settings
 * form says "no effect" next to an option the chosen platform ignores, and names the platform's
 * own caveat (Slack-app webhooks ignore the name and icon that legacy incoming webhooks use).
 */
import { platformList } from '../platforms/index.js';
import { optionFields, type OptionField } from '../platforms/webhook-options.js';
import type { Platform } from './webhook.js';

export type { OptionField };

/** The platforms that read each option, in the registry's order (each definition lists its own). */
export const optionPlatforms = Object.fromEntries(
  optionFields.map((field) => [field, platformList.filter((p) => p.options.includes(field)).map((p) => p.id)]),
) as Record<OptionField, Platform[]>;

/** Translation keys (under `settings.form.`) of caveats: the option is sent, but may be ignored. */
export const optionCaveats: Partial<Record<OptionField, Partial<Record<Platform, string>>>> = {};
for (const p of platformList)
  for (const [field, key] of Object.entries(p.optionCaveats ?? {})) (optionCaveats[field as OptionField] ??= {})[p.id] = key;

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
