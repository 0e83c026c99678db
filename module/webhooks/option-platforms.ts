/**
 * Which platforms read each webhook option, from each platform's own options (its definition's
 * `options.fields`): the settings form shows an option only for the platforms that read it, says
 * "no effect" next to it otherwise, and names the platform's own caveat (Slack-app webhooks
 * ignore the name and icon that legacy incoming webhooks use).
 */
import { platformList, platformsWhere } from '../platforms/index.js';
import type { Platform } from './webhook.js';

/**
 * The form's option fields: every platform's, in the registry's order, and the signing secret
 * (made by the module, shown for the platforms that sign their requests).
 */
export const optionFields: readonly string[] = [...new Set([...platformList.flatMap((p) => p.options.fields), 'signingSecret'])];
export type OptionField = string;

/** The platforms that read each option, in the registry's order. */
export const optionPlatforms: Record<string, Platform[]> = Object.fromEntries(
  optionFields.map((field) => [
    field,
    field === 'signingSecret'
      ? platformsWhere((p) => p.signed)
      : platformList.filter((p) => p.options.fields.includes(field)).map((p) => p.id),
  ]),
);

/** Translation keys (under `settings.form.`) of caveats: the option is sent, but may be ignored. */
export const optionCaveats: Partial<Record<string, Partial<Record<Platform, string>>>> = {};
for (const p of platformList)
  for (const [field, key] of Object.entries(p.optionCaveats ?? {})) if (key) (optionCaveats[field] ??= {})[p.id] = key;

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
): Record<string, OptionNote> {
  const out: Record<string, OptionNote> = {};
  for (const [field, readers] of Object.entries(optionPlatforms)) {
    let text = '';
    if (platform && !readers.includes(platform))
      text = say('no_effect', { platform: labels[platform], platforms: readers.map((p) => labels[p]).join(', ') });
    else if (platform && optionCaveats[field]?.[platform]) text = say(optionCaveats[field]![platform]!);
    out[field] = { applies: readers.join(' '), text };
  }
  return out;
}
