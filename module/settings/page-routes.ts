/**
 * The settings pages (nunjucks views in `views/`, rendered by the host inside its layout).
 * Forms post back here with the host-checked `_csrf`; every value is escaped by the engine.
 */
import { ticketPriorities, type EventName } from '../../sdk/events.js';
import type { AdminHandler, AdminRequest, AdminResponse } from '../../sdk/module-context.js';
import { eventDefinitions, isKnownEvent, knownEventNames } from '../events/index.js';
import { fallbackPlatform, isPlatform, platformList, platformsWhere } from '../platforms/index.js';
import { optionNotes } from '../webhooks/option-platforms.js';
import { familyOf, platforms, templateFamilies, type Platform, type TemplateFamily, type Webhook } from '../webhooks/webhook.js';

const eventsOfFamily = (family: TemplateFamily): EventName[] =>
  eventDefinitions()
    .filter((d) => d.family === family)
    .map((d) => d.name as EventName);
import { startOfUtcDay } from './api-routes.js';
import { deliveryStatuses } from './ports.js';
import { toPublicWebhook } from './public-webhook.js';
import { InputError, parseDeliveryFilter, parseId, translateErrors, webhookListPageQuery } from './request-parsing.js';
import { setWebhookEnabled } from './pause-resume.js';
import { plural } from './plural-words.js';
import { platformLabels, reasonWords } from './send-result-words.js';
import type { SettingsDeps } from './settings-deps.js';
import { sendTest, type TestAnswer } from './test-send.js';
import { eventTemplateField, formFieldKey, formToInput, templateField, type FieldError } from './webhook-input.js';
import { sharedDefaults, type UnknownVariableWarning } from './webhook-service.js';
import {
  chartFor,
  dateFormatter,
  describeAudit,
  formFromPost,
  formFromWebhook,
  pageCount,
  pagerFor,
  type FormValues,
} from './view-models.js';

/** Rows per page of the webhook list (each row draws a chart). */
const LIST_PAGE_SIZE = 25;
/** Failure notices drawn at the top of the list; the rest are counted. */
const DISABLED_NOTICES = 3;
/** Up to this many webhooks, the delivery log filters by a select of names; beyond, by number. */
const WEBHOOK_SELECT_LIMIT = 50;

export interface PageRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: AdminHandler;
}

