/**
 * The entry point of rendering: one validated event, one webhook -> the exact request body.
 * Pure and total: whatever the template and options, it returns a body within the platform's
 * limits and never throws (a formatter failure falls back to the event's name alone).
 */
import { wellFormed, type AnyEventPayload, type EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import { definitionOf, titleKey } from '../events/index.js';
import type { Platform, Webhook, WebhookOptions } from '../webhooks/webhook.js';
import type { EveryOption } from '../platforms/webhook-options.js';
import { defaultTemplates } from './default-templates.js';
import type { FormatContext, Formatted } from '../platforms/format-context.js';
import { label } from './labels.js';
import { everyOptionDefault, platformOf } from '../platforms/index.js';
import { compileTemplate } from '../text/template.js';
import type { RenderInput, RenderedMessage } from './types.js';
import { computeVariables, type Variables } from './variables.js';

const format = (platform: Platform, ctx: FormatContext): Formatted => platformOf(platform).format(ctx);

export interface RenderArgs {
  template: string;
  event: EventName;
  payload: AnyEventPayload;
  platform: Platform;
  locale: Locale;
  timeZone: string;
  options?: Partial<WebhookOptions>;
  /** The event's variables when already computed (once per event for all its webhooks). */
  vars?: Variables;
}

/**
 * The admin's texts as every platform can carry them: the settings form already turns a lone
 * surrogate into U+FFFD; a row written before that rule, or a caller that skipped the form, gets
 * the same here, so no body holds a string that has no UTF-8 form.
 */
function wellFormedOptions<O extends object>(options: O): O {
  const out: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const key of ['username', 'avatarUrl', 'threadName', 'threadId', 'telegramChatId'])
    if (typeof out[key] === 'string') out[key] = wellFormed(out[key] as string);
  return out as O;
}

/**
 * Everything a formatter needs, computed once (variables, compiled template, options with
 * defaults). The options given (a webhook's: its platform's) over every platform's defaults, so
 * each format finds its own fields whatever it is handed; none reads another platform's.
 */
export function buildFormatContext(args: RenderArgs): FormatContext<EveryOption> {
  const locale: Locale = args.locale === 'en' ? 'en' : 'fr';
  return {
    event: args.event,
    payload: args.payload,
    locale,
    timeZone: args.timeZone,
    options: wellFormedOptions({ ...everyOptionDefault, ...(args.options ?? {}) }) as EveryOption,
    template: compileTemplate(wellFormed(args.template)),
    vars: args.vars ?? computeVariables(args.event, args.payload as never, locale, args.timeZone),
    fallbackText: label(locale, titleKey(args.event)),
    say: (key) => label(locale, key),
  };
}

/** Renders `template` (not the webhook's) for one platform; shared by renderMessage and preview. */
export function renderWithTemplate(args: RenderArgs): RenderedMessage {
  const locale: Locale = args.locale === 'en' ? 'en' : 'fr';
  const fallbackText = label(locale, titleKey(args.event));
  let formatted: Formatted;
  try {
    formatted = format(args.platform, buildFormatContext(args));
  } catch {
    // Unreachable for payloads that passed validateEvent; kept so nothing can throw into delivery.
    formatted = format(args.platform, {
      event: args.event,
      payload: args.payload,
      locale,
      timeZone: 'UTC',
      options: { ...everyOptionDefault },
      template: compileTemplate(''),
      vars: {},
      fallbackText,
      say: (key) => label(locale, key),
    });
  }
  const message: RenderedMessage = { platform: args.platform, body: formatted.body, text: formatted.text };
  if (formatted.query) message.query = formatted.query;
  return message;
}

/**
 * The template a webhook renders `event` with: its own for the event, else its own for the
 * event's family, else the event's default, else the family's. A blank one counts as none (a
 * form saves an emptied textarea as '').
 */
export function templateFor(webhook: Pick<Webhook, 'templates' | 'eventTemplates'>, event: EventName, locale: Locale): string {
  const def = definitionOf(event);
  const given = (t: string | undefined) => (t?.trim() ? t : undefined);
  // A webhook created before an event had its own default holds an untouched copy of the family's
  // (the helpdesk's opening text): that copy is no choice of the admin's, the event's own applies.
  const family = webhook.templates[def.family];
  const untouchedCopy =
    def.defaultTemplate !== undefined && (family === familyDefaults.fr[def.family] || family === familyDefaults.en[def.family]);
  return (
    given(webhook.eventTemplates?.[event]) ??
    (untouchedCopy ? undefined : given(family)) ??
    def.defaultTemplate?.[locale] ??
    defaultTemplates(locale)[def.family]
  );
}

const familyDefaults = { fr: defaultTemplates('fr'), en: defaultTemplates('en') };

/** The body to send for one event to one webhook. */
export function renderMessage(input: RenderInput): RenderedMessage {
  const template = templateFor(input.webhook, input.event, input.locale);
  return renderWithTemplate({
    template,
    event: input.event,
    payload: input.payload,
    platform: input.webhook.platform,
    locale: input.locale,
    timeZone: input.timeZone,
    options: input.webhook.options,
    vars: input.vars,
  });
}
