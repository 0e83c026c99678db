/**
 * The host's configuration, read from the environment. Secrets that are not given are made:
 * the admin token anew at each start (printed by the CLI), the APP_KEY once and kept in
 * `<varDir>/app.key`, since data sealed with it must stay readable after a restart.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HostProfile, Locale } from '../sdk/module-context.js';
import { defaultVarDir } from './paths.js';

export interface HostConfig {
  port: number;
  /** Address the HTTP server binds to (HOST_BIND, default 127.0.0.1). */
  bindAddress: string;
  databaseUrl: string;
  adminToken: string;
  /** True when ADMIN_TOKEN was unset and a token was generated for this run. */
  adminTokenGenerated: boolean;
  appKey: string;
  /** APP_PREVIOUS_KEYS: keys values may still be sealed with, tried after appKey (key rotation). */
  previousAppKeys: string[];
  locale: Locale;
  timeZone: string;
  profile: HostProfile;
  logLevel: string;
  varDir: string;
  /** SLACK_API_BASE, DISCORD_API_BASE: the chat platforms' Web APIs (a local receiver in tests). */
  chatApiBases: { slack?: string; discord?: string };
  /** ALLOW_PRIVATE_NETWORKS=1: modules may call RFC 1918 / link-local addresses. */
  allowPrivateNetworks: boolean;
  /** MODULE_ARCHIVE_MAX_MB (default 50) and MODULE_ARCHIVE_MAX_FILES (default 5000): what an installed .tgz may expand to. */
  moduleArchiveLimits: { maxBytes: number; maxEntries: number };
  /** SIGNIN_MAX_FAILURES (default 10) per SIGNIN_WINDOW_MIN (default 15) minutes, per address, before 429. */
  signInLimits: { max: number; windowMs: number };
  /** HOST_ALLOW_MODULE_UPLOAD=1: admins may upload module archives (default: on in development only). */
  allowModuleUpload: boolean;
  /** HOST_ALLOW_FOLDER_INSTALL=1: admins may install a module from a folder or .tgz on the host (default: development only). */
  allowFolderInstall: boolean;
  /** HOST_INSECURE_COOKIES=1: production cookies without `Secure`, for a plain-http trial (warned at start). */
  insecureCookies: boolean;
  /**
   * HOST_TRUST_PROXY: whose X-Forwarded-* headers to believe. `1`: a proxy on this machine
   * (loopback); or a comma list of proxy addresses, CIDRs or proxy-addr's names (`uniquelocal`).
   * null: nobody's.
   */
  trustProxy: string | null;
  /** HOST_MODULE_TIMEOUT_S (default 30): how long a module's import, migrations, register() or shutdown() may take. */
  moduleTimeoutMs: number;
  /** MARKETPLACE_REGISTRY (an npm-compatible registry URL), MARKETPLACE_TOKEN, MARKETPLACE_TIMEOUT_S (default 15); null when unset. */
  marketplace: { registry: string; token?: string; timeoutMs: number } | null;
}

export class ConfigError extends Error {}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function generateSecret(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** Reads `<varDir>/app.key`, creating it (mode 0600) with a fresh key the first time. */
export function loadOrCreateAppKey(varDir: string): string {
  const file = path.join(varDir, 'app.key');
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key) return key;
  }
  fs.mkdirSync(varDir, { recursive: true });
  const key = generateSecret();
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

/** APP_PREVIOUS_KEYS is comma-separated (Laravel's format); blanks around and between are ignored. */
export function parsePreviousKeys(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
}

