/** The event simulator (`/admin/simulate`): fires a sample or a pasted payload on the bus; and the page's own script. */
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hostViewsDir } from '../paths.js';
import { hostWords, renderHostPage, type PageDeps } from './host-page-kit.js';
import { safeFile, sendFile } from './module-dispatch.js';
import { setFlash, wantsJson } from './request-context.js';

/** `GET /admin/simulate`. */
export async function showSimulator(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const t = hostWords(deps);
  return renderHostPage(deps, req, reply, 'simulate.njk', t('simulate.title'), {
    events: deps.simulator.events,
    samples: Object.fromEntries(deps.simulator.events.map((e) => [e, JSON.stringify(deps.simulator.sample(e), null, 2)])),
  });
}

/** `POST /admin/simulate/:event`: JSON from a script (answered as JSON), or the page's form (answered by a redirect). */
export async function fireSimulatedEvent(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const t = hostWords(deps);
  const { event } = req.params as { event: string };
  const type = String(req.headers['content-type'] ?? '');
  // No body, or `{}` (what a bare fetch sends), means "a sample": `{}` is never a valid payload.
  const raw = req.body;
  let payload: unknown =
    raw === null || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw as object).length === 0) ? undefined : raw;
  const fromForm = type.startsWith('application/x-www-form-urlencoded');
  if (fromForm) {
    // A browser without JavaScript posts the textarea: empty means "a sample".
    const text = String(((req.body ?? {}) as { payload?: unknown }).payload ?? '').trim();
    payload = undefined;
    if (text) {
      try {
        payload = JSON.parse(text);
      } catch (err) {
        setFlash(reply, { kind: 'error', text: `${t('simulate.invalid_json')}: ${(err as Error).message}` });
        return reply.redirect('/admin/simulate', 303);
      }
    }
  }
  const answer = await deps.simulator.fire(event, payload);
  if (fromForm && !wantsJson(req)) {
    setFlash(
      reply,
      answer.status === 202
        ? { kind: 'ok', text: t('simulate.sent', { event: answer.body.event, eventId: answer.body.eventId }) }
        : { kind: 'error', text: answer.body.error },
    );
    return reply.redirect('/admin/simulate', 303);
  }
  return reply.code(answer.status).send(answer.body);
}

/** `GET /admin/host-assets/:file` (public): the host's own script, from its assets folder only. */
export async function sendHostAsset(_deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const file = safeFile(path.join(hostViewsDir, 'assets'), (req.params as { file: string }).file);
  return file ? sendFile(reply, file) : reply.code(404).send({ error: 'not found' });
}
