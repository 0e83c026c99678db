/**
 * The marketplace under the admin: the JSON API (`GET /admin/api/marketplace`, `POST
 * /admin/api/marketplace/install {name, version?}`, `POST /admin/api/modules/:uuid/update
 * {version?}`, `POST /admin/api/modules/upload` with a .tgz body), the Marketplace tab
 * (`/admin/marketplace`) and its forms, and the .tgz upload of the modules page. Refusals say
 * which rule refused (integrity, host range, registry down or slow, manifest).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import semver from 'semver';
import { MarketplaceError, type MarketplaceVersion } from '../marketplace/marketplace-client.js';
import type { MarketplaceService } from '../marketplace/marketplace-service.js';
import { ManifestError } from '../modules/manifest-schema.js';
import { ModuleError, type ModuleRecord, type ModuleRegistry, type UpdateResult } from '../modules/module-registry.js';
import type { InstallAudit } from './install-audit.js';
import type { RenderPage } from './host-views.js';
import { setFlash } from './request-context.js';

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

export function errorStatus(err: unknown): number {
  if (err instanceof ModuleError || err instanceof MarketplaceError) return err.status;
  if (err instanceof ManifestError) return 400;
  return 500;
}

function errorText(err: unknown): string {
  return errorStatus(err) >= 500 && !(err instanceof MarketplaceError)
    ? `internal error: ${(err as Error).message}`
    : (err as Error).message;
}

function versionOf(body: unknown): string | undefined {
  const v = (body ?? {}) as { version?: unknown };
  return typeof v.version === 'string' && v.version.trim() ? v.version.trim() : undefined;
}

export function mountMarketplaceRoutes(app: FastifyInstance, deps: MarketplaceRouteDeps): void {
  const { marketplace, registry, t } = deps;

  const updateText = (r: UpdateResult, name: string) =>
    r.updated
      ? t('marketplace.updated_ok', { name, from: r.from, to: r.to })
      : t('marketplace.update_failed', { name, from: r.from, to: r.to, error: r.reason ?? r.error ?? '' });

  // ---- JSON API ----
  app.get('/admin/api/marketplace', async (_req, reply) => {
    try {
      return { registry: marketplace.registryUrl, items: await marketplace.list() };
    } catch (err) {
      return reply.code(errorStatus(err)).send({ error: errorText(err), reason: (err as MarketplaceError).reason });
    }
  });
  app.post('/admin/api/marketplace/install', async (req, reply) => {
    const name = ((req.body ?? {}) as { name?: unknown }).name;
    if (typeof name !== 'string' || !name.trim()) return reply.code(400).send({ error: 'name: required (an npm package name)' });
    try {
      const rec = await marketplace.install(name.trim(), versionOf(req.body));
      await deps.audit.record(req, { name: rec.name, version: rec.version, how: 'marketplace' });
      return reply.code(201).send(deps.publicRecord(rec));
    } catch (err) {
      return reply.code(errorStatus(err)).send({ error: errorText(err), reason: (err as MarketplaceError).reason });
    }
  });
  app.get('/admin/api/modules/:uuid/update-preview', async (req, reply) => {
    try {
      return await marketplace.previewUpdate((req.params as { uuid: string }).uuid, versionOf(req.query));
    } catch (err) {
      return reply.code(errorStatus(err)).send({ error: errorText(err), reason: (err as MarketplaceError).reason });
    }
  });
  app.post('/admin/api/modules/:uuid/update', async (req, reply) => {
    try {
      const r = await marketplace.update((req.params as { uuid: string }).uuid, versionOf(req.body));
      if (r.updated) await deps.audit.record(req, { name: r.record.name, version: r.to, how: `marketplace update from ${r.from}` });
      return reply
        .code(r.updated ? 200 : 422)
        .send({ updated: r.updated, from: r.from, to: r.to, error: r.error, module: deps.publicRecord(r.record) });
    } catch (err) {
      return reply.code(errorStatus(err)).send({ error: errorText(err), reason: (err as MarketplaceError).reason });
    }
  });

  // ---- upload: the .tgz as the request body (the modules page sends it with fetch) ----
  const upload = async (req: FastifyRequest): Promise<{ status: number; text: string; body: Record<string, unknown> }> => {
    const data = req.body;
    if (!Buffer.isBuffer(data) || data.length === 0)
      throw new ModuleError('upload: send the .tgz as the request body (content-type application/gzip)');
    const label =
      String((req.query as { name?: unknown }).name ?? 'upload.tgz')
        .replace(/[^\w.@+-]/g, '_')
        .slice(0, 100) || 'upload.tgz';
    // Under its own name (in a folder of its own), so a refusal names the file the admin sent.
    const dir = path.join(deps.varDir, 'downloads', crypto.randomUUID());
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, label.replace(/^\.+/, '_'));
    fs.writeFileSync(file, data, { mode: 0o600 });
    try {
      const manifest = await registry.peekArchive(file, label);
      const installed = await registry.get(manifest.uuid);
      if (installed) {
        const r = await registry.update(manifest.uuid, file, { kind: 'archive', label });
        if (r.updated) await deps.audit.record(req, { name: r.record.name, version: r.to, how: `upload, update from ${r.from}` });
        return {
          status: r.updated ? 200 : 422,
          text: updateText(r, installed.name),
          body: { updated: r.updated, from: r.from, to: r.to, error: r.error, module: deps.publicRecord(r.record) },
        };
      }
      const rec = await registry.installFromArchive(file, { kind: 'archive', label });
      await deps.audit.record(req, { name: rec.name, version: rec.version, how: 'upload' });
      return { status: 201, text: t('modules.installed_ok', { name: rec.name }), body: deps.publicRecord(rec) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  app.register(async (scope) => {
    // Refused before the body is read: installing uploaded code is the operator's decision.
    scope.addHook('onRequest', async (_req, reply) => {
      if (!deps.allowModuleUpload)
        return reply.code(403).send({ ok: false, error: t('modules.upload_off'), text: t('modules.upload_off') });
    });
    scope.addContentTypeParser(
      ['application/gzip', 'application/x-gzip', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: deps.uploadLimit },
      (_req, body, done) => done(null, body),
    );
    scope.post('/admin/api/modules/upload', async (req, reply) => {
      try {
        const r = await upload(req);
        return reply.code(r.status).send(r.body);
      } catch (err) {
        return reply.code(errorStatus(err)).send({ error: errorText(err) });
      }
    });
    // The page's upload: same, and a one-time message for the page it goes back to.
    scope.post('/admin/module-upload', async (req, reply) => {
      try {
        const r = await upload(req);
        setFlash(reply, { kind: r.status < 300 ? 'ok' : 'error', text: r.text });
        return reply.code(r.status).send({ ok: r.status < 300, text: r.text });
      } catch (err) {
        setFlash(reply, { kind: 'error', text: errorText(err) });
        return reply.code(errorStatus(err)).send({ ok: false, text: errorText(err) });
      }
    });
  });

  // ---- the Marketplace tab ----
  app.get('/admin/marketplace', async (req, reply) => {
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
  });
  const back = (reply: FastifyReply) => reply.redirect('/admin/marketplace', 303);
  app.post('/admin/marketplace/install', async (req, reply) => {
    const body = (req.body ?? {}) as { name?: unknown };
    try {
      const rec = await marketplace.install(String(body.name ?? '').trim(), versionOf(req.body));
      await deps.audit.record(req, { name: rec.name, version: rec.version, how: 'marketplace' });
      setFlash(reply, { kind: 'ok', text: t('marketplace.installed_ok', { name: rec.name, version: rec.version }) });
    } catch (err) {
      setFlash(reply, { kind: 'error', text: errorText(err) });
    }
    return back(reply);
  });
  // The update's confirmation: which version, the migrations it will run, its changelog.
  app.get('/admin/marketplace/update/:uuid', async (req, reply) => {
    const uuid = (req.params as { uuid: string }).uuid;
    try {
      const preview = await marketplace.previewUpdate(uuid, versionOf(req.query));
      return await deps.page(
        req,
        reply,
        'marketplace-confirm.njk',
        t('marketplace.confirm_title', { name: preview.name, to: preview.to }),
        {
          preview,
          tab: 'marketplace',
        },
      );
    } catch (err) {
      setFlash(reply, { kind: 'error', text: errorText(err) });
      return back(reply);
    }
  });
  app.post('/admin/marketplace/update/:uuid', async (req, reply) => {
    const uuid = (req.params as { uuid: string }).uuid;
    try {
      const r = await marketplace.update(uuid, versionOf(req.body));
      if (r.updated) await deps.audit.record(req, { name: r.record.name, version: r.to, how: `marketplace update from ${r.from}` });
      setFlash(reply, { kind: r.updated ? 'ok' : 'error', text: updateText(r, r.record.name) });
    } catch (err) {
      setFlash(reply, { kind: 'error', text: errorText(err) });
    }
    return back(reply);
  });
  app.post('/admin/marketplace/uninstall/:uuid', async (req, reply) => {
    const uuid = (req.params as { uuid: string }).uuid;
    try {
      const rec = await registry.get(uuid);
      if (!rec) throw new ModuleError(`module "${uuid}" is not installed`, 404);
      if (rec.state === 'enabled') await registry.disable(uuid);
      await registry.uninstall(uuid);
      setFlash(reply, { kind: 'ok', text: t('modules.uninstalled_ok', { name: rec.name }) });
    } catch (err) {
      setFlash(reply, { kind: 'error', text: errorText(err) });
    }
    return back(reply);
  });
}
