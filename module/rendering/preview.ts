/**
 * The settings page's preview: the exact body a webhook would send for the realistic sample
 * event (sdk/sample-events.ts), plus the same message as plain text for display.
 */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import { definitionOf } from '../events/index.js';
import { withSampleChoices, type SampleChoices } from '../events/sample-choices.js';
import type { Platform, WebhookOptions } from '../webhooks/webhook.js';
import { ticketThreadOptions } from '../platforms/index.js';
import { label } from './labels.js';
import { renderWithTemplate, templateFor } from './render-message.js';
import { DEFAULT_THREAD_TITLE, threadTitle, ticketThreadPlan } from './ticket-thread-plan.js';
import { computeVariables } from './variables.js';
import type { MessageBody } from './types.js';

export interface PreviewResult {
  body: MessageBody;
  /** Plain-text rendering (emoji as Unicode, no markup). */
  text: string;
  query?: Record<string, string>;
}

export interface PreviewContext {
  /** IANA zone for `%created_at%`; UTC by default. */
  timeZone?: string;
  /** Epoch ms the sample event is dated at; a fixed date by default (rendering has no clock). */
  now?: number;
  /** Picks among the sample customers, gateways and priorities. */
  seq?: number;
  /** The admin's choices for the sample (priority, department, amount, gateway). */
  sample?: SampleChoices;
}

export function preview(
  template: string,
  event: EventName,
  platform: Platform,
  locale: Locale,
  options: Partial<WebhookOptions> = {},
  context: PreviewContext = {},
): PreviewResult {
  const payload = withSampleChoices(definitionOf(event).sample({ seq: context.seq, now: context.now }) as AnyEventPayload, context.sample);
  const timeZone = context.timeZone ?? 'UTC';
  // A blank template previews what would be sent: the event's or the family's default.
  const used = templateFor({ templates: { [definitionOf(event).family]: template } }, event, locale);
  const rendered = renderWithTemplate({ template: used, event, payload, platform, locale, timeZone, options });
  const body = { ...rendered.body };
  // A thread-per-ticket webhook's sample ticket opens a post of its own, as its first event would
  // (the preview shows it; "Send test" to a forum channel needs it).
  const threadOptions = ticketThreadOptions(platform, options);
  const plan = threadOptions?.threadPerTicket
    ? ticketThreadPlan({
        event,
        payload,
        options: threadOptions,
        vars: computeVariables(event, payload as never, locale, timeZone),
        locale,
        timeZone,
      })
    : null;
  if (plan) {
    body.thread_name = plan.name;
    if (plan.tags.length) body.applied_tags = plan.tags;
  }
  return { body, text: rendered.text ?? '', ...(rendered.query && !plan ? { query: rendered.query } : {}) };
}

/**
 * The settings page's preview of a ticket's forum post: its title for the sample ticket, and the
 * sample's variables as plain text, so the page's script updates the title as the admin types.
 */
export function threadPreview(
  template: string | null,
  locale: Locale,
  context: PreviewContext = {},
): { title: string; defaultTemplate: string; vars: Record<string, string> } {
  const payload = definitionOf('ticket.submit').sample({ seq: context.seq, now: context.now }) as AnyEventPayload;
  const vars = computeVariables('ticket.submit', payload as never, locale, context.timeZone ?? 'UTC');
  return {
    title: threadTitle(template, vars, label(locale, 'rendering.event.ticket.submit')),
    defaultTemplate: DEFAULT_THREAD_TITLE,
    vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.text])),
  };
}
