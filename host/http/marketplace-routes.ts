/**
 * The marketplace's route table, under the admin: the JSON API (`marketplace-api.ts`), the .tgz
 * upload of the modules page and of scripts (`module-upload.ts`), and the Marketplace tab with
 * its forms (`marketplace-page.ts`). Refusals say which rule refused (integrity, host range,
 * registry down or slow, manifest).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { MarketplaceService } from '../marketplace/marketplace-service.js';
import type { ModuleRecord, ModuleRegistry } from '../modules/module-registry.js';
import type { RenderPage } from './host-views.js';
import type { InstallAudit } from './install-audit.js';
import { installFromMarketplace, listMarketplace, previewMarketplaceUpdate, updateFromMarketplace } from './marketplace-api.js';
import {
  postMarketplaceInstall,
  postMarketplaceUninstall,
  postMarketplaceUpdate,
  showMarketplace,
  showUpdateConfirmation,
} from './marketplace-page.js';
import { postModuleUpload, refuseUnlessUploadsAllowed, uploadModule } from './module-upload.js';

export interface MarketplaceRouteDeps {
  marketplace: MarketplaceService;
  registry: ModuleRegistry;
  varDir: string;
  /** Bytes an uploaded .tgz may have (the archive rules then bound what it expands to). */
  uploadLimit: number;
  /** Uploads are refused (403) unless the operator allows them (HOST_ALLOW_MODULE_UPLOAD). */
  allowModuleUpload: boolean;
  audit: InstallAudit;
  t(key: string, vars?: Record<string, string | number>): string;
  /** The page's language: a package's description in it when the package gives one. */
  locale: string;
  publicRecord(r: ModuleRecord): Record<string, unknown>;
  page: RenderPage;
}

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
