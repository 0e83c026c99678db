/**
 * The modules page (`/admin/modules`): the installed modules with their settings card, the
 * enable / disable / uninstall forms, the install from the host's disk, and their thumbnails.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModuleError } from '../modules/module-registry.js';
import { hostWords, renderHostPage, type PageDeps } from './host-page-kit.js';
import { errorStatus } from './install-refusals.js';
import { installFromHost, publicRecord, runModuleAction } from './module-actions.js';
import { safeFile, sendFile } from './module-dispatch.js';
import { moduleTranslator } from './module-translator.js';
import { setFlash } from './request-context.js';

/** The modules page; a refused install is shown on it at once with its status (no redirect). */
async function modulesPage(deps: PageDeps, req: FastifyRequest, reply: FastifyReply, refused?: { status: number; text: string }) {
  const t = hostWords(deps);
  const records = await deps.registry.list();
  const modules = records.map((r) => {
    const tr = moduleTranslator(r.dir, deps.locale);
    const s = r.manifest.settings;
    const thumb =
      r.manifest.thumbnail && !/^https:/.test(r.manifest.thumbnail) ? `/admin/module-thumbnails/${encodeURIComponent(r.uuid)}` : null;
    // A module may translate its manifest's name and description (`manifest.name`,
    // `manifest.description` in its lang/ folder); the manifest's own text is the fallback.
    const own = (key: string, fallback: string) => {
      const text = tr.t(key);
      return text === key ? fallback : text;
    };
    return {
      ...publicRecord(r),
      name: own('manifest.name', r.name),
      description: own('manifest.description', r.description),
      author: r.manifest.author,
      permissions: r.manifest.permissions,
      events: r.manifest.events,
      thumbnail: thumb,
      card:
        r.running && s
          ? {
              href: `/admin/modules/${encodeURIComponent(r.uuid)}/`,
              label: tr.t(s.label),
              description: s.description ? tr.t(s.description) : '',
              section: s.section,
            }
          : null,
    };
  });
  const extra = refused ? { flash: { kind: 'error', text: refused.text } } : {};
  const installs = {
    folder: deps.allowFolderInstall ? null : t('modules.folder_install_off'),
    upload: deps.allowModuleUpload ? null : t('modules.upload_off'),
  };
  return renderHostPage(
    deps,
    req,
    reply,
    'modules.njk',
    t('modules.title'),
    { modules, tab: 'installed', installs, ...extra },
    refused?.status,
  );
}

/** `GET /admin/modules`. */
export async function showModules(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  return modulesPage(deps, req, reply);
}

/** `POST /admin/module-actions/:uuid/:action` (enable, disable, uninstall): back to the list with how it went. */
export async function postModuleAction(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const { uuid, action } = req.params as { uuid: string; action: string };
  try {
    const r = await runModuleAction(deps, uuid, action);
    setFlash(reply, { kind: r.ok ? 'ok' : 'error', text: r.text });
  } catch (err) {
    setFlash(reply, { kind: 'error', text: (err as Error).message });
  }
  return reply.redirect('/admin/modules', 303);
}

/** `POST /admin/module-install {source}`: a folder or .tgz on the host's disk. */
export async function postModuleInstall(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const t = hostWords(deps);
  const source = String(((req.body ?? {}) as { source?: unknown }).source ?? '').trim();
  try {
    if (!source) throw new ModuleError(t('modules.install_source_required'));
    const rec = await installFromHost(deps, req, source);
    setFlash(reply, { kind: 'ok', text: t('modules.installed_ok', { name: rec.name }) });
  } catch (err) {
    return modulesPage(deps, req, reply, { status: errorStatus(err), text: (err as Error).message });
  }
  return reply.redirect('/admin/modules', 303);
}

/** `GET /admin/module-thumbnails/:uuid`: the manifest's thumbnail file, from inside the module's folder only. */
export async function sendModuleThumbnail(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const rec = await deps.registry.get((req.params as { uuid: string }).uuid);
  const file = rec?.manifest.thumbnail ? safeFile(rec.dir, rec.manifest.thumbnail) : null;
  return file ? sendFile(reply, file) : reply.code(404).send({ error: 'not found' });
}
