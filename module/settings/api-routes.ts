/**
 * The JSON API under `<basePath>/api/`. The host has already checked the admin token (401),
 * the module permission and CSRF for cookie sessions (403) before a handler runs.
 * Answers never hold a full webhook URL: only `urlHint`.
 */
import { activityAnswer } from './webhook-activity.js';
import { setWebhookEnabled } from './pause-resume.js';
import type { EventName } from '../../sdk/events.js';
import { isKnownEvent } from '../events/index.js';
import type { AdminHandler, AdminRequest, AdminResponse } from '../../sdk/module-context.js';
import { toPublicWebhook } from './public-webhook.js';
import { runPreview } from './preview-request.js';
import { InputError, parseDeliveryFilter, parseId, parseWebhookListQuery, translateErrors } from './request-parsing.js';
import type { SettingsDeps } from './settings-deps.js';
import { sendTest } from './test-send.js';
import { formFieldKey, formToInput, type FieldError } from './webhook-input.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handler: AdminHandler;
}

export function invalid(deps: SettingsDeps, req: AdminRequest, errors: FieldError[]): AdminResponse {
  const translated = translateErrors(errors, deps.i18n.t.bind(deps.i18n), req.locale);
  return { status: 400, json: { error: 'invalid_input', field: translated[0].field, reason: translated[0].reason, errors: translated } };
}

const notFound = (what: string): AdminResponse => ({ status: 404, json: { error: 'not_found', reason: `${what} not found` } });

/** Runs a handler, turning an InputError into a 400 naming the field. */
function guarded(deps: SettingsDeps, fn: AdminHandler): AdminHandler {
  return async (req) => {
    try {
      return await fn(req);
    } catch (err) {
      if (err instanceof InputError) return invalid(deps, req, [{ field: err.field, reason: err.reason }]);
      throw err;
    }
  };
}

