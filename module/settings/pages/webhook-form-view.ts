/**
 * The webhook form (new and edit), drawn from its values and what the last action said:
 * refusals by field (summed up at the top in the form's order), unknown-variable warnings, the
 * signing secret shown once, a Send test answer. Its script gets its data as JSON.
 */
import { ticketPriorities } from '../../../sdk/events.js';
import type { AdminRequest, AdminResponse, Locale } from '../../../sdk/module-context.js';
import { eventDefinitions, knownEventNames } from '../../events/index.js';
import { fallbackPlatform, isPlatform, platformList, platformsWhere } from '../../platforms/index.js';
import { optionNotes } from '../../webhooks/option-platforms.js';
import { platforms, templateFamilies, type Platform, type Webhook } from '../../webhooks/webhook.js';
import { toPublicWebhook } from '../public-webhook.js';
import { translateErrors } from '../request-parsing.js';
import { platformLabels } from '../send-result-words.js';
import type { SettingsDeps } from '../settings-deps.js';
import type { TestAnswer } from '../test-send.js';
import type { FormValues } from '../view-models.js';
import { eventTemplateField, formFieldKey, templateField, type FieldError } from '../webhook-input.js';
import type { UnknownVariableWarning } from '../webhook-service.js';
import { renderPage } from './page-render.js';

export interface FormState {
  webhook: Webhook | null;
  values: FormValues;
  errors?: FieldError[];
  warnings?: UnknownVariableWarning[];
  signingSecret?: string;
  testAnswer?: TestAnswer;
  saved?: boolean;
  status?: number;
  /** The URL field shows `values.url` (a receiver the host offers, not one the admin typed). */
  prefillUrl?: boolean;
}

export function renderForm(deps: SettingsDeps, req: AdminRequest, s: FormState): AdminResponse {
  const locale = req.locale;
  const t = deps.i18n.t.bind(deps.i18n);
  const { errors, fieldErrors } = errorSummary(deps, s.errors ?? [], locale);
  const variables = Object.fromEntries(knownEventNames().map((e) => [e, deps.rendering.listVariables(e, locale)]));
  // What each option does on each platform: the page shows the chosen one's, its script the others'.
  const say = (key: string, params: Record<string, string> = {}) => t(`settings.form.${key}`, params, locale);
  const notesFor = (p: Platform | null) => optionNotes(p, say, platformLabels);
  // The platform the save would keep: the chosen one, else the one the typed URL says (generic
  // JSON when it says none), else the stored one; unknown (null) while nothing says it.
  const typedUrl = s.values.url.trim();
  const detected = typedUrl ? deps.rendering.detectPlatform(typedUrl) : null;
  const chosen: Platform | null = isPlatform(s.values.platform)
    ? s.values.platform
    : typedUrl
      ? (detected ?? fallbackPlatform)
      : (s.webhook?.platform ?? null);
  const { filterEvents, filterHidden } = filterVisibility(s.values.events);
  return renderPage(
    deps,
    req,
    'form.njk',
    'webhooks',
    s.webhook ? t('settings.form.edit_title', { name: s.webhook.name }, locale) : t('settings.form.new_title', {}, locale),
    {
      webhook: s.webhook ? toPublicWebhook(s.webhook) : null,
      v: s.values,
      prefillUrl: s.prefillUrl ?? false,
      errors,
      fieldErrors,
      warnings: (s.warnings ?? []).map((w) => ({ family: w.family, event: w.event, names: w.names.map((n) => `%${n}%`).join(', ') })),
      eventFamilies: Object.fromEntries(eventDefinitions().map((d) => [d.name, d.family])),
      // Open when one is written or refused, so the admin sees it.
      eventTemplatesOpen:
        Object.values(s.values.eventTemplates).some((t) => t.trim() !== '') ||
        Object.keys(fieldErrors).some((k) => k.startsWith('eventTemplate:')),
      signingSecret: s.signingSecret ?? null,
      testAnswer: s.testAnswer ?? null,
      saved: s.saved ?? false,
      platforms,
      optionNotes: notesFor(chosen),
      // Platforms where a post per ticket needs a bot token (the form says so).
      noTicketThreads: platformsWhere((p) => !p.ticketThreads),
      chosenPlatform: chosen,
      filterEvents,
      filterHidden,
      detectedText:
        s.values.platform === 'auto' && typedUrl
          ? detected
            ? `${t('settings.form.detected', {}, locale)} ${platformLabels[detected]}`
            : t('settings.form.detected_none', {}, locale)
          : '',
      priorities: ticketPriorities,
      variables,
      defaults: deps.rendering.defaultTemplates(locale),
      threadPreview: deps.rendering.threadPreview(s.values.threadTitle || null, locale),
      formAction: s.webhook ? `${deps.basePath}/webhooks/${s.webhook.id}` : `${deps.basePath}/webhooks`,
      jsonData: jsonForScript({
        variables,
        currentPlatform: s.webhook?.platform ?? null,
        families: Object.fromEntries(eventDefinitions().map((d) => [d.name, d.family])),
        platformLabels,
        previewStyles: Object.fromEntries(platformList.map((p) => [p.id, p.preview])),
        fallbackPlatform,
        firstPlatform: platformList[0].id,
        optionNotes: Object.fromEntries(platforms.map((p) => [p, notesFor(p)])),
        threadSample: deps.rendering.threadPreview(null, locale),
        text: {
          bot: t('settings.preview.bot', {}, locale),
          today: t('settings.preview.today', {}, locale),
          error: t('settings.preview.error', {}, locale),
          noEvents: t('settings.preview.no_events', {}, locale),
          defaultName: t('settings.preview.default_name', {}, locale),
        },
      }),
    },
    s.status ?? 200,
  );
}

