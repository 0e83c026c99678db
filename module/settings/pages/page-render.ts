/**
 * What every settings page shares: the values each view reads (words, paths, CSRF token,
 * formatters), the not-found page, the posted form, and how a handler of the route table gets
 * its dependencies (`(deps, req)`, or `(deps, req, webhook)` once the `:id` names one).
 */
import type { EventName } from '../../../sdk/events.js';
import type { AdminHandler, AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { eventDefinitions, knownEventNames } from '../../events/index.js';
import { templateFamilies, type TemplateFamily, type Webhook } from '../../webhooks/webhook.js';
import { plural } from '../plural-words.js';
import { parseId } from '../request-parsing.js';
import { platformLabels } from '../send-result-words.js';
import type { SettingsDeps } from '../settings-deps.js';
import { dateFormatter } from '../view-models.js';

export interface PageRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: AdminHandler;
}

/** A page handler: the settings' dependencies, then the request. */
export type PageHandler = (deps: SettingsDeps, req: AdminRequest) => Promise<AdminResponse>;
/** A page about one webhook, called once the `:id` of the path names one that exists. */
export type WebhookPageHandler = (deps: SettingsDeps, req: AdminRequest, webhook: Webhook) => Promise<AdminResponse>;

/** The route table's handler for `fn`. */
export function page(deps: SettingsDeps, fn: PageHandler): AdminHandler {
  return (req) => fn(deps, req);
}

/** The route table's handler for `fn`: the not-found page unless `:id` names a webhook. */
export function webhookPage(deps: SettingsDeps, fn: WebhookPageHandler): AdminHandler {
  return async (req) => {
    const id = parseId(req.params.id);
    const w = id === null ? null : await deps.service.get(id);
    return w ? fn(deps, req, w) : notFoundPage(deps, req);
  };
}

export const eventsOfFamily = (family: TemplateFamily): EventName[] =>
  eventDefinitions()
    .filter((d) => d.family === family)
    .map((d) => d.name as EventName);

/** What every settings view reads, in the admin's language. */
function common(deps: SettingsDeps, req: AdminRequest, section: string) {
  const { basePath } = deps;
  const locale = req.locale;
  const t = deps.i18n.t.bind(deps.i18n);
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
}

/** `view` in the host's layout, under the menu entry `section`. */
export function renderPage(
  deps: SettingsDeps,
  req: AdminRequest,
  view: string,
  section: string,
  title: string,
  data: Record<string, unknown>,
  status = 200,
): AdminResponse {
  return { status, html: deps.views.render(view, { ...common(deps, req, section), ...data }, req, { title }) };
}

export function notFoundPage(deps: SettingsDeps, req: AdminRequest): AdminResponse {
  const title = deps.i18n.t('settings.not_found', {}, req.locale);
  return renderPage(deps, req, 'not-found.njk', 'webhooks', title, { backHref: deps.basePath }, 404);
}

/** The posted form's fields (none when the body is not a form). */
export function formBody(req: AdminRequest): Record<string, unknown> {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
}
