/**
 * The event simulator (`/admin/simulate`): fires a sample or a pasted payload on the bus, runs a
 * conversation on a real helpdesk ticket or continues one (simulator.ts); and the page's own script.
 */
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hostViewsDir } from '../paths.js';
import { hostWords, renderHostPage, type PageDeps } from './host-page-kit.js';
import { safeFile, sendFile } from './module-dispatch.js';
import { setFlash, wantsJson } from './request-context.js';
import { continueRequestOf, conversationRequestOf, type TicketAnswer } from './simulator.js';
import { ticketPriorities } from '../../sdk/events.js';

/** `GET /admin/simulate`. */
export async function showSimulator(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const t = hostWords(deps);
  return renderHostPage(deps, req, reply, 'simulate.njk', t('simulate.title'), {
    events: deps.simulator.events,
    samples: Object.fromEntries(deps.simulator.events.map((e) => [e, JSON.stringify(deps.simulator.sample(e), null, 2)])),
    openTickets: await deps.simulator.openTickets(),
    priorities: ticketPriorities,
  });
}

/** A ticket action's answer: JSON for scripts, a message and a redirect for the page's form. */
function ticketAnswer(deps: PageDeps, req: FastifyRequest, reply: FastifyReply, answer: TicketAnswer) {
  if (wantsJson(req) || !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return reply.code(answer.status).send(answer.body);
  const t = hostWords(deps);
  setFlash(
    reply,
    answer.status === 202
      ? {
          kind: 'ok',
          text: t('simulate.ticket_done', { id: answer.body.ticketId, events: answer.body.events.map((e) => e.event).join(', ') }),
        }
      : { kind: 'error', text: answer.body.error },
  );
  return reply.redirect('/admin/simulate', 303);
}

/** `POST /admin/simulate/continue {ticket, action, as, content?, staffId?}`: answers or closes a helpdesk ticket. */
export async function postContinueTicket(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const r = continueRequestOf(req.body);
  const answer: TicketAnswer =
    typeof r === 'string' ? { status: 400, body: { error: r, reason: 'invalid' } } : await deps.simulator.continueTicket(r);
  return ticketAnswer(deps, req, reply, answer);
}

/** `POST /admin/simulate/conversation {replies?, priority?}`: submit, replies, close on a new helpdesk ticket. */
export async function postConversation(deps: PageDeps, req: FastifyRequest, reply: FastifyReply) {
  const r = conversationRequestOf(req.body);
  const answer: TicketAnswer =
    typeof r === 'string' ? { status: 400, body: { error: r, reason: 'invalid' } } : await deps.simulator.conversation(r);
  return ticketAnswer(deps, req, reply, answer);
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
