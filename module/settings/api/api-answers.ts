/**
 * What every handler of the JSON API shares: the route row, the 400 that names the field, the
 * 404, and how a handler of the route table gets its dependencies: `guarded` turns an
 * InputError thrown while reading the request into that 400; `webhookApi` reads `:id` first.
 */
import type { AdminHandler, AdminRequest, AdminResponse } from '../../../sdk/module-context.js';
import { InputError, parseId, translateErrors } from '../request-parsing.js';
import type { SettingsDeps } from '../settings-deps.js';
import type { FieldError } from '../webhook-input.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handler: AdminHandler;
}

/** An API handler: the settings' dependencies, then the request. */
export type ApiHandler = (deps: SettingsDeps, req: AdminRequest) => Promise<AdminResponse>;
/** An API handler about one webhook, called with the number `:id` spells (it may name none). */
export type WebhookApiHandler = (deps: SettingsDeps, req: AdminRequest, id: number) => Promise<AdminResponse>;

export function invalid(deps: SettingsDeps, req: AdminRequest, errors: FieldError[]): AdminResponse {
  const translated = translateErrors(errors, deps.i18n.t.bind(deps.i18n), req.locale);
  return { status: 400, json: { error: 'invalid_input', field: translated[0].field, reason: translated[0].reason, errors: translated } };
}

export const notFound = (what: string): AdminResponse => ({ status: 404, json: { error: 'not_found', reason: `${what} not found` } });

/** The route table's handler for `fn`, an InputError answered as a 400 naming the field. */
export function guarded(deps: SettingsDeps, fn: ApiHandler): AdminHandler {
  return async (req) => {
    try {
      return await fn(deps, req);
    } catch (err) {
      if (err instanceof InputError) return invalid(deps, req, [{ field: err.field, reason: err.reason }]);
      throw err;
    }
  };
}

/** The route table's handler for `fn`: a 404 unless `:id` is a number; guarded like the others. */
export function webhookApi(deps: SettingsDeps, fn: WebhookApiHandler): AdminHandler {
  return guarded(deps, async (deps, req) => {
    const id = parseId(req.params.id);
    if (id === null) return notFound('webhook');
    return fn(deps, req, id);
  });
}

/** The route table's handler for `fn` as is (it reads nothing from the request that could be refused). */
export function unguarded(deps: SettingsDeps, fn: ApiHandler): AdminHandler {
  return (req) => fn(deps, req);
}
