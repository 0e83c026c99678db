/** The status and the words of a refused install, update or upload: which rule refused (integrity, host range, registry, manifest). */
import { MarketplaceError } from '../marketplace/marketplace-client.js';
import { ManifestError } from '../modules/manifest-schema.js';
import { ModuleError } from '../modules/module-registry.js';

export function errorStatus(err: unknown): number {
  if (err instanceof ModuleError || err instanceof MarketplaceError) return err.status;
  if (err instanceof ManifestError) return 400;
  return 500;
}

export function errorText(err: unknown): string {
  return errorStatus(err) >= 500 && !(err instanceof MarketplaceError)
    ? `internal error: ${(err as Error).message}`
    : (err as Error).message;
}

/** The `version` a form or a body asks for; none: the newest compatible one. */
export function versionOf(body: unknown): string | undefined {
  const v = (body ?? {}) as { version?: unknown };
  return typeof v.version === 'string' && v.version.trim() ? v.version.trim() : undefined;
}
