/**
 * The .tgz upload, as the request body (the modules page sends it with fetch): installs the
 * module, or updates it when its uuid is installed; on record. Refused (403, before the body is
 * read) unless the operator allows uploads.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModuleError } from '../modules/module-registry.js';
import { errorStatus, errorText } from './install-refusals.js';
import { updateText } from './marketplace-page.js';
import type { MarketplaceRouteDeps } from './marketplace-route-deps.js';
import { setFlash } from './request-context.js';

async function upload(
  deps: MarketplaceRouteDeps,
  req: FastifyRequest,
): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
  const { registry } = deps;
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
        text: updateText(deps, r, installed.name),
        body: { updated: r.updated, from: r.from, to: r.to, error: r.error, module: deps.publicRecord(r.record) },
      };
    }
    const rec = await registry.installFromArchive(file, { kind: 'archive', label });
    await deps.audit.record(req, { name: rec.name, version: rec.version, how: 'upload' });
    return { status: 201, text: deps.t('modules.installed_ok', { name: rec.name }), body: deps.publicRecord(rec) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Before the body is read: installing uploaded code is the operator's decision. */
export async function refuseUnlessUploadsAllowed(deps: MarketplaceRouteDeps, _req: FastifyRequest, reply: FastifyReply) {
  if (!deps.allowModuleUpload)
    return reply.code(403).send({ ok: false, error: deps.t('modules.upload_off'), text: deps.t('modules.upload_off') });
}

/** `POST /admin/api/modules/upload`: 201 installed, 200 updated, 422 update refused at start. */
export async function uploadModule(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  try {
    const r = await upload(deps, req);
    return reply.code(r.status).send(r.body);
  } catch (err) {
    return reply.code(errorStatus(err)).send({ error: errorText(err) });
  }
}

/** `POST /admin/module-upload`: the page's upload, the same plus a one-time message for the page it goes back to. */
export async function postModuleUpload(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  try {
    const r = await upload(deps, req);
    setFlash(reply, { kind: r.status < 300 ? 'ok' : 'error', text: r.text });
    return reply.code(r.status).send({ ok: r.status < 300, text: r.text });
  } catch (err) {
    setFlash(reply, { kind: 'error', text: errorText(err) });
    return reply.code(errorStatus(err)).send({ ok: false, text: errorText(err) });
  }
}
