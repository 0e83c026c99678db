/**
 * The host's own admin pages: login, modules (list, toggles, install, uninstall), simulator,
 * notifications, plus a JSON API for scripts (`/admin/api/modules`). Forms post back with `_csrf`
 * (checked before these handlers run) and redirect with a one-time message.
 */
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale, Translator } from '../../sdk/module-context.js';
import type { NotificationStore } from '../context/notifications-store.js';
import { createTranslator } from '../context/translator.js';
import type { MarketplaceService } from '../marketplace/marketplace-service.js';
import { ModuleError, type ModuleRecord, type ModuleRegistry } from '../modules/module-registry.js';
import { hostViewsDir } from '../paths.js';
import { endSession, sameToken, startSession } from './auth.js';
import type { HostViews, LayoutData } from './host-views.js';
import type { InstallAudit } from './install-audit.js';
import { mountHelpdeskPages } from './helpdesk-pages.js';
import type { HelpdeskService } from '../helpdesk/helpdesk-service.js';
import { errorStatus, mountMarketplaceRoutes } from './marketplace-routes.js';
import { safeFile, sendFile } from './module-dispatch.js';
import { csrfTokenFor, setFlash, takeFlash, wantsJson } from './request-context.js';
import type { SessionStore } from './session-store.js';
import type { SignInLimiter } from './sign-in-limiter.js';
import { continueRequestOf, conversationRequestOf, type Simulator, type TicketAnswer } from './simulator.js';
import { ticketPriorities } from '../../sdk/events.js';

export interface PageDeps {
  registry: ModuleRegistry;
  marketplace: MarketplaceService;
  varDir: string;
  uploadLimit: number;
  views: HostViews;
  translator: Translator;
  notifications: NotificationStore;
  simulator: Simulator;
  helpdesk: HelpdeskService;
  adminToken: string;
  sessions: SessionStore;
  signIn: SignInLimiter;
  locale: Locale;
  timeZone: string;
  now: () => number;
  allowModuleUpload: boolean;
  allowFolderInstall: boolean;
  audit: InstallAudit;
  layout(req: FastifyRequest, reply: FastifyReply, csrfToken: string): Promise<LayoutData>;
}

/** Module strings (settings card label) come from the module's own lang/ folder. */
const cardTranslators = new Map<string, Translator>();
export function moduleTranslator(dir: string, locale: Locale): Translator {
  const key = `${dir}\0${locale}`;
  let tr = cardTranslators.get(key);
  if (!tr) {
    tr = createTranslator(path.join(dir, 'lang'), locale);
    cardTranslators.set(key, tr);
  }
  return tr;
}

