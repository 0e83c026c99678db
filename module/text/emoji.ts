/**
 * Emoji shortcodes (`:pushpin:`): Discord and Slack render them, every other platform gets Unicode.
 * node-emoji knows most GitHub/Discord names; the few it lacks are aliased here.
 */
import { emojify } from 'node-emoji';

/** Names Discord and Slack accept that node-emoji's table spells differently. */
const aliases: Record<string, string> = {
  envelope: 'email',
};

/** Replaces known shortcodes with Unicode; unknown ones stay as written. */
export function shortcodesToUnicode(text: string): string {
  if (!text.includes(':')) return text;
  const aliased = text.replace(/:([a-z0-9_+-]+):/gi, (whole, name: string) => (aliases[name] ? `:${aliases[name]}:` : whole));
  return emojify(aliased);
}
