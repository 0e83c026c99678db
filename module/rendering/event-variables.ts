/**
 * The variables of one event when its customer HTML is converted asynchronously (a converter a
 * test can hold open or slow down): its HTML values are collected, converted all at once, then the
 * variables are built from the results. N webhooks, one conversion.
 */
import type { EventMap, EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import { convertHere } from '../text/untrusted-text.js';
import { computeVariables, type Variables } from './variables.js';

export interface MarkdownConverter {
  /** The Markdown of one HTML value, or null when it could not be had (sent as plain text). */
  toMarkdown(html: string): Promise<string | null>;
}

/** Converts on the calling thread: previews, and tests that do not exercise the threads. */
export const markdownHere: MarkdownConverter = {
  toMarkdown: async (html) => convertHere(html),
};

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
