/**
 * What the host's own pages share: their dependencies, the host's words, an HTML answer, a page
 * in the layout with its one-time message, and how a handler of the route table gets its
 * dependencies (`(deps, req, reply)`).
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Locale, Translator } from '../../sdk/module-context.js';
import type { NotificationStore } from '../context/notifications-store.js';
import type { HelpdeskService } from '../helpdesk/helpdesk-service.js';
import type { MarketplaceService } from '../marketplace/marketplace-service.js';
import type { ModuleRegistry } from '../modules/module-registry.js';
import type { HostViews, LayoutData } from './host-views.js';
import type { InstallAudit } from './install-audit.js';
import { csrfTokenFor, takeFlash } from './request-context.js';
import type { SessionStore } from './session-store.js';
import type { SignInLimiter } from './sign-in-limiter.js';
import type { Simulator } from './simulator.js';

export interface PageDeps {
  registry: ModuleRegistry;
  marketplace: MarketplaceService;
  varDir: string;
  uploadLimit: number;
  views: HostViews;
  translator: Translator;
  notifications: NotificationStore;
  simulator: Simulator;
  helpdesk: HelpdeskService;
  adminToken: string;
  sessions: SessionStore;
  signIn: SignInLimiter;
  locale: Locale;
  timeZone: string;
  now: () => number;
  allowModuleUpload: boolean;
  allowFolderInstall: boolean;
  audit: InstallAudit;
  layout(req: FastifyRequest, reply: FastifyReply, csrfToken: string): Promise<LayoutData>;
}

/** A handler of the host's pages: their dependencies, then fastify's request and reply. */
export type HostHandler = (deps: PageDeps, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** The route table's handler for `fn`. */
export function hostHandler(deps: PageDeps, fn: HostHandler): RouteHandlerMethod {
  return (req, reply) => fn(deps, req, reply);
}

/** The host's words in its language. */
export function hostWords(deps: Pick<PageDeps, 'translator' | 'locale'>) {
  return (key: string, vars?: Record<string, string | number>): string => deps.translator.t(key, vars, deps.locale);
}

export function html(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** `name` in the host's layout, with the one-time message (flash) a redirect left. */
export async function renderHostPage(
  deps: PageDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  title: string,
  data: Record<string, unknown> = {},
  status = 200,
): Promise<FastifyReply> {
  const csrfToken = csrfTokenFor(req, reply);
  const layout = await deps.layout(req, reply, csrfToken);
  return html(reply, deps.views.page(name, { flash: takeFlash(req, reply), ...data }, layout, title), status);
}
