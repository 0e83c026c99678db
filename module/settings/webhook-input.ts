/**
 * Validation of what the admin sends to create or change a webhook, from the JSON API or a
 * form. Every failure is `{field, reason}`: the field's dotted path and a reason key under
 * `settings.errors.*` (translated by the caller) or zod's own message.
 */
import { z } from 'zod';
import { ticketPriorities, wellFormed, type EventName } from '../../sdk/events.js';
import { isKnownEvent } from '../events/index.js';
import type { NetworkPolicy } from '../../sdk/module-context.js';
import { fallbackPlatform, isPlatform, platformOf } from '../platforms/index.js';
import { bidiControl, controlButLineBreaks, oneLine, visibleName } from '../text/input-text.js';
import { optionPlatforms } from '../webhooks/option-platforms.js';
import {
  platforms,
  templateFamilies,
  type Platform,
  type TemplateFamily,
  type WebhookFilters,
  type WebhookOptions,
} from '../webhooks/webhook.js';
import { checkWebhookUrl } from './url-policy.js';

export interface FieldError {
  field: string;
  /** A `settings.errors.*` key (without the prefix) or a plain message. */
  reason: string;
}

/**
 * The options as sent: an object whose fields the chosen platform's own schema checks once the
 * platform is known (`checkPlatformOptions`), so an option is judged by the platform it is for.
 */
const sentOptions = z.record(z.string(), z.unknown(), 'object');

export const filtersSchema = z
  .object({
    departments: z.array(oneLine(z.string().trim().min(1, 'required').max(200, 'too_long'))).max(100, 'too_many'),
    priorities: z.array(z.enum(ticketPriorities, 'choice')),
    minOrderTotal: z.number('number').finite('number').min(0, 'not_negative').max(1e12, 'too_big').nullable(),
    paymentGateways: z.array(oneLine(z.string().trim().min(1, 'required').max(100, 'too_long'))).max(50, 'too_many'),
    replyAuthors: z.enum(['staff', 'customer', 'both'], 'choice'),
    awaitingStaffMinutes: z.number('number').int('integer').min(1, 'too_small').max(43_200, 'too_big'),
  })
  .partial()
  .strict();

const templateText = z
  .string()
  .max(10_000, 'too_long')
  .refine((s) => !controlButLineBreaks.test(s), 'control_chars')
  .transform(wellFormed);

const baseSchema = z
  .object({
    name: oneLine(
      z
        .string('required')
        .trim()
        .min(1, 'required')
        .max(200, 'too_long')
        .refine((s) => !bidiControl.test(s), 'bidi_controls')
        .refine((s) => s === '' || visibleName(s), 'name_invisible'),
    ),
    url: z.string('required').trim().max(2048, 'too_long'),
    platform: z.enum([...platforms, 'auto'], 'platform'),
    events: z
      .array(z.string('event').refine(isKnownEvent, 'event') as unknown as z.ZodType<EventName>)
      .min(1, 'events_required')
      .transform((list) => [...new Set(list)]),
    templates: z
      .object(Object.fromEntries(templateFamilies.map((f) => [f, templateText])) as Record<TemplateFamily, typeof templateText>)
      .partial()
      .strict(),
    /** Replaces the stored per-event templates as a whole; a blank one is dropped (the family's is used). */
    /** A CEL expression (module/conditions/); blank or null: none. Checked against the events by the service. */
    condition: z
      .string('condition')
      .max(1000, 'too_long')
      .refine((s) => !controlButLineBreaks.test(s), 'control_chars')
      .transform(wellFormed)
      .nullable()
      .transform((s) => (s === null || s.trim() === '' ? null : s.trim())),
    eventTemplates: z.record(z.string().refine(isKnownEvent, 'event') as unknown as z.ZodType<EventName>, templateText),
    options: sentOptions,
    filters: filtersSchema,
    enabled: z.boolean('boolean'),
    /** Update only: make a new signing secret (shown once). */
    regenerateSecret: z.boolean('boolean'),
  })
  .strict();

