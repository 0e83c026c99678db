/** What the helpdesk's pages share: their dependencies, a form field, the ticket number of the path, a refusal's words, dates. */
import type { FastifyRequest } from 'fastify';
import type { Locale } from '../../sdk/module-context.js';
import { HelpdeskError, type HelpdeskService } from '../helpdesk/helpdesk-service.js';
import type { HostViews, RenderPage } from './host-views.js';

export interface HelpdeskPageDeps {
  helpdesk: HelpdeskService;
  views: HostViews;
  locale: Locale;
  timeZone: string;
  t(key: string, vars?: Record<string, string | number>): string;
  page: RenderPage;
}

export const field = (body: unknown, name: string): string => {
  const v = ((body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
};

export const ticketIdOf = (req: FastifyRequest): number => {
  const raw = (req.params as { id: string }).id;
  return /^\d{1,12}$/.test(raw) ? Number(raw) : -1;
};

/** What a refusal says to the person who asked: the helpdesk's own reason, never an internal error's. */
export const refusal = (err: unknown): string => (err instanceof HelpdeskError ? err.message : 'internal error');

/** Dates as the pages show them, in the host's language and time zone. */
export function dateFormat(deps: HelpdeskPageDeps): (ms: number) => string {
  const dtf = new Intl.DateTimeFormat(deps.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: deps.timeZone,
  });
  return (ms: number) => dtf.format(ms);
}
