/**
 * createHost(options): the reference host, programmatically. Opens the database, runs the
 * host's migrations, starts the bus, the module registry (booting modules saved as enabled)
 * and the HTTP server. Tests use `port: 0`, a `varDir` of their own and a log sink.
 */
import 'reflect-metadata';
import path from 'node:path';
import eventemitter2, { type EventEmitter2 as Bus } from 'eventemitter2';
import type { Knex } from 'knex';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import { container as rootContainer } from 'tsyringe';
import fs from 'node:fs';
import type { Clock, HostProfile, InboxReceiver, Locale, Logger } from '../sdk/module-context.js';
import { generateSecret, loadOrCreateAppKey } from './config.js';
import { buildModuleContext } from './context/build-context.js';
import { sdkLogger } from './context/logger.js';
import { NotificationStore } from './context/notifications-store.js';
import { createTranslator } from './context/translator.js';
import { connectDatabase, databaseKind, sqliteFileOf } from './db/connect-database.js';
import { chooseSqliteDriver } from './db/sqlite-driver.js';
import { startWalCheckpointer, type WalCheckpointer } from './db/wal-checkpointer.js';
import { migrateHost } from './db/host-migrations.js';
import { cookieSecret, SESSION_MAX_AGE_S } from './http/auth.js';
import { createServer, type RouteInfo } from './http/create-server.js';
import { HostViews } from './http/host-views.js';
import { SessionStore } from './http/session-store.js';
import { defaultSignInLimits, type SignInLimits } from './http/sign-in-limiter.js';
import { Simulator } from './http/simulator.js';
import { defaultArchiveLimits, type ArchiveLimits } from './modules/module-archive.js';
import { DEFAULT_MODULE_TIMEOUT_MS, ModuleRegistry } from './modules/module-registry.js';
import { MarketplaceClient } from './marketplace/marketplace-client.js';
import { MarketplaceService } from './marketplace/marketplace-service.js';
import { defaultVarDir, hostLangDir } from './paths.js';
import { createSecrets } from './security/secrets.js';
import { HOST_VERSION } from './version.js';
import { HelpdeskService } from './helpdesk/helpdesk-service.js';
import { HelpdeskStore } from './helpdesk/helpdesk-store.js';

export interface HostOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  bindAddress?: string;
  /** Default `sqlite:<varDir>/host.db`. */
  databaseUrl?: string;
  /** Default: generated (read it back from the returned host). */
  adminToken?: string;
  /** Default: read or created in `<varDir>/app.key`. */
  appKey?: string;
  /** Keys sealed values may still be under after a rotation (APP_PREVIOUS_KEYS), tried after appKey. */
  previousAppKeys?: string[];
  locale?: Locale;
  timeZone?: string;
  /** Default production. development lets modules reach loopback addresses (a local test sink). */
  profile?: HostProfile;
  logLevel?: string;
  /** Data folder (SQLite file, app.key, extracted modules). Keep it inside the repository for archives. */
  varDir?: string;
  /** A pino logger to use as is. */
  logger?: Pino;
  /** Where log lines go when `logger` is not given (default stdout). */
  logDestination?: DestinationStream;
  clock?: Clock;
  /** Permissions of the admin (default ['*'], all). */
  adminPermissions?: string[];
  allowPrivateNetworks?: boolean;
  /** The chat platforms' Web APIs (SLACK_API_BASE, DISCORD_API_BASE): a local receiver in tests. */
  chatApiBases?: { slack?: string; discord?: string };
  /** Register the modules saved as enabled (default true). */
  bootModules?: boolean;
  /** What an installed .tgz may expand to (default 50 MB in 5,000 files and folders). */
  moduleArchiveLimits?: Partial<ArchiveLimits>;
  /** Failed sign-ins (login form, bearer token) per address before 429 (default 10 per 15 minutes). */
  signInLimits?: Partial<SignInLimits>;
  /** The npm-compatible registry the Marketplace tab lists and installs from (none: the tab says so). */
  marketplace?: { registry: string; token?: string; timeoutMs?: number } | null;
  /** Admins may upload module archives (default: in the development profile only). */
  allowModuleUpload?: boolean;
  /** Admins may install from a folder or a .tgz on the host's disk (default: in the development profile only). */
  allowFolderInstall?: boolean;
  /** Production cookies without `Secure` (a plain-http trial; a warning is logged at start). */
  insecureCookies?: boolean;
  /** Fastify's trustProxy: proxy addresses or CIDRs whose X-Forwarded-* headers are believed (default none). */
  trustProxy?: string | null;
  /** How long a module's import, migrations, register() or shutdown() may take (default 30 s). */
  moduleTimeoutMs?: number;
  /** The host's address as staff reach it, for links in events (default its listening address). */
  publicUrl?: string;
  /** The local inbox modules may link to (development profile only; the CLI starts one). */
  inboxUrl?: string;
  /**
   * The inbox's receivers that stand in for chat platforms (development profile only): a webhook
   * URL starting with `urlPrefix` is answered the way `platform`'s service answers.
   */
  inboxReceivers?: InboxReceiver[];
  /**
   * Module folders installed and enabled on the first start of this data folder, before the host
   * listens: nobody ever sees their pages answer 404 while they are mounted. Later starts follow
   * the saved state (a module the admin disabled or removed stays so).
   */
  firstBootModules?: string[];
}

