/**
 * The host's own admin pages' route table: login, modules (list, toggles, install, uninstall),
 * simulator, notifications, plus a JSON API for scripts (`/admin/api/modules`); the helpdesk's
 * pages and the marketplace mount their own. Forms post back with `_csrf` (checked before these
 * handlers run) and redirect with a one-time message. Each handler lives in the file of its
 * resource; a route is open to anyone only where its options say `public: true`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mountHelpdeskPages } from './helpdesk-pages.js';
import type { RenderPage } from './host-views.js';
import { hostHandler, hostWords, renderHostPage, type HostHandler, type PageDeps } from './host-page-kit.js';
import { postLogin, postLogout, showLogin } from './login-pages.js';
import { mountMarketplaceRoutes } from './marketplace-routes.js';
import { publicRecord } from './module-actions.js';
import { postModuleAction, postModuleInstall, sendModuleThumbnail, showModules } from './module-pages.js';
import { installModule, listModules, switchModule, uninstallModule } from './modules-api.js';
import { markNotificationsRead, showNotifications } from './notification-pages.js';
import { fireSimulatedEvent, postContinueTicket, postConversation, sendHostAsset, showSimulator } from './simulator-pages.js';

export type { PageDeps };

/** `/` and `/admin`: the admin's home. */
async function redirectToAdmin(_deps: PageDeps, _req: FastifyRequest, reply: FastifyReply) {
  return reply.redirect('/admin/');
}

/** `/admin/`: the modules page is the admin's first page. */
async function redirectToModules(_deps: PageDeps, _req: FastifyRequest, reply: FastifyReply) {
  return reply.redirect('/admin/modules');
}

export function mountHostPages(app: FastifyInstance, deps: PageDeps): void {
  const h = (fn: HostHandler) => hostHandler(deps, fn);
  const page: RenderPage = (req, reply, name, title, data, status) => renderHostPage(deps, req, reply, name, title, data, status);

  app.get('/', { config: { public: true } }, h(redirectToAdmin));
  app.get('/admin', h(redirectToAdmin));
  app.get('/admin/', h(redirectToModules));

  app.get('/admin/login', { config: { public: true } }, h(showLogin));
  app.post('/admin/login', { config: { public: true } }, h(postLogin));
  app.post('/admin/logout', h(postLogout));

  app.get('/admin/modules', h(showModules));
  app.post('/admin/module-actions/:uuid/:action', h(postModuleAction));
  app.post('/admin/module-install', h(postModuleInstall));
  app.get('/admin/module-thumbnails/:uuid', h(sendModuleThumbnail));

  mountHelpdeskPages(app, {
    helpdesk: deps.helpdesk,
    views: deps.views,
    locale: deps.locale,
    timeZone: deps.timeZone,
    t: hostWords(deps),
    page,
  });
  mountMarketplaceRoutes(app, {
    marketplace: deps.marketplace,
    registry: deps.registry,
    varDir: deps.varDir,
    uploadLimit: deps.uploadLimit,
    allowModuleUpload: deps.allowModuleUpload,
    audit: deps.audit,
    t: hostWords(deps),
    locale: deps.locale,
    publicRecord,
    page,
  });

  app.get('/admin/api/modules', h(listModules));
  app.post('/admin/api/modules', h(installModule));
  app.post('/admin/api/modules/:uuid/:action', h(switchModule));
  app.delete('/admin/api/modules/:uuid', h(uninstallModule));

  app.get('/admin/simulate', h(showSimulator));
  app.post('/admin/simulate/continue', h(postContinueTicket));
  app.post('/admin/simulate/conversation', h(postConversation));
  app.post('/admin/simulate/:event', { bodyLimit: 2 * 1024 * 1024 }, h(fireSimulatedEvent));

  app.get('/admin/notifications', h(showNotifications));
  app.post('/admin/notifications/read', h(markNotificationsRead));

  app.get('/admin/host-assets/:file', { config: { public: true } }, h(sendHostAsset));
}
