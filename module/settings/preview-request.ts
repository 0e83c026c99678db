/** The preview API: renders a template for a sample event exactly as it would be sent. */
import { z } from 'zod';
import { ticketPriorities, type EventName } from '../../sdk/events.js';
import { withSampleChoices } from '../events/sample-choices.js';
import { defaultFilters, type WebhookFilters } from '../webhooks/webhook.js';
import { isKnownEvent } from '../events/index.js';
import type { Locale } from '../../sdk/module-context.js';
import { platforms } from '../webhooks/webhook.js';
import { shortcodesToUnicode } from '../text/emoji.js';
import { platformOf } from '../platforms/index.js';
import { checkPlatformOptions, conditionError, filtersSchema, type FieldError } from './webhook-input.js';
import { checkCondition, conditionMatches } from '../conditions/conditions.js';
import { definitionOf } from '../events/index.js';
import { translateReason } from './request-parsing.js';
import type { SettingsDeps } from './settings-deps.js';

/** An event some definition (module/events/) describes. */
const knownEvent = z.string('event').refine(isKnownEvent, 'event') as unknown as z.ZodType<EventName>;

const previewSchema = z
  .object({
    template: z.string('required').max(10_000, 'too_long'),
    event: knownEvent,
    platform: z.enum(platforms, 'platform'),
    /** The form's options: those of `platform` are checked and used, the others ignored (the form's script sends a few of Discord's whatever the platform). */
    options: z.record(z.string(), z.unknown(), 'object').optional(),
    /** The webhook's condition being written: the answer says whether the sample meets it. */
    condition: z.string().max(1000, 'too_long').optional(),
    /** Events the webhook listens to, for the unknown-variable check; defaults to `event`. */
    events: z.array(knownEvent).optional(),
    /** The admin's choices for the sample event, so conditions, filters and role pings can be tried. */
    sample: z
      .object({
        priority: z.enum(ticketPriorities, 'choice'),
        department: z.string().max(200, 'too_long'),
        amount: z.number('number').min(0, 'not_negative').max(1e9, 'too_big'),
        gateway: z.string().max(100, 'too_long'),
      })
      .partial()
      .strict()
      .optional(),
    /** The webhook's filters being written: the answer says whether they let the sample through. */
    filters: filtersSchema.optional(),
  })
  .strict();

export interface PreviewAnswer {
  body: Record<string, unknown>;
  /** The body as sent, pretty-printed. */
  json: string;
  /** The body as the platform's client shows it: shortcodes it renders become emoji (for the drawing only). */
  display: Record<string, unknown>;
  unknownVariables: string[];
  variables: { name: string; description: string }[];
  /** With filters: whether they let the sample through (a filtered-out event is not sent). */
  filtersPass?: boolean;
  /** With a condition: whether the sample meets it, or why it cannot be evaluated (translated). */
  condition?: { ok: true; matches: boolean } | { ok: false; reason: string };
}

export function runPreview(
  deps: SettingsDeps,
  raw: unknown,
  locale: Locale,
): { ok: true; value: PreviewAnswer } | { ok: false; errors: FieldError[] } {
  const parsed = previewSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : '(body)', reason: i.message })),
    };
  }
  const { template, event, platform, sample } = parsed.data;
  const options = checkPlatformOptions(platform, parsed.data.options ?? {}, { foreign: 'ignore' });
  if (options.errors.length) return { ok: false, errors: options.errors };
  const body = deps.rendering.preview(template, event, platform, locale, options.value, undefined, sample);
  const payload = withSampleChoices(definitionOf(event).sample({}), sample);
  return {
    ok: true,
    value: {
      body,
      json: JSON.stringify(body, null, 2),
      display: platformOf(platform).rendersShortcodes ? (emojifyStrings(body) as Record<string, unknown>) : body,
      unknownVariables: deps.rendering.findUnknownVariables(template, parsed.data.events?.length ? parsed.data.events : [event]),
      variables: deps.rendering.listVariables(event, locale),
      ...(parsed.data.condition?.trim() ? { condition: sampleMeets(deps, parsed.data.condition.trim(), event, locale, payload) } : {}),
      ...(parsed.data.filters ? { filtersPass: filtersLetThrough(event, parsed.data.filters, payload) } : {}),
    },
  };
}

/** Whether the event's sample (the one previewed) meets `condition`, or the condition's error. */
function sampleMeets(
  deps: SettingsDeps,
  condition: string,
  event: EventName,
  locale: Locale,
  payload: unknown,
): PreviewAnswer['condition'] {
  const checked = checkCondition(condition, [event]);
  if (!checked.ok)
    return { ok: false, reason: translateReason(conditionError(checked.problem).reason, deps.i18n.t.bind(deps.i18n), locale) };
  return { ok: true, matches: conditionMatches(condition, event, payload) };
}

/** Whether the webhook's filters (with their defaults for what the form left out) let the sample through. */
function filtersLetThrough(event: EventName, filters: Partial<WebhookFilters>, payload: unknown): boolean {
  return definitionOf(event).matches({ ...defaultFilters(), ...filters }, payload);
}

/** Every string inside a JSON value, with its emoji shortcodes turned into Unicode. */
function emojifyStrings(value: unknown): unknown {
  if (typeof value === 'string') return shortcodesToUnicode(value);
  if (Array.isArray(value)) return value.map(emojifyStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, emojifyStrings(v)]));
  return value;
}
