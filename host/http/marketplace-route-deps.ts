/** What the marketplace's handlers are given (marketplace-routes.ts mounts them). */
import type { MarketplaceService } from '../marketplace/marketplace-service.js';
import type { ModuleRecord, ModuleRegistry } from '../modules/module-registry.js';
import type { RenderPage } from './host-views.js';
import type { InstallAudit } from './install-audit.js';

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