export function apiRoutes(deps: SettingsDeps): Route[] {
  const { service } = deps;
  const t = deps.i18n.t.bind(deps.i18n);
  const withWebhook = (fn: (req: AdminRequest, id: number) => Promise<AdminResponse>): AdminHandler =>
    guarded(deps, async (req) => {
      const id = parseId(req.params.id);
      if (id === null) return notFound('webhook');
      return fn(req, id);
    });

  const saveAnswer = async (
    req: AdminRequest,
    result: Awaited<ReturnType<typeof service.create>>,
    created: boolean,
  ): Promise<AdminResponse> => {
    if (!result.ok) return 'notFound' in result ? notFound('webhook') : invalid(deps, req, result.errors);
    return {
      status: created ? 201 : 200,
      json: {
        webhook: result.webhook,
        warnings: result.warnings.map((w) => ({
          ...w,
          message: t('settings.form.unknown_variables', { names: w.names.map((n) => `%${n}%`).join(', ') }, req.locale),
        })),
        ...(result.signingSecret
          ? { signingSecret: result.signingSecret, signingSecretNotice: t('settings.form.secret_once', {}, req.locale) }
          : {}),
      },
    };
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/webhooks',
      handler: guarded(deps, async (req) => {
        const query = parseWebhookListQuery(req);
        const { items, total } = await service.page(query);
        return { json: { items, total, page: query.page, perPage: query.perPage } };
      }),
    },
    {
      method: 'POST',
      path: '/webhooks',
      handler: guarded(deps, async (req) => saveAnswer(req, await service.create(req.user.name, req.body, req.locale), true)),
    },
    {
      // The list's rows as they stand (issue 29: rows update without a reload): `?ids=1,2&since=<ms>` (before
      // `/webhooks/:id`, which would take `activity` for an id).
      method: 'GET',
      path: '/webhooks/activity',
      handler: guarded(deps, async (req) => activityAnswer(deps, req)),
    },
    {
      method: 'GET',
      path: '/webhooks/:id',
      handler: withWebhook(async (_req, id) => {
        const w = await service.get(id);
        return w ? { json: { webhook: toPublicWebhook(w), warnings: service.warnings(w) } } : notFound('webhook');
      }),
    },
    ...(['PUT', 'PATCH'] as const).map((method): Route => ({
      method,
      path: '/webhooks/:id',
      handler: withWebhook(async (req, id) => {
        const result = await service.update(req.user.name, id, req.body);
        // Resumed: what the webhook held while paused goes out now, not at the next poll.
        if (result.ok && result.webhook.enabled) deps.deliveries.resumed();
        return saveAnswer(req, result, false);
      }),
    })),
    {
      // Resume a paused (or failed) webhook: `{discardWaiting?: boolean}` gives up what waited first.
      method: 'POST',
      path: '/webhooks/:id/resume',
      handler: withWebhook(async (req, id) => {
        const discard = (req.body as { discardWaiting?: unknown } | null)?.discardWaiting;
        if (discard !== undefined && typeof discard !== 'boolean')
          return invalid(deps, req, [{ field: 'discardWaiting', reason: 'boolean' }]);
        const r = await setWebhookEnabled(deps, req.user.name, id, true, { discardWaiting: discard === true });
        return r ? { json: r } : notFound('webhook');
      }),
    },
    {
      method: 'GET',
      path: '/webhooks/:id/waiting',
      handler: withWebhook(async (_req, id) => {
        if (!(await service.get(id))) return notFound('webhook');
        return { json: { waiting: (await deps.deliveries.waitingPerWebhook([id])).get(id) ?? 0 } };
      }),
    },
    {
      method: 'DELETE',
      path: '/webhooks/:id',
      handler: withWebhook(async (req, id) =>
        (await service.remove(req.user.name, id)) ? { json: { deleted: true, id } } : notFound('webhook'),
      ),
    },
    {
      method: 'POST',
      path: '/webhooks/:id/test',
      handler: withWebhook(async (req, id) => {
        const w = await service.get(id);
        if (!w) return notFound('webhook');
        const rawEvent = (req.body as { event?: unknown } | null)?.event;
        if (rawEvent !== undefined && (typeof rawEvent !== 'string' || !isKnownEvent(rawEvent))) {
          return invalid(deps, req, [{ field: 'event', reason: 'event' }]);
        }
        return { json: await sendTest(deps, w, rawEvent as EventName | undefined, req.user.name, req.locale) };
      }),
    },
    {
      // Send test from the form being edited, saved or not: `{form: {…form fields}, id?, event?}`.
      method: 'POST',
      path: '/test-draft',
      handler: guarded(deps, async (req) => {
        const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { form?: unknown; id?: unknown; event?: unknown };
        const form = typeof b.form === 'object' && b.form !== null ? (b.form as Record<string, unknown>) : {};
        const id = b.id === undefined || b.id === null || b.id === '' ? null : parseId(String(b.id));
        if (b.event !== undefined && !isKnownEvent(b.event)) return invalid(deps, req, [{ field: 'event', reason: 'event' }]);
        const input = formToInput(form);
        // Only what a test needs is checked: the name and events may still be empty.
        if (!String(input.name ?? '').trim()) delete input.name;
        if (!(input.events as unknown[]).length) delete input.events;
        const d = await service.draft(input, id);
        if (!d.ok) return invalid(deps, req, d.errors);
        return { json: await sendTest(deps, d.webhook, b.event as EventName | undefined, req.user.name, req.locale) };
      }),
    },
    {
      // The form's instant feedback: `{form: {…form fields}, id?}` -> every error a save would
      // meet, by form field, in the admin's words. The save checks again (the server decides).
      method: 'POST',
      path: '/validate',
      handler: guarded(deps, async (req) => {
        const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { form?: unknown; id?: unknown };
        const form = typeof b.form === 'object' && b.form !== null ? (b.form as Record<string, unknown>) : {};
        const id = b.id === undefined || b.id === null || b.id === '' ? null : parseId(String(b.id));
        const errors = translateErrors(await service.check(formToInput(form), id), t, req.locale);
        const byField = new Map<string, string>();
        for (const e of errors) if (!byField.has(formFieldKey(e.field))) byField.set(formFieldKey(e.field), e.reason);
        return { json: { errors: [...byField].map(([field, message]) => ({ field, message })) } };
      }),
    },
    {
      method: 'POST',
      path: '/webhooks/:id/retry-failed',
      handler: withWebhook(async (req, id) => {
        const w = await service.get(id);
        if (!w) return notFound('webhook');
        const requeued = await deps.deliveries.retryAllFailed(id);
        await deps.audit.write(req.user.name, 'webhook.retry_failed', id, { name: w.name, requeued });
        return { json: { requeued } };
      }),
    },
    {
      method: 'POST',
      path: '/preview',
      handler: guarded(deps, async (req) => {
        const r = runPreview(deps, req.body, req.locale);
        return r.ok ? { json: r.value } : invalid(deps, req, r.errors);
      }),
    },
    {
      method: 'POST',
      path: '/detect-platform',
      // POST, not GET: the URL is a credential and must not land in access logs as a query string.
      handler: guarded(deps, async (req) => {
        const url = (req.body as { url?: unknown } | null)?.url;
        if (typeof url !== 'string' || url.length > 2048) return invalid(deps, req, [{ field: 'url', reason: 'required' }]);
        return { json: { platform: deps.rendering.detectPlatform(url) } };
      }),
    },
    {
      method: 'GET',
      path: '/variables',
      handler: guarded(deps, async (req) => {
        const raw = req.query.events;
        const list = (Array.isArray(raw) ? raw : raw ? String(raw).split(',') : []).filter(Boolean);
        for (const e of list) if (!isKnownEvent(e)) throw new InputError('events', 'event');
        return { json: { events: Object.fromEntries(list.map((e) => [e, deps.rendering.listVariables(e as EventName, req.locale)])) } };
      }),
    },
    {
      method: 'GET',
      path: '/deliveries',
      handler: guarded(deps, async (req) => {
        const filter = parseDeliveryFilter(req);
        const { items, total } = await deps.deliveries.list(filter);
        return { json: { items, total, page: filter.page, perPage: filter.perPage } };
      }),
    },
    {
      method: 'GET',
      path: '/deliveries/:id',
      handler: guarded(deps, async (req) => {
        const id = parseId(req.params.id);
        const d = id === null ? null : await deps.deliveries.get(id);
        return d ? { json: { delivery: d } } : notFound('delivery');
      }),
    },
    {
      method: 'POST',
      path: '/deliveries/:id/replay',
      handler: guarded(deps, async (req) => {
        const id = parseId(req.params.id);
        const d = id === null ? null : await deps.deliveries.get(id);
        if (!d || id === null) return notFound('delivery');
        await deps.deliveries.replay(id);
        await deps.audit.write(req.user.name, 'delivery.replay', d.webhookId, { deliveryId: id, event: d.event });
        return { status: 202, json: { replayed: true, id } };
      }),
    },
    {
      method: 'GET',
      path: '/audit',
      handler: guarded(deps, async (req) => {
        const w = req.query.webhook;
        let webhookId: number | undefined;
        if (w !== undefined && w !== '') {
          const id = parseId(String(w));
          if (id === null) throw new InputError('webhook', 'id');
          webhookId = id;
        }
        const pageRaw = String(req.query.page ?? '1');
        if (!/^\d{1,6}$/.test(pageRaw) || Number(pageRaw) < 1) throw new InputError('page', 'page');
        const page = Number(pageRaw);
        const r = await deps.audit.list({ webhookId, limit: 50, offset: (page - 1) * 50 });
        return { json: { ...r, page, perPage: 50 } };
      }),
    },
    {
      method: 'GET',
      path: '/stats',
      handler: async () => {
        const since = startOfUtcDay(deps.clock.now()) - 13 * 86_400_000;
        return { json: { since, days: 14, counts: await deps.deliveries.dailyCounts(since) } };
      },
    },
  ];
  return routes;
}

export const startOfUtcDay = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000;
