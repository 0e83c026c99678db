/**
 * The variables of one event, computed once for all the webhooks it goes to: its customer HTML
 * values (content, subject, names, …) are converted by `converter` (worker threads in delivery),
 * all at once, then the variables are built from the results. N webhooks, one conversion.
 */
import type { EventMap, EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import type { MarkdownConverter } from './markdown-workers.js';
import { computeVariables, type Variables } from './variables.js';

export async function eventVariables<K extends EventName>(
  event: K,
  payload: EventMap[K],
  locale: Locale,
  timeZone: string,
  converter: MarkdownConverter,
): Promise<Variables> {
  // A first pass only collects the HTML values (exactly the inputs the second pass will ask for).
  const html = new Set<string>();
  computeVariables(event, payload, locale, timeZone, (value) => {
    html.add(value);
    return '';
  });
  if (html.size === 0) return computeVariables(event, payload, locale, timeZone);
  const markdown = new Map<string, string | null>();
  await Promise.all([...html].map(async (value) => markdown.set(value, await converter.toMarkdown(value))));
  return computeVariables(event, payload, locale, timeZone, (value) => markdown.get(value) ?? null);
}
