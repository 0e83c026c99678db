/**
 * What a host gives a module, and what a module's entry exports.
 * Types only: a module depends on this file, never on the host's code.
 */
import type { HelpdeskPort } from './helpdesk.js';
import type { PublicRouter } from './public-routes.js';
import type { DependencyContainer } from 'tsyringe';
import type { EventEmitter2 } from 'eventemitter2';
import type { Knex } from 'knex';
import type { ModuleManifest } from './manifest.js';

export type Locale = 'fr' | 'en';
export type HostProfile = 'development' | 'production';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Module-scoped key/value settings persisted by the host (JSON values). */
export interface ModuleSettings {
  get<T = unknown>(key: string, fallback: T): Promise<T>;
  set(key: string, value: unknown): Promise<void>;
  all(): Promise<Record<string, unknown>>;
}

/**
 * Symmetric encryption with the host's APP_KEY (authenticated; throws on tampered input). After a
 * key rotation the host may still open values sealed with its previous keys (APP_PREVIOUS_KEYS).
 */
export interface Secrets {
  /** Seals with the current key. */
  encrypt(plain: string): string;
  /** Opens a value sealed with the current key or a previous one; throws when no key opens it. */
  decrypt(sealed: string): string;
  /**
   * Which key opens `sealed`, without handing out the plain text: the current one, only a previous
   * one (store `encrypt(decrypt(sealed))` in its place), or none. Optional: a host without key
   * rotation leaves it out.
   */
  whichKey?(sealed: string): 'current' | 'previous' | 'none';
}

export interface Translator {
  /** The host's locale. */
  readonly locale: Locale;
  /** Looks `key` up in the module's `lang/<locale>.json`, replacing `{name}` with vars. Missing keys return the key. */
  t(key: string, vars?: Record<string, string | number>, locale?: Locale): string;
}

export interface AdminUser {
  name: string;
  permissions: string[];
}

export interface AdminRequest {
  method: string;
  /** Path params, e.g. `{id: '3'}` for `/webhooks/:id`. */
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  /** Parsed JSON or form body (forms: repeated fields arrive as arrays). */
  body: unknown;
  user: AdminUser;
  locale: Locale;
  /** Token to put in a hidden `_csrf` field of every form the page renders. */
  csrfToken: string;
  /** True when the route was reached under the JSON API prefix (`/api/...`). */
  isApi: boolean;
}

export type AdminResponse =
  | { status?: number; json: unknown }
  | { status?: number; html: string }
  | { status?: number; redirect: string }
  /**
   * Plain text (an API route's machine-readable answer, e.g. Prometheus' text format). The host
   * sends `contentType` when it is a `text/plain` type (its parameters kept), else `text/plain; charset=utf-8`.
   */
  | { status?: number; text: string; contentType?: string };

export type AdminHandler = (req: AdminRequest) => Promise<AdminResponse> | AdminResponse;

/**
 * Routes a module mounts in the admin area. Page routes live under
 * `/admin/modules/<uuid>/` and API routes under `/admin/modules/<uuid>/api/`; the host
 * authenticates (session or bearer token), checks the module's permissions, and checks CSRF
 * tokens on every non-GET form request before the handler runs.
 */
export interface AdminRouter {
  /** Base URL of the module's pages, e.g. `/admin/modules/webhooks`. */
  readonly basePath: string;
  page(method: 'GET' | 'POST', path: string, handler: AdminHandler): void;
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, handler: AdminHandler): void;
}

export interface Views {
  /**
   * Renders `views/<name>` of the module (nunjucks, autoescaped) inside the host's layout.
   * `data.t` is the translator; `data.csrfToken` and `data.basePath` are always available.
   */
  render(name: string, data: Record<string, unknown>, req: AdminRequest, opts?: { title?: string }): string;
}

export interface HostNotification {
  level: 'info' | 'warning' | 'error';
  title: string;
  body: string;
  /** A link into the admin area to act on it. */
  href?: string;
}

export interface HostNotifications {
  notify(notification: HostNotification): Promise<void>;
}

export interface NetworkPolicy {
  /** True in the development profile: loopback targets (a local test sink) are allowed. */
  allowLoopback: boolean;
  /** True only when the host operator opts in: RFC 1918, link-local, etc. */
  allowPrivate: boolean;
}

/** The host's own tools a module may link to; null where the host has none (a production CMS). */
export interface HostLinks {
  /** Base path of the host's event simulator: `POST <simulator>/<event>` fires a sample. */
  simulator: string | null;
  /** A local inbox that stands in for the chat platforms (the reference host in development). */
  inbox: string | null;
  /**
   * The inbox's receivers: which of its URLs answer like which platform's webhooks (empty when
   * the host offers none). A module may treat a URL starting with `urlPrefix` as `platform`'s.
   */
  receivers: InboxReceiver[];
}

export interface InboxReceiver {
  /** A platform id as modules name them (`discord`, `slack`, `google-chat`…). */
  platform: string;
  /** Webhook URLs on this receiver start with it (origin and path, ending with `/`). */
  urlPrefix: string;
  /** One complete webhook URL on this receiver, ready to paste. */
  example: string;
}

/**
 * Where the chat platforms' Web APIs are (`https://slack.com/api`, `https://discord.com/api/v10`
 * when absent). A host points them at a local receiver for tests and demos (the reference host:
 * SLACK_API_BASE, DISCORD_API_BASE); a production CMS leaves them out.
 */
export interface ChatApiBases {
  slack?: string;
  discord?: string;
}

export interface ModuleContext {
  manifest: ModuleManifest;
  /** Folder the module was installed in (holds manifest.json, views/, lang/). */
  moduleDir: string;
  hostVersion: string;
  profile: HostProfile;
  /** A tsyringe child container: register the module's services here. */
  container: DependencyContainer;
  /** The host's event bus (eventemitter2, wildcards on, delimiter '.'). */
  bus: EventEmitter2;
  /** The host's database; the module's migrations have run before register(). */
  db: Knex;
  /** Time zone the host displays dates in (IANA, e.g. Europe/Paris). */
  timeZone: string;
  settings: ModuleSettings;
  admin: AdminRouter;
  views: Views;
  i18n: Translator;
  logger: Logger;
  secrets: Secrets;
  clock: Clock;
  notifications: HostNotifications;
  network: NetworkPolicy;
  /** Routes outside the admin for signed callbacks (chat platforms): see public-routes.ts. */
  publicRoutes: PublicRouter;
  /** The host's helpdesk, when it has one: staff actions taken from elsewhere (a chat). */
  helpdesk: HelpdeskPort | null;
  hostLinks: HostLinks;
  /** Optional: absent on hosts written before it (the real APIs are used). */
  chatApiBases?: ChatApiBases;
}

/** A module's running instance, returned by register(); the host calls shutdown() on disable and on exit. */
export interface ModuleInstance {
  shutdown?(): Promise<void>;
}

export interface ModuleMigration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** What the file named by `manifest.entry` exports. */
export interface ModuleEntry {
  /** Ordered; the host runs them on enable and rolls them back on uninstall. */
  migrations: ModuleMigration[];
  register(ctx: ModuleContext): Promise<ModuleInstance | void>;
  /** Optional module-wide shutdown, called after each instance's own. */
  shutdown?(): Promise<void>;
}