export interface WebhookInput {
  name?: string;
  /** Absent or empty on update: keep the stored URL. */
  url?: string;
  /** Resolved: detected from the URL when the admin chose "auto". */
  platform?: Platform;
  events?: EventName[];
  templates?: Partial<Record<TemplateFamily, string>>;
  eventTemplates?: Partial<Record<EventName, string>>;
  condition?: string | null;
  options?: Partial<WebhookOptions>;
  filters?: Partial<WebhookFilters>;
  enabled?: boolean;
  regenerateSecret?: boolean;
}

export type ParseResult = { ok: true; value: WebhookInput } | { ok: false; errors: FieldError[] };

export interface ParseContext {
  mode: 'create' | 'update';
  network: NetworkPolicy;
  detectPlatform(url: string): Platform | null;
  /** The stored platform (update), used when the URL is kept and platform is "auto". */
  currentPlatform?: Platform;
  /** The stored options (update): the saved result is checked as a whole, like a create. */
  currentOptions?: Partial<WebhookOptions>;
}

/**
 * What the settings form builds (`formToInput`): it has a widget for every platform's options and
 * posts them all, so the options the chosen platform does not have are left out silently. The
 * JSON API is told which option does not belong (`not_for_platform`).
 */
const fromTheForm = new WeakSet<object>();

/**
 * `sent` checked against `platform`'s own options: each field by its schema (errors named
 * `options.<field>`), a field of another platform refused with the platform named, or dropped
 * (`foreign: 'ignore'`: the form, whose hidden widgets of other platforms are posted too).
 */
export function checkPlatformOptions(
  platform: Platform,
  sent: Record<string, unknown>,
  how: { foreign: 'refuse' | 'ignore' },
): { value: Partial<WebhookOptions>; errors: FieldError[] } {
  const own = platformOf(platform).options;
  const errors: FieldError[] = [];
  const mine: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(sent)) {
    if (own.fields.includes(field)) mine[field] = value;
    else if (how.foreign === 'refuse')
      errors.push({
        field: `options.${field}`,
        reason: optionPlatforms[field] && field !== 'signingSecret' ? `not_for_platform:${platform}:${field}` : `unknown_field:${field}`,
      });
  }
  const parsed = own.schema.safeParse(mine);
  if (parsed.success) return { value: parsed.data as Partial<WebhookOptions>, errors };
  for (const i of parsed.error.issues) errors.push({ field: ['options', ...i.path.map(String)].join('.'), reason: i.message });
  // The valid ones still count for the checks of what the save would leave (a chat id sent with a
  // bad parse mode is not also "required").
  const valid: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(mine)) {
    const one = own.schema.safeParse({ [field]: value });
    if (one.success) Object.assign(valid, one.data);
  }
  return { value: valid as Partial<WebhookOptions>, errors };
}