/** An API base URL (http or https, no credentials, no query), without its trailing slash; undefined when unset. */
function apiBase(name: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(`${name}: not a URL`);
  }
  if (!/^https?:$/.test(u.protocol) || u.username || u.password || u.search || u.hash)
    throw new ConfigError(`${name}: an http(s) base URL without credentials, query or fragment`);
  return u.href.replace(/\/+$/, '');
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw new ConfigError(`${name}: must be a whole number of at least 1 (got "${value}")`);
  return Number(value);
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new ConfigError(`${name}: must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`${name}: must be 1 or 0 (got "${value.slice(0, 40)}")`);
}

function trustProxyOf(value: string | undefined): string | null {
  const v = value?.trim();
  if (!v || v === '0' || v === 'false') return null;
  if (v === '1' || v === 'true') return 'loopback';
  if (!/^[\w.:/,\s]+$/.test(v))
    throw new ConfigError(
      `HOST_TRUST_PROXY: must be 1 (a proxy on this machine) or a comma list of proxy addresses or CIDRs (got "${v.slice(0, 60)}")`,
    );
  return v;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { varDir?: string; defaultProfile?: HostProfile } = {}): HostConfig {
  const varDir = path.resolve(opts.varDir ?? env.HOST_VAR_DIR ?? defaultVarDir);
  const portText = env.PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`PORT: must be a number from 0 to 65535 (got "${portText}")`);
  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(varDir, 'host.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/|mariadb:\/\/)/i.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL: must start with sqlite:, postgres://, mysql:// or mariadb://');
  }
  const timeZone = env.HOST_TIMEZONE || 'Europe/Paris';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ConfigError(`HOST_TIMEZONE: unknown IANA time zone "${timeZone}"`);
  }
  const adminToken = env.ADMIN_TOKEN || '';
  if (adminToken && adminToken.length < 12) throw new ConfigError('ADMIN_TOKEN: must be at least 12 characters');
  const registry = env.MARKETPLACE_REGISTRY?.trim();
  if (registry) {
    let u: URL;
    try {
      u = new URL(registry);
    } catch {
      throw new ConfigError(`MARKETPLACE_REGISTRY: must be an http(s) URL (got "${registry}")`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new ConfigError(`MARKETPLACE_REGISTRY: must be an http(s) URL (got "${registry}")`);
    if (u.username || u.password) throw new ConfigError('MARKETPLACE_REGISTRY: put the credentials in MARKETPLACE_TOKEN, not in the URL');
  }
  const profile = oneOf('HOST_PROFILE', env.HOST_PROFILE, ['development', 'production'] as const, opts.defaultProfile ?? 'production');
  const dev = profile === 'development';
  return {
    port,
    bindAddress: env.HOST_BIND || '127.0.0.1',
    databaseUrl,
    adminToken: adminToken || generateSecret(24),
    adminTokenGenerated: !adminToken,
    appKey: env.APP_KEY || loadOrCreateAppKey(varDir),
    previousAppKeys: parsePreviousKeys(env.APP_PREVIOUS_KEYS),
    locale: oneOf('HOST_LOCALE', env.HOST_LOCALE, ['fr', 'en'] as const, 'fr'),
    timeZone,
    profile,
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL, logLevels, 'info'),
    varDir,
    chatApiBases: { slack: apiBase('SLACK_API_BASE', env.SLACK_API_BASE), discord: apiBase('DISCORD_API_BASE', env.DISCORD_API_BASE) },
    allowPrivateNetworks: env.ALLOW_PRIVATE_NETWORKS === '1' || env.ALLOW_PRIVATE_NETWORKS === 'true',
    moduleArchiveLimits: {
      maxBytes: positiveInt('MODULE_ARCHIVE_MAX_MB', env.MODULE_ARCHIVE_MAX_MB, 50) * 1024 * 1024,
      maxEntries: positiveInt('MODULE_ARCHIVE_MAX_FILES', env.MODULE_ARCHIVE_MAX_FILES, 5000),
    },
    signInLimits: {
      max: positiveInt('SIGNIN_MAX_FAILURES', env.SIGNIN_MAX_FAILURES, 10),
      windowMs: positiveInt('SIGNIN_WINDOW_MIN', env.SIGNIN_WINDOW_MIN, 15) * 60_000,
    },
    allowModuleUpload: flag('HOST_ALLOW_MODULE_UPLOAD', env.HOST_ALLOW_MODULE_UPLOAD, dev),
    allowFolderInstall: flag('HOST_ALLOW_FOLDER_INSTALL', env.HOST_ALLOW_FOLDER_INSTALL, dev),
    insecureCookies: flag('HOST_INSECURE_COOKIES', env.HOST_INSECURE_COOKIES, false),
    trustProxy: trustProxyOf(env.HOST_TRUST_PROXY),
    moduleTimeoutMs: positiveInt('HOST_MODULE_TIMEOUT_S', env.HOST_MODULE_TIMEOUT_S, 30) * 1000,
    marketplace: registry
      ? {
          registry,
          token: env.MARKETPLACE_TOKEN || undefined,
          timeoutMs: positiveInt('MARKETPLACE_TIMEOUT_S', env.MARKETPLACE_TIMEOUT_S, 15) * 1000,
        }
      : null,
  };
}
