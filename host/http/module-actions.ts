/** What the modules page and the modules API both do: a module's public record, enable/disable/uninstall, install from the host's disk. */
import type { FastifyRequest } from 'fastify';
import { ModuleError, type ModuleRecord } from '../modules/module-registry.js';
import { hostWords, type PageDeps } from './host-page-kit.js';

export function publicRecord(r: ModuleRecord) {
  return {
    uuid: r.uuid,
    name: r.name,
    version: r.version,
    description: r.description,
    state: r.state,
    error: r.error,
    updateError: r.updateError,
    running: r.running,
    source: r.sourceKind,
    installedAt: r.installedAt,
    updatedAt: r.updatedAt,
  };
}

/** Enables, disables or uninstalls; `text` says how it went in the host's words (an unknown action is a 404). */
export async function runModuleAction(
  deps: PageDeps,
  uuid: string,
  action: string,
): Promise<{ record: ModuleRecord | null; text: string; ok: boolean }> {
  const { registry } = deps;
  const t = hostWords(deps);
  if (action === 'enable') {
    const rec = await registry.enable(uuid);
    return rec.state === 'enabled'
      ? { record: rec, ok: true, text: t('modules.enabled_ok', { name: rec.name }) }
      : { record: rec, ok: false, text: t('modules.enable_failed', { name: rec.name, error: rec.error ?? '' }) };
  }
  if (action === 'disable') {
    const rec = await registry.disable(uuid);
    return { record: rec, ok: true, text: t('modules.disabled_ok', { name: rec.name }) };
  }
  if (action === 'uninstall') {
    const before = await registry.get(uuid);
    await registry.uninstall(uuid);
    return { record: null, ok: true, text: t('modules.uninstalled_ok', { name: before?.name ?? uuid }) };
  }
  throw new ModuleError(`unknown action "${action.slice(0, 40)}"`, 404);
}

/** Installs from a folder or a .tgz on the host's disk, when the operator allows it; on record. */
export async function installFromHost(deps: PageDeps, req: FastifyRequest, source: string): Promise<ModuleRecord> {
  if (!deps.allowFolderInstall) throw new ModuleError(hostWords(deps)('modules.folder_install_off'), 403);
  const archive = /\.(tgz|tar\.gz)$/i.test(source);
  const rec = archive ? await deps.registry.installFromArchive(source) : await deps.registry.installFromFolder(source);
  await deps.audit.record(req, { name: rec.name, version: rec.version, how: archive ? 'host archive' : 'host folder' });
  return rec;
}
