/**
 * How much of one customer-written value a platform can show at most. A longer value is cut by
 * the formatters' fitting anyway (fit-to-limit.ts), and that fitting only ever reads the first
 * units of a value; so cutting each value to a couple of units more than its platform can show, before
 * formatting, gives the same body for a fraction of the work. A 40 000-unit ticket cost 15 to
 * 30 ms per Discord, Telegram or Teams webhook on the host's thread, most of it on text the
 * platform never shows.
 */
import type { Platform } from '../webhooks/webhook.js';
import { platformOf } from '../platforms/index.js';
import { cutUnits } from '../text/untrusted-text.js';
import type { Variables } from './variables.js';

/** The variables with each customer-written value cut just past what `platform` can show. */
export function capForPlatform(vars: Variables, platform: Platform): Variables {
  // The largest field a value can land in (Teams: a whole card's bytes, each unit at least one
  // byte). Slack (40 000 units of text) and the JSON platform (every value whole) are not cut.
  const most = platformOf(platform).shownAtMost;
  if (most === undefined) return vars;
  // Two past: cutUnits may step back one unit so as not to split a surrogate pair.
  const cap = most + 2;
  let out: Variables | null = null;
  for (const [name, v] of Object.entries(vars)) {
    if (!v.untrusted || (v.untrusted.markdown.length <= cap && v.untrusted.plain.length <= cap && v.text.length <= cap)) continue;
    out ??= { ...vars };
    out[name] = {
      text: cutUnits(v.text, cap),
      untrusted: { markdown: cutUnits(v.untrusted.markdown, cap), plain: cutUnits(v.untrusted.plain, cap) },
    };
  }
  return out ?? vars;
}
