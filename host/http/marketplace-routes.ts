/**
 * The marketplace's route table, under the admin: the JSON API (`marketplace-api.ts`), the .tgz
 * upload of the modules page and of scripts (`module-upload.ts`), and the Marketplace tab with
 * its forms (`marketplace-page.ts`). Refusals say which rule refused (integrity, host range,
 * registry down or slow, manifest).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { installFromMarketplace, listMarketplace, previewMarketplaceUpdate, updateFromMarketplace } from './marketplace-api.js';
import {
  postMarketplaceInstall,
  postMarketplaceUninstall,
  postMarketplaceUpdate,
  showMarketplace,
  showUpdateConfirmation,
} from './marketplace-page.js';
import type { MarketplaceRouteDeps } from './marketplace-route-deps.js';
import { postModuleUpload, refuseUnlessUploadsAllowed, uploadModule } from './module-upload.js';

export type { MarketplaceRouteDeps };

type MarketplaceHandler = (deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function mountMarketplaceRoutes(app: FastifyInstance, deps: MarketplaceRouteDeps): void {
  const h =
    (fn: MarketplaceHandler): RouteHandlerMethod =>
    (req, reply) =>
      fn(deps, req, reply);

  app.get('/admin/api/marketplace', h(listMarketplace));
  app.post('/admin/api/marketplace/install', h(installFromMarketplace));
  app.get('/admin/api/modules/:uuid/update-preview', h(previewMarketplaceUpdate));
  app.post('/admin/api/modules/:uuid/update', h(updateFromMarketplace));

  // The uploads in a scope of their own: refused before their body is read unless allowed, and
  // the only routes that accept a .tgz body (up to the operator's limit).
  app.register(async (scope) => {
    scope.addHook('onRequest', h(refuseUnlessUploadsAllowed));
    scope.addContentTypeParser(
      ['application/gzip', 'application/x-gzip', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: deps.uploadLimit },
      (_req, body, done) => done(null, body),
    );
    scope.post('/admin/api/modules/upload', h(uploadModule));
    scope.post('/admin/module-upload', h(postModuleUpload));
  });

  app.get('/admin/marketplace', h(showMarketplace));
  app.post('/admin/marketplace/install', h(postMarketplaceInstall));
  app.get('/admin/marketplace/update/:uuid', h(showUpdateConfirmation));
  app.post('/admin/marketplace/update/:uuid', h(postMarketplaceUpdate));
  app.post('/admin/marketplace/uninstall/:uuid', h(postMarketplaceUninstall));
}
