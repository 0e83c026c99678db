/** The Marketplace tab (`/admin/marketplace`) and its forms: install, update, uninstall, each back to the tab with how it went. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import semver from 'semver';
import type { MarketplaceVersion } from '../marketplace/marketplace-client.js';
import type { MarketplaceService } from '../marketplace/marketplace-service.js';
import { ModuleError, type UpdateResult } from '../modules/module-registry.js';
import { errorText, versionOf } from './install-refusals.js';
import type { MarketplaceRouteDeps } from './marketplace-routes.js';
import { setFlash } from './request-context.js';

/** How an update went, in the host's words (also the upload's when it replaced an installed module). */
export function updateText(deps: Pick<MarketplaceRouteDeps, 't'>, r: UpdateResult, name: string): string {
  return r.updated
    ? deps.t('marketplace.updated_ok', { name, from: r.from, to: r.to })
    : deps.t('marketplace.update_failed', { name, from: r.from, to: r.to, error: r.reason ?? r.error ?? '' });
}

const backToTab = (reply: FastifyReply) => reply.redirect('/admin/marketplace', 303);

/** `GET /admin/marketplace`: the registry's modules, each with the versions a button may ask for. */
export async function showMarketplace(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  const { marketplace, t } = deps;
  let items: Awaited<ReturnType<MarketplaceService['list']>> = [];
  let problem: string | null = null;
  if (!marketplace.configured) problem = t('marketplace.not_configured');
  else {
    try {
      items = await marketplace.list();
    } catch (err) {
      problem = errorText(err);
    }
  }
  // Every version the registry has; a button may ask for the compatible ones, newer than the
  // installed one for an update. The others are listed, disabled, with the reason.
  const shown = items.map((p) => {
    const choosable = (v: MarketplaceVersion) =>
      v.compatible && (!p.installed || (semver.valid(p.installed.version) !== null && semver.gt(v.version, p.installed.version)));
    return {
      ...p,
      description: p.descriptions[deps.locale] ?? p.description,
      choices: p.versions.filter(choosable),
      versionList: p.versions.map((v) => ({
        ...v,
        choosable: choosable(v),
        note: !v.compatible
          ? t('marketplace.needs_host', { range: v.hostRange ?? '?' })
          : p.installed && v.version === p.installed.version
            ? t('marketplace.installed_version')
            : p.installed && !choosable(v)
              ? t('marketplace.older_version')
              : '',
      })),
    };
  });
  return deps.page(req, reply, 'marketplace.njk', t('marketplace.title'), {
    items: shown,
    problem,
    registryUrl: marketplace.registryUrl,
    tab: 'marketplace',
  });
}

/** `POST /admin/marketplace/install {name, version?}`. */
export async function postMarketplaceInstall(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  const body = (req.body ?? {}) as { name?: unknown };
  try {
    const rec = await deps.marketplace.install(String(body.name ?? '').trim(), versionOf(req.body));
    await deps.audit.record(req, { name: rec.name, version: rec.version, how: 'marketplace' });
    setFlash(reply, { kind: 'ok', text: deps.t('marketplace.installed_ok', { name: rec.name, version: rec.version }) });
  } catch (err) {
    setFlash(reply, { kind: 'error', text: errorText(err) });
  }
  return backToTab(reply);
}

/** `GET /admin/marketplace/update/:uuid?version=`: the update's confirmation (its migrations, its changelog). */
export async function showUpdateConfirmation(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  const uuid = (req.params as { uuid: string }).uuid;
  try {
    const preview = await deps.marketplace.previewUpdate(uuid, versionOf(req.query));
    return await deps.page(
      req,
      reply,
      'marketplace-confirm.njk',
      deps.t('marketplace.confirm_title', { name: preview.name, to: preview.to }),
      {
        preview,
        tab: 'marketplace',
      },
    );
  } catch (err) {
    setFlash(reply, { kind: 'error', text: errorText(err) });
    return backToTab(reply);
  }
}

/** `POST /admin/marketplace/update/:uuid {version?}`. */
export async function postMarketplaceUpdate(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  const uuid = (req.params as { uuid: string }).uuid;
  try {
    const r = await deps.marketplace.update(uuid, versionOf(req.body));
    if (r.updated) await deps.audit.record(req, { name: r.record.name, version: r.to, how: `marketplace update from ${r.from}` });
    setFlash(reply, { kind: r.updated ? 'ok' : 'error', text: updateText(deps, r, r.record.name) });
  } catch (err) {
    setFlash(reply, { kind: 'error', text: errorText(err) });
  }
  return backToTab(reply);
}

/** `POST /admin/marketplace/uninstall/:uuid`: disabled first when it runs. */
export async function postMarketplaceUninstall(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  const { registry } = deps;
  const uuid = (req.params as { uuid: string }).uuid;
  try {
    const rec = await registry.get(uuid);
    if (!rec) throw new ModuleError(`module "${uuid}" is not installed`, 404);
    if (rec.state === 'enabled') await registry.disable(uuid);
    await registry.uninstall(uuid);
    setFlash(reply, { kind: 'ok', text: deps.t('modules.uninstalled_ok', { name: rec.name }) });
  } catch (err) {
    setFlash(reply, { kind: 'error', text: errorText(err) });
  }
  return backToTab(reply);
}