/** Saved once the first-boot modules were installed (the CLI's key, kept for existing data folders). */
const FIRST_BOOT_KEY = 'cli.first-boot-done';

export interface Host {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  adminToken: string;
  bus: Bus;
  db: Knex;
  modules: ModuleRegistry;
  logger: Pino;
  varDir: string;
  /** Host-scoped settings (first-boot marker and such). */
  hostSettings: { get<T>(key: string, fallback: T): Promise<T>; set(key: string, value: unknown): Promise<void> };
  /** The reference host's helpdesk (tickets, staff), also given to modules as ctx.helpdesk. */
  helpdesk: HelpdeskService;
  /** Every route the HTTP router can match, and whether it is public (tests walk it). */
  routes: readonly RouteInfo[];
  close(): Promise<void>;
}

export async function createHost(options: HostOptions = {}): Promise<Host> {
  const varDir = path.resolve(options.varDir ?? defaultVarDir);
  const locale = options.locale ?? 'fr';
  const profile = options.profile ?? 'production';
  const clock = options.clock ?? { now: () => Date.now() };
  const now = () => clock.now();
  const logger =
    options.logger ?? pino({ level: options.logLevel ?? 'info', base: { app: 'host' } }, options.logDestination ?? pino.destination(1));
  const adminToken = options.adminToken ?? generateSecret(24);
  const appKey = options.appKey ?? loadOrCreateAppKey(varDir);
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.join(varDir, 'host.db')}`;
  const db = connectDatabase(databaseUrl);
  const log = sdkLogger(logger);
  let checkpointer: WalCheckpointer | null = null;
  const closeDatabase = async () => {
    await checkpointer?.stop();
    await db.destroy();
  };

  try {
    await migrateHost(db);
  } catch (err) {
    await closeDatabase();
    throw new Error(`host: could not prepare the database: ${(err as Error).message}`, { cause: err });
  }
  // Once the database is set up (in WAL mode): from here its checkpoints run on their own thread.
  if (databaseKind(databaseUrl) === 'sqlite' && sqliteFileOf(databaseUrl) !== ':memory:')
    checkpointer = startWalCheckpointer(db, path.resolve(sqliteFileOf(databaseUrl)), chooseSqliteDriver(), log);

  // eventemitter2 is CommonJS: its class is on the default export under Node's ESM loader.
  const bus: Bus = new eventemitter2.EventEmitter2({ wildcard: true, delimiter: '.', maxListeners: 100, ignoreErrors: true });
  const translator = createTranslator(hostLangDir, locale);
  const views = new HostViews(translator);
  const notifications = new NotificationStore(db, now);
  const secrets = createSecrets(appKey, options.previousAppKeys ?? []);
  // The helpdesk's links name the host's address, known once it listens.
  let baseUrl = options.publicUrl ?? '';
  const helpdesk = new HelpdeskService(new HelpdeskStore(db), bus, now, () => baseUrl, log);
  const dev = profile === 'development';
  const services = {
    helpdesk,
    // The reference host's tools, offered to modules in development only.
    hostLinks: {
      simulator: dev ? '/admin/simulate' : null,
      inbox: dev ? (options.inboxUrl ?? null) : null,
      receivers: dev ? (options.inboxReceivers ?? []) : [],
    },
    db,
    pino: logger,
    secrets,
    clock,
    locale,
    timeZone: options.timeZone ?? 'Europe/Paris',
    profile,
    hostVersion: HOST_VERSION,
    allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    chatApiBases: options.chatApiBases ?? {},
    notifications,
    views,
  };
  const insecureCookies = profile === 'production' && options.insecureCookies === true;
  if (insecureCookies)
    log.warn('host: HOST_INSECURE_COOKIES is set: the production profile sends its session cookie without Secure (plain-http trial only)');
  const modules = new ModuleRegistry({
    db,
    bus,
    timeoutMs: options.moduleTimeoutMs ?? DEFAULT_MODULE_TIMEOUT_MS,
    container: rootContainer,
    hostVersion: HOST_VERSION,
    varDir,
    archiveLimits: { ...defaultArchiveLimits, ...options.moduleArchiveLimits },
    logger: log,
    now,
    buildContext: (parts) => buildModuleContext(services, parts),
    onFailure: (uuid, name, error) =>
      notifications.add('host', {
        level: 'error',
        title: translator.t('notifications.module_failed', { name }),
        body: error,
        href: '/admin/modules',
      }),
    onUpdateFailure: (uuid, name, from, to, error) =>
      notifications.add('host', {
        level: 'error',
        title: translator.t('notifications.module_update_failed', { name, from, to }),
        body: error,
        href: '/admin/modules',
      }),
  });
  const marketplace = new MarketplaceService(
    options.marketplace
      ? new MarketplaceClient({ ...options.marketplace, cacheDir: path.join(varDir, 'cache', 'npm') }, HOST_VERSION)
      : null,
    modules,
    varDir,
  );
  const simulator = new Simulator(bus, now, helpdesk, locale);
  const { app, routes } = await createServer({
    registry: modules,
    marketplace,
    varDir,
    uploadLimit: (options.moduleArchiveLimits?.maxBytes ?? defaultArchiveLimits.maxBytes) + 1024 * 1024,
    views,
    translator,
    notifications,
    simulator,
    helpdesk,
    adminToken,
    cookieSecret: cookieSecret(appKey, adminToken),
    sessions: new SessionStore(db, now, SESSION_MAX_AGE_S * 1000),
    signInLimits: { ...defaultSignInLimits, ...options.signInLimits },
    locale,
    timeZone: services.timeZone,
    profile,
    adminPermissions: options.adminPermissions ?? ['*'],
    pino: logger,
    now,
    allowModuleUpload: options.allowModuleUpload ?? profile === 'development',
    allowFolderInstall: options.allowFolderInstall ?? profile === 'development',
    secureCookies: profile === 'production' && !insecureCookies,
    trustProxy: options.trustProxy ?? null,
  });

  if (options.bootModules !== false) await modules.bootEnabled();
  const { createSettings } = await import('./context/settings-store.js');
  const hostSettings = createSettings(db, '_host', now);
  if (options.firstBootModules?.length && !(await hostSettings.get(FIRST_BOOT_KEY, false))) {
    await installFirstBootModules(modules, options.firstBootModules, log);
    await hostSettings.set(FIRST_BOOT_KEY, true);
  }

  const bind = options.bindAddress ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 8080, host: bind });
  } catch (err) {
    await modules.stopAll();
    await closeDatabase();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
  const shownHost = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;
  baseUrl ||= `http://${shownHost}:${port}`;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    adminToken,
    bus,
    db,
    modules,
    logger,
    varDir,
    hostSettings,
    routes,
    helpdesk,
    close() {
      closed ??= (async () => {
        await app.close();
        await modules.stopAll();
        bus.removeAllListeners();
        await closeDatabase();
      })();
      return closed;
    },
  };
}

/** Installs and enables each folder's module unless it is installed already; a failure is logged, not thrown. */
async function installFirstBootModules(modules: ModuleRegistry, folders: string[], log: Logger): Promise<void> {
  for (const folder of folders) {
    let uuid = folder;
    try {
      uuid = (JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as { uuid: string }).uuid;
      if (await modules.get(uuid)) continue;
      await modules.installFromFolder(folder);
      const rec = await modules.enable(uuid);
      if (rec.error) log.error(`module ${uuid}: could not start: ${rec.error}`);
    } catch (err) {
      log.error(`module ${uuid}: not installed: ${(err as Error).message}`);
    }
  }
}