export function parseWebhookInput(raw: unknown, ctx: ParseContext): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [{ field: '(body)', reason: 'object' }] };
  const schema = ctx.mode === 'create' ? baseSchema.partial().required({ name: true, url: true, events: true }) : baseSchema.partial();
  const parsed = schema.safeParse(raw);
  // Every field is checked in one pass: the schema's errors and the checks below are reported
  // together, so the admin sees every problem at once (not one per try).
  const errors: FieldError[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({
        field: i.path.length ? i.path.map(String).join('.') : '(body)',
        reason: i.code === 'unrecognized_keys' ? `unknown_field:${(i as { keys: string[] }).keys.join(',')}` : i.message,
      }));
  const v = (parsed.success ? parsed.data : looseFields(raw as Record<string, unknown>)) as Partial<z.infer<typeof baseSchema>>;
  const hasError = (field: string) => errors.some((e) => e.field === field || e.field.startsWith(`${field}.`));
  const url = typeof v.url !== 'string' || v.url.trim() === '' ? undefined : v.url.trim();
  if (ctx.mode === 'create' && url === undefined && !hasError('url')) errors.push({ field: 'url', reason: 'required' });
  if (url !== undefined && !hasError('url')) {
    const refusal = checkWebhookUrl(url, ctx.network);
    if (refusal) errors.push({ field: 'url', reason: refusal });
  }
  let platform: Platform | undefined;
  const chosen = isPlatform(v.platform) ? v.platform : undefined;
  if (chosen === undefined) {
    if (url !== undefined) platform = ctx.detectPlatform(url) ?? fallbackPlatform;
    else if (ctx.mode === 'create') platform = fallbackPlatform;
    else platform = v.platform === 'auto' ? ctx.currentPlatform : undefined;
  } else {
    platform = chosen;
  }
  // The options are the saved platform's: checked by its own schema. What the save would leave is
  // checked, not only what this request sends: a PATCH that turns a webhook into Telegram (or
  // clears the chat id) without one would store a webhook that can never send. A webhook that
  // changes platform keeps none of its old platform's options.
  const savedPlatform = platform ?? ctx.currentPlatform ?? fallbackPlatform;
  const stored: Partial<WebhookOptions> = savedPlatform === ctx.currentPlatform ? (ctx.currentOptions ?? {}) : {};
  let options: Partial<WebhookOptions> | undefined;
  if (v.options !== undefined && !hasError('options')) {
    const checked = checkPlatformOptions(savedPlatform, v.options, { foreign: fromTheForm.has(raw) ? 'ignore' : 'refuse' });
    errors.push(...checked.errors);
    options = checked.value;
  }
  const own = platformOf(savedPlatform).options;
  const saved: Record<string, unknown> = { ...stored };
  for (const [field, value] of Object.entries(options ?? {})) if (value !== undefined) saved[field] = value;
  for (const field of own.required)
    if (!saved[field] && !hasError(`options.${field}`)) errors.push({ field: `options.${field}`, reason: 'required' });
  for (const problem of own.check(saved))
    if (!hasError(`options.${problem.field}`)) errors.push({ field: `options.${problem.field}`, reason: problem.reason });
  if (errors.length) return { ok: false, errors };
  const value: WebhookInput = { ...v, url, platform, options } as WebhookInput;
  if (value.options === undefined) delete value.options;
  // A forum post per ticket keeps its state on the post unless the admin said otherwise.
  if (value.options?.threadPerTicket && value.options.statusCard === undefined && !stored.threadPerTicket)
    value.options = { ...value.options, statusCard: 'close' };
  if (value.platform === undefined) delete value.platform;
  if (value.url === undefined) delete value.url;
  return { ok: true, value };
}

/** The fields the checks after the schema read, taken as sent when the schema refused the body. */
function looseFields(raw: Record<string, unknown>): Record<string, unknown> {
  // The options are checked by the platform's own schema after this one, whatever else failed.
  const options = typeof raw.options === 'object' && raw.options !== null && !Array.isArray(raw.options) ? raw.options : undefined;
  return { url: typeof raw.url === 'string' ? raw.url : undefined, platform: raw.platform, options };
}

/** The form field (its `f-<key>` input, `err-<key>` message) an error's dotted path names. */
export function formFieldKey(path: string): string {
  const [head, sub] = path.split('.');
  if (head === 'eventTemplates') return eventTemplateField(path.slice(head.length + 1));
  if (head === 'templates') return templateField((templateFamilies as readonly string[]).includes(sub) ? (sub as TemplateFamily) : 'order');
  if ((head === 'options' || head === 'filters') && sub) return sub;
  return head;
}

/** The form field of a family's template: `templateOrder`, `templateTicket`, `templateInvoice`… */
export const templateField = (family: TemplateFamily): string => `template${family[0].toUpperCase()}${family.slice(1)}`;

/**
 * The error of a condition that does not compile (syntax, types, cost), as a reason the pages and
 * the API translate (`settings.errors.condition`): its position and the checker's message.
 */
export function conditionError(problem: { event?: string; line: number; column: number; message: string }): FieldError {
  return { field: 'condition', reason: `condition:${JSON.stringify(problem)}` };
}

/** The form field of one event's template: `eventTemplate:ticket.reply`. */
export const eventTemplateField = (event: string): string => `eventTemplate:${event}`;

/**
 * The form's tag rules, one a line: `urgent = 123456789012345678` (priority, department id or
 * name = forum tag id). A line without `=` keeps its text as `when` with an empty tag id, so the
 * schema names the line's problem instead of it vanishing.
 */