function publicRecord(r: ModuleRecord) {
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

export function mountHostPages(app: FastifyInstance, deps: PageDeps): void {
  const { registry, views } = deps;
  const t = (key: string, vars?: Record<string, string | number>) => deps.translator.t(key, vars, deps.locale);
  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    name: string,
    title: string,
    data: Record<string, unknown> = {},
    status = 200,
  ) => {
    const csrfToken = csrfTokenFor(req, reply);
    const layout = await deps.layout(req, reply, csrfToken);
    return html(reply, views.page(name, { flash: takeFlash(req, reply), ...data }, layout, title), status);
  };

  app.get('/', { config: { public: true } }, async (_req, reply) => reply.redirect('/admin/'));
  app.get('/admin', async (_req, reply) => reply.redirect('/admin/'));
  app.get('/admin/', async (_req, reply) => reply.redirect('/admin/modules'));

  // ---- login ----
  const loginPage = (req: FastifyRequest, reply: FastifyReply, error: string | null, status = 200) =>
    html(
      reply,
      views.fragment(
        'login.njk',
        { csrfToken: reply.generateCsrf(), error, next: safeNext((req.query as { next?: string }).next) },
        deps.locale,
      ),
      status,
    );
  app.get('/admin/login', { config: { public: true } }, async (req, reply) => loginPage(req, reply, null));
  app.post('/admin/login', { config: { public: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as { token?: unknown; next?: unknown };
    if (typeof body.token !== 'string' || !sameToken(body.token.trim(), deps.adminToken)) {
      const waitS = await deps.signIn.failed(req);
      if (waitS === null) return loginPage(req, reply, t('login.wrong_token'), 401);
      reply.header('retry-after', String(waitS));
      return loginPage(req, reply, t('login.too_many_failures', { minutes: Math.ceil(waitS / 60) }), 429);
    }
    await startSession(reply, deps.sessions);
    return reply.redirect(safeNext(body.next), 303);
  });
  app.post('/admin/logout', async (req, reply) => {
    await endSession(req, reply, deps.sessions);
    return reply.redirect('/admin/login', 303);
  });

  // ---- modules ----
  /** The modules page; a refused install is shown on it at once with its status (no redirect). */
  const modulesPage = async (req: FastifyRequest, reply: FastifyReply, refused?: { status: number; text: string }) => {
    const records = await registry.list();
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
    return page(req, reply, 'modules.njk', t('modules.title'), { modules, tab: 'installed', installs, ...extra }, refused?.status);
  };
  app.get('/admin/modules', async (req, reply) => modulesPage(req, reply));

  const act = async (uuid: string, action: string): Promise<{ record: ModuleRecord | null; text: string; ok: boolean }> => {
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
  };

  app.post('/admin/module-actions/:uuid/:action', async (req, reply) => {
    const { uuid, action } = req.params as { uuid: string; action: string };
    try {
      const r = await act(uuid, action);
      setFlash(reply, { kind: r.ok ? 'ok' : 'error', text: r.text });
    } catch (err) {
      setFlash(reply, { kind: 'error', text: (err as Error).message });
    }
    return reply.redirect('/admin/modules', 303);
  });

  /** Installs from a folder or a .tgz on the host's disk, when the operator allows it; on record. */
  const installFromHost = async (req: FastifyRequest, source: string): Promise<ModuleRecord> => {
    if (!deps.allowFolderInstall) throw new ModuleError(t('modules.folder_install_off'), 403);
    const archive = /\.(tgz|tar\.gz)$/i.test(source);
    const rec = archive ? await registry.installFromArchive(source) : await registry.installFromFolder(source);
    await deps.audit.record(req, { name: rec.name, version: rec.version, how: archive ? 'host archive' : 'host folder' });
    return rec;
  };

  app.post('/admin/module-install', async (req, reply) => {
    const source = String(((req.body ?? {}) as { source?: unknown }).source ?? '').trim();
    try {
      if (!source) throw new ModuleError(t('modules.install_source_required'));
      const rec = await installFromHost(req, source);
      setFlash(reply, { kind: 'ok', text: t('modules.installed_ok', { name: rec.name }) });
    } catch (err) {
      return modulesPage(req, reply, { status: errorStatus(err), text: (err as Error).message });
    }
    return reply.redirect('/admin/modules', 303);
  });

  app.get('/admin/module-thumbnails/:uuid', async (req, reply) => {
    const rec = await registry.get((req.params as { uuid: string }).uuid);
    const file = rec?.manifest.thumbnail ? safeFile(rec.dir, rec.manifest.thumbnail) : null;
    return file ? sendFile(reply, file) : reply.code(404).send({ error: 'not found' });
  });

  mountHelpdeskPages(app, { helpdesk: deps.helpdesk, views, locale: deps.locale, timeZone: deps.timeZone, t, page });

  mountMarketplaceRoutes(app, {
    marketplace: deps.marketplace,
    registry,
    varDir: deps.varDir,
    uploadLimit: deps.uploadLimit,
    allowModuleUpload: deps.allowModuleUpload,
    audit: deps.audit,
    t,
    locale: deps.locale,
    publicRecord,
    page: (req, reply, name, title, data, status) => page(req, reply, name, title, data, status),
  });

  // ---- JSON API for scripts ----
  app.get('/admin/api/modules', async () => ({ items: (await registry.list()).map(publicRecord) }));
  app.post('/admin/api/modules', async (req, reply) => {
    const source = ((req.body ?? {}) as { source?: unknown }).source;
    if (typeof source !== 'string' || !source.trim())
      return reply.code(400).send({ error: 'source: required (a module folder or a .tgz path on the host)' });
    try {
      const rec = await installFromHost(req, source.trim());
      return reply.code(201).send(publicRecord(rec));
    } catch (err) {
      return reply.code(errorStatus(err)).send({ error: (err as Error).message });
    }
  });
  app.post('/admin/api/modules/:uuid/:action', async (req, reply) => {
    const { uuid, action } = req.params as { uuid: string; action: string };
    if (action !== 'enable' && action !== 'disable') return reply.code(404).send({ error: 'not found' });
    try {
      const r = await act(uuid, action);
      return reply.code(r.ok ? 200 : 422).send(publicRecord(r.record!));
    } catch (err) {
      return reply.code(errorStatus(err)).send({ error: (err as Error).message });
    }
  });
  app.delete('/admin/api/modules/:uuid', async (req, reply) => {
    try {
      await act((req.params as { uuid: string }).uuid, 'uninstall');
      return reply.code(204).send();
    } catch (err) {
      return reply.code(errorStatus(err)).send({ error: (err as Error).message });
    }
  });

  // ---- simulator ----
  app.get('/admin/simulate', async (req, reply) =>
    page(req, reply, 'simulate.njk', t('simulate.title'), {
      events: deps.simulator.events,
      samples: Object.fromEntries(deps.simulator.events.map((e) => [e, JSON.stringify(deps.simulator.sample(e), null, 2)])),
      openTickets: await deps.simulator.openTickets(),
      priorities: ticketPriorities,
    }),
  );
  /** A ticket action's answer: JSON for scripts and the page's script, a message and a redirect for a plain form. */
  const ticketAnswer = (req: FastifyRequest, reply: FastifyReply, answer: TicketAnswer) => {
    if (wantsJson(req) || !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return reply.code(answer.status).send(answer.body);
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
  };
  const refuse = (req: FastifyRequest, reply: FastifyReply, error: string) =>
    ticketAnswer(req, reply, { status: 400, body: { error, reason: 'invalid' } });
  app.post('/admin/simulate/continue', async (req, reply) => {
    const r = continueRequestOf(req.body);
    return typeof r === 'string' ? refuse(req, reply, r) : ticketAnswer(req, reply, await deps.simulator.continueTicket(r));
  });
  app.post('/admin/simulate/conversation', async (req, reply) => {
    const r = conversationRequestOf(req.body);
    return typeof r === 'string' ? refuse(req, reply, r) : ticketAnswer(req, reply, await deps.simulator.conversation(r));
  });
  app.post('/admin/simulate/:event', { bodyLimit: 2 * 1024 * 1024 }, async (req, reply) => {
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
  });

  // ---- notifications ----
  app.get('/admin/notifications', async (req, reply) => {
    const dtf = new Intl.DateTimeFormat(deps.locale === 'fr' ? 'fr-FR' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: deps.timeZone,
    });
    return page(req, reply, 'notifications.njk', t('notifications.title'), {
      items: await deps.notifications.list(),
      fmt: (ms: number) => dtf.format(ms),
    });
  });
  app.post('/admin/notifications/read', async (_req, reply) => {
    await deps.notifications.markAllRead();
    return reply.redirect('/admin/notifications', 303);
  });

  // ---- the host's own script (simulator page) ----
  app.get('/admin/host-assets/:file', { config: { public: true } }, async (req, reply) => {
    const file = safeFile(path.join(hostViewsDir, 'assets'), (req.params as { file: string }).file);
    return file ? sendFile(reply, file) : reply.code(404).send({ error: 'not found' });
  });
}

/** Where to go after signing in: only a path inside /admin. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/admin') && !next.startsWith('//') && !next.includes('\\') ? next : '/admin/modules';
}