interface FormState {
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

export function pageRoutes(deps: SettingsDeps): PageRoute[] {
  const { service, views, basePath } = deps;
  const t = deps.i18n.t.bind(deps.i18n);
  const common = (req: AdminRequest, section: string) => {
    const locale = req.locale;
    return {
      t: (key: string, vars?: Record<string, string | number>) => t(key, vars, locale),
      /** Words for a number: `tn(key, count)` picks `key.one` / `key.other` (plural-words.ts). */
      tn: (key: string, count: number, vars?: Record<string, string | number>) => plural(t, key, Number(count), locale, vars),
      locale,
      basePath,
      apiPath: `${basePath}/api`,
      assetsPath: `${basePath}/assets`,
      csrfToken: req.csrfToken,
      section,
      fmt: dateFormatter(locale, deps.timeZone),
      platformLabels,
      eventNames: knownEventNames(),
      eventGroups: templateFamilies.map((family) => ({ family, events: eventsOfFamily(family) })),
      simulatorPath: deps.simulatorPath ?? null,
      inboxUrl: deps.inboxUrl ?? null,
    };
  };
  const render = (
    req: AdminRequest,
    view: string,
    section: string,
    title: string,
    data: Record<string, unknown>,
    status = 200,
  ): AdminResponse => ({
    status,
    html: views.render(view, { ...common(req, section), ...data }, req, { title }),
  });
  const notFoundPage = (req: AdminRequest) =>
    render(req, 'not-found.njk', 'webhooks', t('settings.not_found', {}, req.locale), { backHref: basePath }, 404);
  const body = (req: AdminRequest) => (typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {});

  const renderForm = (req: AdminRequest, s: FormState): AdminResponse => {
    const locale = req.locale;
    // One entry per field (the first reason), named by its label and linking to its input.
    const errors: { key: string; label: string; reason: string }[] = [];
    const fieldErrors: Record<string, string> = {};
    for (const e of s.errors ? translateErrors(s.errors, t, locale) : []) {
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
    // Each filter shows when a chosen event can be excluded by it (or while no event is chosen).
    const filterEvents: Record<string, string[]> = {};
    for (const d of eventDefinitions()) for (const f of d.filters) (filterEvents[f] ??= []).push(d.name);
    const filterHidden = Object.fromEntries(
      Object.entries(filterEvents).map(([f, evs]) => [f, s.values.events.length > 0 && !evs.some((e) => s.values.events.includes(e))]),
    );
    return render(
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
        formAction: s.webhook ? `${basePath}/webhooks/${s.webhook.id}` : `${basePath}/webhooks`,
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
  };

  const withWebhook =
    (fn: (req: AdminRequest, w: Webhook) => Promise<AdminResponse>): AdminHandler =>
    async (req) => {
      const id = parseId(req.params.id);
      const w = id === null ? null : await service.get(id);
      return w ? fn(req, w) : notFoundPage(req);
    };

  return [
    {
      method: 'GET',
      path: '/',
      handler: async (req) => {
        const locale = req.locale;
        const query = webhookListPageQuery(req, LIST_PAGE_SIZE);
        let found = await service.page(query);
        const pages = pageCount(found.total, LIST_PAGE_SIZE);
        // A page past the end (a link kept after deletions) shows the last one rather than nothing.
        if (query.page > pages) found = await service.page({ ...query, page: pages });
        const page = Math.min(query.page, pages);
        const ids = found.items.map((w) => w.id);
        const last = await deps.deliveries.lastPerWebhook(ids);
        const since = startOfUtcDay(deps.clock.now()) - 13 * 86_400_000;
        const counts = await deps.deliveries.dailyCounts(since, ids);
        const disabled = await service.page({ page: 1, perPage: DISABLED_NOTICES, disabledOnly: true });
        // What paused webhooks hold, said on their row (sent on resume, or discarded by choice).
        const waiting = await deps.deliveries.waitingPerWebhook(found.items.filter((w) => w.state === 'paused').map((w) => w.id));
        const audit = await deps.audit.list({ limit: 8 });
        const names = await service.labels(audit.items.flatMap((e) => (e.webhookId ? [e.webhookId] : [])));
        const filters = {
          ...(query.search ? { q: query.search } : {}),
          ...(query.platform ? { platform: query.platform } : {}),
          ...(query.event ? { event: query.event } : {}),
          ...(query.state ? { state: query.state } : {}),
        };
        const href = (p: number) => `${basePath}/?${new URLSearchParams({ ...filters, page: String(p) }).toString()}`;
        return render(req, 'index.njk', 'webhooks', t('settings.list.title', {}, locale), {
          webhooks: found.items.map((w) => ({
            ...w,
            last: last.get(w.id) ?? null,
            waiting: waiting.get(w.id) ?? 0,
            disabledReasonWords: reasonWords(w.disabledReason, w.platform, t, locale),
            chart: chartFor(w.id, counts, since, t, locale),
          })),
          backQuery: `?${new URLSearchParams({ ...filters, ...(page > 1 ? { page: String(page) } : {}) }).toString()}`,
          total: found.total,
          search: query.search ?? '',
          filter: { platform: query.platform ?? '', event: query.event ?? '', state: query.state ?? '' },
          filtered: Object.keys(filters).length > 0,
          platformChoices: platforms,
          eventChoices: knownEventNames(),
          pager: pagerFor(page, pages, href),
          disabled: disabled.items.map((w) => ({ ...w, disabledReasonWords: reasonWords(w.disabledReason, w.platform, t, locale) })),
          disabledMore: disabled.total - disabled.items.length,
          audit: audit.items.map((e) => ({
            ...e,
            webhookName: e.webhookId ? (names.get(e.webhookId)?.name ?? null) : null,
            summary: describeAudit(e, t, locale),
          })),
          flash: typeof req.query.done === 'string' ? req.query.done : null,
        });
      },
    },
    {
      method: 'GET',
      path: '/webhooks/new',
      handler: async (req) => {
        const d = deps.rendering.defaultTemplates(req.locale);
        const values = formFromWebhook({
          name: '',
          platform: 'auto' as never,
          events: [],
          // The families a new webhook gets a copy of (webhook-service.ts); the others read each event's own default.
          templates: sharedDefaults(d),
          options: {} as never,
          filters: {} as never,
          enabled: true,
        });
        const preset = typeof req.query.flow === 'string' ? req.query.flow : '';
        // The two flows offered on the list page: every event of the family (from the event definitions).
        if (preset === 'shop') values.events = eventsOfFamily('order');
        if (preset === 'support') values.events = eventsOfFamily('ticket');
        // "Use this receiver" from the host's local inbox: its URL, the platform left to detection.
        const receiver = deps.receivers?.find((r) => r.platform === req.query.receiver && isPlatform(r.platform));
        if (receiver) values.url = receiver.example;
        return renderForm(req, { webhook: null, values, prefillUrl: !!receiver });
      },
    },
    {
      method: 'POST',
      path: '/webhooks',
      handler: async (req) => {
        const form = body(req);
        const r = await service.create(req.user.name, formToInput(form), req.locale);
        if (!r.ok)
          return renderForm(req, { webhook: null, values: formFromPost(form), errors: 'errors' in r ? r.errors : [], status: 400 });
        const w = (await service.get(r.webhook.id))!;
        if (r.signingSecret || r.warnings.length) {
          return renderForm(req, {
            webhook: w,
            values: formFromWebhook(w),
            warnings: r.warnings,
            signingSecret: r.signingSecret,
            saved: true,
          });
        }
        return { redirect: `${basePath}/?done=created` };
      },
    },
    {
      method: 'GET',
      path: '/webhooks/:id/edit',
      handler: withWebhook(async (req, w) =>
        renderForm(req, { webhook: w, values: formFromWebhook(w), warnings: service.warnings(w), saved: req.query.saved === '1' }),
      ),
    },
    {
      method: 'POST',
      path: '/webhooks/:id',
      handler: withWebhook(async (req, w) => {
        const form = body(req);
        const r = await service.update(req.user.name, w.id, formToInput(form));
        if (!r.ok) {
          if ('notFound' in r) return notFoundPage(req);
          return renderForm(req, { webhook: w, values: formFromPost(form), errors: r.errors, status: 400 });
        }
        const fresh = (await service.get(w.id))!;
        if (r.signingSecret || r.warnings.length) {
          return renderForm(req, {
            webhook: fresh,
            values: formFromWebhook(fresh),
            warnings: r.warnings,
            signingSecret: r.signingSecret,
            saved: true,
          });
        }
        return { redirect: `${basePath}/webhooks/${w.id}/edit?saved=1` };
      }),
    },
    {
      method: 'POST',
      path: '/webhooks/:id/toggle',
      handler: withWebhook(async (req, w) => {
        const want = body(req).enabled;
        const enabled = want === undefined ? !w.enabled : ['on', 'true', '1'].includes(String(want));
        const discardWaiting = ['on', 'true', '1'].includes(String(body(req).discard ?? ''));
        const r = await setWebhookEnabled(deps, req.user.name, w.id, enabled, { discardWaiting });
        const done = !enabled ? 'paused' : discardWaiting && r && r.discarded > 0 ? 'resumed_discarded' : 'enabled';
        // Back to the list as it was (page, search, filters), at the row acted on.
        const back = typeof body(req).back === 'string' && String(body(req).back).startsWith('?') ? String(body(req).back).slice(1) : '';
        const params = new URLSearchParams(back);
        params.set('done', done);
        return { redirect: `${basePath}/?${params.toString()}#webhook-${w.id}` };
      }),
    },
    {
      method: 'POST',
      path: '/webhooks/:id/delete',
      handler: withWebhook(async (req, w) => {
        await service.remove(req.user.name, w.id);
        return { redirect: `${basePath}/?done=deleted` };
      }),
    },
    {
      method: 'POST',
      path: '/webhooks/:id/test',
      handler: withWebhook(async (req, w) => {
        const ev = body(req).testEvent ?? body(req).event;
        const event = isKnownEvent(ev) ? ev : undefined;
        const answer = await sendTest(deps, w, event, req.user.name, req.locale);
        return renderForm(req, { webhook: w, values: formFromWebhook(w), warnings: service.warnings(w), testAnswer: answer });
      }),
    },
    {
      method: 'POST',
      path: '/webhooks/:id/retry-failed',
      handler: withWebhook(async (req, w) => {
        const requeued = await deps.deliveries.retryAllFailed(w.id);
        await deps.audit.write(req.user.name, 'webhook.retry_failed', w.id, { name: w.name, requeued });
        return { redirect: `${basePath}/deliveries?webhook=${w.id}&requeued=${requeued}` };
      }),
    },
    {
      method: 'GET',
      path: '/deliveries',
      handler: async (req) => {
        const locale = req.locale;
        let filter;
        let filterError: string | null = null;
        try {
          filter = parseDeliveryFilter(req);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          filterError = translateErrors([{ field: err.field, reason: err.reason }], t, locale)
            .map((e) => `${e.field}: ${e.reason}`)
            .join('');
          filter = { page: 1, perPage: 25 };
        }
        const { items, total } = await deps.deliveries.list(filter);
        const details = await Promise.all(items.map((d) => deps.deliveries.get(d.id)));
        const labels = await service.labels([...items.map((d) => d.webhookId), ...(filter.webhookId ? [filter.webhookId] : [])]);
        // The webhook filter is a select while the list is short, a webhook number beyond that.
        const choices = await service.page({ page: 1, perPage: WEBHOOK_SELECT_LIMIT });
        const q = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');
        const pages = Math.max(1, Math.ceil(total / filter.perPage));
        const qs = (page: number) =>
          new URLSearchParams({
            ...Object.fromEntries(['webhook', 'event', 'status', 'from', 'to'].map((k) => [k, q(k)]).filter(([, v]) => v)),
            page: String(page),
          }).toString();
        return render(
          req,
          'deliveries.njk',
          'deliveries',
          t('settings.log.title', {}, locale),
          {
            rows: items.map((d, i) => ({
              ...d,
              webhookName: labels.get(d.webhookId)?.name ?? `#${d.webhookId}`,
              // A disabled or paused webhook's queue waits: its "next retry" is not a time.
              webhookPaused: labels.get(d.webhookId)?.enabled === false,
              // "Order #1001" / "Ticket #42": the number the admin looks a delivery up by.
              referenceText:
                d.reference && isKnownEvent(d.event)
                  ? t(`settings.log.reference.${familyOf(d.event)}`, { ref: d.reference }, locale)
                  : null,
              detail: details[i],
              bodyPretty: prettyJson(details[i]?.body ?? ''),
            })),
            total,
            pager: pagerFor(Math.min(filter.page, pages), pages, (p) => `${basePath}/deliveries?${qs(p)}`),
            webhookChoices: choices.total <= WEBHOOK_SELECT_LIMIT ? choices.items.map((w) => ({ id: w.id, name: w.name })) : null,
            statuses: deliveryStatuses,
            f: { webhook: q('webhook'), event: q('event'), status: q('status'), from: q('from'), to: q('to') },
            filterError,
            requeued: q('requeued') || null,
            replayed: q('replayed') || null,
            selectedWebhook: filter.webhookId ? (labels.get(filter.webhookId) ?? null) : null,
          },
          filterError ? 400 : 200,
        );
      },
    },
    {
      method: 'POST',
      path: '/deliveries/:id/replay',
      handler: async (req) => {
        const id = parseId(req.params.id);
        const d = id === null ? null : await deps.deliveries.get(id);
        if (!d || id === null) return notFoundPage(req);
        await deps.deliveries.replay(id);
        await deps.audit.write(req.user.name, 'delivery.replay', d.webhookId, { deliveryId: id, event: d.event });
        return { redirect: `${basePath}/deliveries?replayed=${id}` };
      },
    },
    {
      method: 'GET',
      path: '/audit',
      handler: async (req) => {
        const locale = req.locale;
        const pageRaw = typeof req.query.page === 'string' && /^\d{1,6}$/.test(req.query.page) ? Math.max(1, Number(req.query.page)) : 1;
        const r = await deps.audit.list({ limit: 50, offset: (pageRaw - 1) * 50 });
        const names = await service.labels(r.items.flatMap((e) => (e.webhookId ? [e.webhookId] : [])));
        const pages = Math.max(1, Math.ceil(r.total / 50));
        return render(req, 'audit.njk', 'audit', t('settings.audit.title', {}, locale), {
          entries: r.items.map((e) => ({
            ...e,
            webhookName: e.webhookId ? (names.get(e.webhookId)?.name ?? null) : null,
            summary: describeAudit(e, t, locale),
          })),
          pager: pagerFor(Math.min(pageRaw, pages), pages, (p) => `${basePath}/audit?page=${p}`),
        });
      },
    },
  ];
}

/** The form's name for an error's field path (`options.threadId` -> `threadId`). */

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

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