export function tagRules(text: string): { when: string; tagId: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf('=');
      return at < 0 ? { when: line, tagId: '' } : { when: line.slice(0, at).trim(), tagId: line.slice(at + 1).trim() };
    });
}

/** The `eventTemplate:<event>` fields of a form; undefined when it has none (it leaves them as stored). */
function eventTemplatesOf(form: Record<string, unknown>, str: (k: string) => string | undefined): Record<string, string> | undefined {
  const prefix = eventTemplateField('');
  const keys = Object.keys(form).filter((k) => k.startsWith(prefix));
  return keys.length ? Object.fromEntries(keys.map((k) => [k.slice(prefix.length), str(k) ?? ''])) : undefined;
}

/** Form fields (strings, repeated fields as arrays) -> the JSON shape the schema reads. */
export function formToInput(form: Record<string, unknown>): Record<string, unknown> {
  const str = (k: string): string | undefined => {
    const v = form[k];
    if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
    return v === undefined || v === null ? undefined : String(v);
  };
  const list = (k: string): string[] => {
    const v = form[k];
    if (v === undefined || v === null || v === '') return [];
    return (Array.isArray(v) ? v : [v]).map(String).filter((s) => s !== '');
  };
  const csv = (k: string): string[] =>
    (str(k) ?? '')
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
  const orNull = (k: string): string | null => {
    const s = str(k)?.trim();
    return s ? s : null;
  };
  const checked = (k: string): boolean => ['on', 'true', '1'].includes(str(k) ?? '');
  const colorText = orNull('color');
  const color = colorText === null ? null : /^#?[0-9a-f]{6}$/i.test(colorText) ? parseInt(colorText.replace('#', ''), 16) : NaN;
  const roleIds = csv('rolePingIds');
  const minTotal = orNull('filterMinOrderTotal');
  const awaitingMinutes = orNull('filterAwaitingStaffMinutes');
  const out: Record<string, unknown> = {
    name: str('name') ?? '',
    url: str('url') ?? '',
    platform: str('platform') ?? 'auto',
    events: list('events'),
    templates: Object.fromEntries(templateFamilies.map((f) => [f, str(templateField(f)) ?? ''])),
    eventTemplates: eventTemplatesOf(form, str),
    // Absent from the form: left as stored; present and blank: cleared.
    condition: str('condition'),
    options: {
      mode: str('mode') ?? 'plain',
      color: Number.isNaN(color) ? colorText : color,
      username: orNull('username'),
      avatarUrl: orNull('avatarUrl'),
      rolePing: roleIds.length ? { roleIds, priorities: list('rolePingPriorities'), on: str('rolePingOn') ?? 'opening' } : null,
      threadId: orNull('threadId'),
      threadName: orNull('threadName'),
      threadPerTicket: checked('threadPerTicket'),
      threadTitle: orNull('threadTitle'),
      threadTags: tagRules(str('threadTags') ?? ''),
      statusCard: str('statusCard') ?? 'off',
      coalesce: checked('coalesce'),
      slackBlocks: checked('slackBlocks'),
      telegramChatId: orNull('telegramChatId'),
      telegramParseMode: str('telegramParseMode') ?? 'HTML',
      googleChatCard: checked('googleChatCard'),
      helpdeskButtons: checked('helpdeskButtons'),
    },
    filters: {
      departments: csv('filterDepartments'),
      priorities: list('filterPriorities'),
      minOrderTotal: minTotal === null ? null : Number(minTotal.replace(',', '.')),
      paymentGateways: csv('filterGateways'),
      replyAuthors: str('filterReplyAuthors') ?? 'both',
      ...(awaitingMinutes === null ? {} : { awaitingStaffMinutes: Number(awaitingMinutes) }),
    },
  };
  if (out.eventTemplates === undefined) delete out.eventTemplates;
  if (out.condition === undefined) delete out.condition;
  if (str('enabled') !== undefined) out.enabled = checked('enabled');
  if (checked('regenerateSecret')) out.regenerateSecret = true;
  fromTheForm.add(out);
  return out;
}