/** One entry per field (the first reason), named by its label and linking to its input, in the form's order. */
function errorSummary(deps: SettingsDeps, refused: FieldError[], locale: Locale) {
  const t = deps.i18n.t.bind(deps.i18n);
  const errors: { key: string; label: string; reason: string }[] = [];
  const fieldErrors: Record<string, string> = {};
  for (const e of translateErrors(refused, t, locale)) {
    const key = formFieldKey(e.field);
    if (fieldErrors[key] !== undefined) continue;
    fieldErrors[key] = e.reason;
    const labelKey = fieldLabelKeys[key];
    errors.push({
      key: labelKey ? key : 'name',
      label: labelKey ? t(`settings.form.${labelKey}`, {}, locale) : e.field,
      reason: e.reason,
    });
  }
  const rank = (key: string) => (fieldOrder.includes(key) ? fieldOrder.indexOf(key) : fieldOrder.length);
  errors.sort((a, b) => rank(a.key) - rank(b.key));
  return { errors, fieldErrors };
}

/** Each filter shows when a chosen event can be excluded by it (or while no event is chosen). */
function filterVisibility(chosenEvents: string[]) {
  const filterEvents: Record<string, string[]> = {};
  for (const d of eventDefinitions()) for (const f of d.filters) (filterEvents[f] ??= []).push(d.name);
  const filterHidden = Object.fromEntries(
    Object.entries(filterEvents).map(([f, evs]) => [f, chosenEvents.length > 0 && !evs.some((e) => chosenEvents.includes(e))]),
  );
  return { filterEvents, filterHidden };
}

/** Label (under `settings.form.`) of each form field an error can name. */
const fieldLabelKeys: Record<string, string> = {
  // In the form's order: the error summary lists the fields as the page shows them.
  name: 'name',
  url: 'url',
  platform: 'platform',
  telegramChatId: 'telegram_chat',
  telegramParseMode: 'telegram_mode',
  enabled: 'enabled',
  events: 'events',
  ...Object.fromEntries(templateFamilies.map((f) => [templateField(f), `template_${f}`])),
  ...Object.fromEntries(knownEventNames().map((e) => [eventTemplateField(e), 'event_template'])),
  mode: 'mode',
  color: 'color',
  username: 'username',
  avatarUrl: 'avatar',
  rolePing: 'role_ping',
  threadId: 'thread_id',
  threadName: 'thread_name',
  threadPerTicket: 'thread_per_ticket',
  threadTitle: 'thread_title',
  threadTags: 'thread_tags',
  statusCard: 'status_card',
  coalesce: 'coalesce',
  slackBlocks: 'slack_blocks',
  googleChatCard: 'google_chat_card',
  helpdeskButtons: 'helpdesk_buttons',
  condition: 'condition',
  departments: 'filter_departments',
  priorities: 'filter_priorities',
  minOrderTotal: 'filter_min_total',
  paymentGateways: 'filter_gateways',
  replyAuthors: 'filter_reply_authors',
};
const fieldOrder = Object.keys(fieldLabelKeys);

/** JSON inside a <script> element: `<` escaped so no value can close the element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
