/** The modules' JSON API for scripts (`/admin/api/modules`): list, install from the host's disk, enable/disable, uninstall. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageDeps } from './host-page-kit.js';
import { errorStatus } from './install-refusals.js';
import { installFromHost, publicRecord, runModuleAction } from './module-actions.js';

/** `GET /admin/api/modules`. */
export async function listModules(deps: PageDeps) {
  return { items: (await deps.registry.list()).map(publicRecord) };
}

/** `POST /admin/api/modules {source}`: 201 with the installed module. */
export async function installModule(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const source = ((req.body ?? {}) as { source?: unknown }).source;
  if (typeof source !== 'string' || !source.trim())
    return reply.code(400).send({ error: 'source: required (a module folder or a .tgz path on the host)' });
  try {
    const rec = await installFromHost(deps, req, source.trim());
    return reply.code(201).send(publicRecord(rec));
  } catch (err) {
    return reply.code(errorStatus(err)).send({ error: (err as Error).message });
  }
}

/** `POST /admin/api/modules/:uuid/:action` (enable or disable): 422 when enabling failed. */
export async function switchModule(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const { uuid, action } = req.params as { uuid: string; action: string };
  if (action !== 'enable' && action !== 'disable') return reply.code(404).send({ error: 'not found' });
  try {
    const r = await runModuleAction(deps, uuid, action);
    return reply.code(r.ok ? 200 : 422).send(publicRecord(r.record!));
  } catch (err) {
    return reply.code(errorStatus(err)).send({ error: (err as Error).message });
  }
}

/** `DELETE /admin/api/modules/:uuid`: 204. */
export async function uninstallModule(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  try {
    await runModuleAction(deps, (req.params as { uuid: string }).uuid, 'uninstall');
    return reply.code(204).send();
  } catch (err) {
    return reply.code(errorStatus(err)).send({ error: (err as Error).message });
  }
}
