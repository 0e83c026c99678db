/**
 * The marketplace's JSON API: `GET /admin/api/marketplace`, `POST /admin/api/marketplace/install
 * {name, version?}`, `GET /admin/api/modules/:uuid/update-preview?version=`, `POST
 * /admin/api/modules/:uuid/update {version?}`. Refusals say which rule
 * refused, with the registry's `reason` when it was the registry.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MarketplaceError } from '../marketplace/marketplace-client.js';
import { errorStatus, errorText, versionOf } from './install-refusals.js';
import type { MarketplaceRouteDeps } from './marketplace-routes.js';

const refused = (reply: FastifyReply, err: unknown) =>
  reply.code(errorStatus(err)).send({ error: errorText(err), reason: (err as MarketplaceError).reason });

/** `GET /admin/api/marketplace`. */
export async function listMarketplace(deps: MarketplaceRouteDeps, _req: FastifyRequest, reply: FastifyReply) {
  try {
    return { registry: deps.marketplace.registryUrl, items: await deps.marketplace.list() };
  } catch (err) {
    return refused(reply, err);
  }
}

/** `GET /admin/api/modules/:uuid/update-preview?version=`: what an update would run and change; installs nothing. */
export async function previewMarketplaceUpdate(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  try {
    return await deps.marketplace.previewUpdate((req.params as { uuid: string }).uuid, versionOf(req.query));
  } catch (err) {
    return refused(reply, err);
  }
}

/** `POST /admin/api/marketplace/install {name, version?}`: 201 with the installed module; on record. */
export async function installFromMarketplace(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  const name = ((req.body ?? {}) as { name?: unknown }).name;
  if (typeof name !== 'string' || !name.trim()) return reply.code(400).send({ error: 'name: required (an npm package name)' });
  try {
    const rec = await deps.marketplace.install(name.trim(), versionOf(req.body));
    await deps.audit.record(req, { name: rec.name, version: rec.version, how: 'marketplace' });
    return reply.code(201).send(deps.publicRecord(rec));
  } catch (err) {
    return refused(reply, err);
  }
}

/** `POST /admin/api/modules/:uuid/update {version?}`: 422 when the new version did not start (the old one runs again). */
export async function updateFromMarketplace(deps: MarketplaceRouteDeps, req: FastifyRequest, reply: FastifyReply) {
  try {
    const r = await deps.marketplace.update((req.params as { uuid: string }).uuid, versionOf(req.body));
    if (r.updated) await deps.audit.record(req, { name: r.record.name, version: r.to, how: `marketplace update from ${r.from}` });
    return reply
      .code(r.updated ? 200 : 422)
      .send({ updated: r.updated, from: r.from, to: r.to, error: r.error, module: deps.publicRecord(r.record) });
  } catch (err) {
    return refused(reply, err);
  }
}
