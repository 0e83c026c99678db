/**
 * The host's marketplace: an npm-compatible registry (MARKETPLACE_REGISTRY: the public one, a
 * company's, Verdaccio, GitHub Packages…) spoken to with npm's own libraries: npm-registry-fetch
 * for the search, pacote for packuments and tarballs (it verifies each tarball against the
 * packument's `dist.integrity` while it downloads), ssri to check the bytes once more before
 * they are written. Every call is bounded in time; each refusal says which rule refused it.
 */
import path from 'node:path';
import npmFetch from 'npm-registry-fetch';
import pacote, { type Packument, type PacoteOptions } from 'pacote';
import semver from 'semver';
import ssri from 'ssri';
import { MODULE_KEYWORD } from '../modules/module-package.js';

export interface MarketplaceConfig {
  /** Registry URL, e.g. https://registry.npmjs.org/ or http://127.0.0.1:4873/ */
  registry: string;
  /** Bearer token for a private registry (sent to the registry's own host only). */
  token?: string;
  /** Bound for one registry call, download included (default 15 s). */
  timeoutMs?: number;
  /** pacote's cache folder (default `<varDir>/cache/npm`). */
  cacheDir: string;
}

export type MarketplaceRefusal = 'not-configured' | 'unreachable' | 'not-found' | 'integrity' | 'incompatible' | 'invalid';

/** A refusal; `status` is what the API answers, `reason` which rule refused. */
export class MarketplaceError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: MarketplaceRefusal,
  ) {
    super(message);
    this.name = 'MarketplaceError';
  }
}

export interface MarketplaceVersion {
  version: string;
  /** prerequisites.host announced in the package.json (`clientx`), null when it announces none. */
  hostRange: string | null;
  compatible: boolean;
}

export interface MarketplacePackage {
  name: string;
  /** The module uuid announced in package.json (`clientx.uuid`). */
  uuid: string | null;
  title: string;
  description: string;
  /** The description by locale, when the package gives them (`clientx.descriptions`). */
  descriptions: Record<string, string>;
  author: string;
  /** A data: URI (png or svg) or an https URL, or null. */
  thumbnail: string | null;
  latest: string;
  /** The newest version whose prerequisites.host this host satisfies, or null. */
  compatible: string | null;
  versions: MarketplaceVersion[];
}

export interface FetchedTarball {
  name: string;
  version: string;
  integrity: string;
  data: Buffer;
}

type Json = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `//host[:port]/path/`, how npm keys credentials by registry. */
function nerfDart(url: string): string {
  const u = new URL(url);
  return `//${u.host}${u.pathname.endsWith('/') ? u.pathname : u.pathname + '/'}`;
}

function authorText(author: unknown): string {
  if (typeof author === 'string') return author.replace(/\s*<[^>]*>/, '');
  return str((author as Json | undefined)?.name);
}

/** Only images that cannot run anything in an <img>: data: png/svg/jpeg/webp, or https. */
function safeThumbnail(v: unknown): string | null {
  const s = str(v);
  if (/^data:image\/(png|svg\+xml|jpeg|webp);base64,[A-Za-z0-9+/=]+$/.test(s) && s.length <= 64 * 1024) return s;
  if (/^https:\/\/[^\s"'<>]+$/.test(s)) return s;
  return null;
}

/** `{fr: "…", en: "…"}`: locale keys, strings of at most 2,000 characters; anything else dropped. */
function descriptionsOf(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v as Json).filter(([k, d]) => /^[a-z]{2}(-[A-Z]{2})?$/.test(k) && typeof d === 'string' && d.length <= 2000),
  ) as Record<string, string>;
}

export class MarketplaceClient {
  readonly registry: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: MarketplaceConfig,
    private readonly hostVersion: string,
  ) {
    const u = new URL(config.registry);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new Error(`MARKETPLACE_REGISTRY: must be an http(s) URL (got "${config.registry}")`);
    if (u.username || u.password) throw new Error('MARKETPLACE_REGISTRY: put credentials in MARKETPLACE_TOKEN, not in the URL');
    this.registry = u.href.endsWith('/') ? u.href : u.href + '/';
    this.timeoutMs = config.timeoutMs ?? 15_000;
  }

  private options(extra: PacoteOptions = {}): PacoteOptions {
    const opts: PacoteOptions = {
      registry: this.registry,
      timeout: this.timeoutMs,
      fetchRetries: 0,
      cache: path.join(this.config.cacheDir),
      preferOnline: true,
      ...extra,
    };
    if (this.config.token) opts[`${nerfDart(this.registry)}:_authToken`] = this.config.token;
    return opts;
  }

  /** Runs one registry call within the bound, turning npm's errors into refusals that say which. */
  private async call<T>(what: string, job: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new MarketplaceError(
              `marketplace: the registry ${this.registry} did not answer within ${this.timeoutMs / 1000} s (${what})`,
              504,
              'unreachable',
            ),
          ),
        this.timeoutMs,
      );
    });
    const work = job();
    work.catch(() => undefined);
    try {
      return await Promise.race([work, deadline]);
    } catch (err) {
      throw this.explain(err, what);
    } finally {
      clearTimeout(timer);
    }
  }

  private explain(err: unknown, what: string): Error {
    if (err instanceof MarketplaceError) return err;
    const e = err as Error & { code?: string; statusCode?: number; type?: string };
    if (e.code === 'EINTEGRITY')
      return new MarketplaceError(
        `marketplace: ${what} refused: the tarball does not match the registry's integrity (dist.integrity); nothing was extracted`,
        422,
        'integrity',
      );
    if (e.code === 'E404' || e.statusCode === 404)
      return new MarketplaceError(`marketplace: ${what}: not found on ${this.registry}`, 404, 'not-found');
    if (e.code === 'ETARGET') return new MarketplaceError(`marketplace: ${what}: no such version on ${this.registry}`, 404, 'not-found');
    if (e.statusCode === 401 || e.statusCode === 403 || e.code === 'E401' || e.code === 'E403')
      return new MarketplaceError(
        `marketplace: ${what}: the registry ${this.registry} refused access (${e.statusCode ?? e.code}); check MARKETPLACE_TOKEN`,
        502,
        'unreachable',
      );
    if (e.type === 'request-timeout' || e.code === 'ETIMEDOUT' || e.code === 'ERR_SOCKET_TIMEOUT')
      return new MarketplaceError(
        `marketplace: the registry ${this.registry} did not answer within ${this.timeoutMs / 1000} s (${what})`,
        504,
        'unreachable',
      );
    if (e.code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(e.code))
      return new MarketplaceError(`marketplace: the registry ${this.registry} cannot be reached (${e.code}) (${what})`, 502, 'unreachable');
    if (typeof e.statusCode === 'number' && e.statusCode >= 500)
      return new MarketplaceError(`marketplace: the registry ${this.registry} failed (${e.statusCode}) (${what})`, 502, 'unreachable');
    return new MarketplaceError(`marketplace: ${what}: ${e.message ?? String(err)}`, 502, 'unreachable');
  }

  private compatibleWith(range: string | null): boolean {
    return range !== null && semver.validRange(range) !== null && semver.satisfies(this.hostVersion, range, { includePrerelease: true });
  }

  private describe(doc: Packument): MarketplacePackage {
    const versions = Object.values(doc.versions)
      .filter((v) => semver.valid(v.version))
      .sort((a, b) => semver.rcompare(a.version, b.version))
      .map((v) => {
        const range = str(((v.clientx as Json | undefined)?.prerequisites as Json | undefined)?.host) || null;
        return { version: v.version, hostRange: range, compatible: this.compatibleWith(range) };
      });
    const latest = doc['dist-tags']?.latest ?? versions[0]?.version ?? '';
    const top = doc.versions[latest] ?? {};
    const cx = (top.clientx ?? {}) as Json;
    return {
      name: doc.name,
      uuid: str(cx.uuid) || null,
      title: str(cx.name) || doc.name,
      description: str(top.description),
      descriptions: descriptionsOf(cx.descriptions),
      author: authorText(top.author),
      thumbnail: safeThumbnail(cx.thumbnail),
      latest,
      compatible: versions.find((v) => v.compatible && !semver.prerelease(v.version))?.version ?? null,
      versions,
    };
  }

  /** The packages with the `clientx-module` keyword, newest first within each. */
  async list(): Promise<MarketplacePackage[]> {
    const search = (text: string) =>
      this.call('search', async () => {
        const res = (await npmFetch.json('/-/v1/search', { ...this.options(), query: { text, size: 250 } })) as {
          objects?: Array<{ package?: { name?: string } }>;
        };
        return res.objects ?? [];
      });
    // npm's registry understands the keywords: qualifier; Verdaccio searches words, so a plain
    // search follows when it finds nothing. Either way the keyword is checked on the packument.
    let found = await search(`keywords:${MODULE_KEYWORD}`);
    if (found.length === 0) found = await search(MODULE_KEYWORD);
    const names = [...new Set(found.map((o) => str(o.package?.name)).filter(Boolean))].sort();
    const docs = await Promise.all(names.map((name) => this.packument(name)));
    return docs
      .map((d) => this.describe(d))
      .filter((p) => {
        const top = docs.find((d) => d.name === p.name)!.versions[p.latest] ?? {};
        return Array.isArray(top.keywords) && (top.keywords as unknown[]).includes(MODULE_KEYWORD);
      });
  }

  private packument(name: string): Promise<Packument> {
    return this.call(name, () => pacote.packument(name, this.options({ fullMetadata: true })));
  }

  /** One package as the marketplace lists it. */
  async get(name: string): Promise<MarketplacePackage> {
    if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name) || name.length > 214)
      throw new MarketplaceError(`marketplace: "${name.slice(0, 80)}" is not an npm package name`, 400, 'invalid');
    return this.describe(await this.packument(name));
  }

  /**
   * Picks the version (the newest compatible one when none is asked), refuses one whose
   * prerequisites.host this host does not meet, and downloads its tarball, checked against the
   * packument's sha512 integrity before it is handed back.
   */
  async fetchTarball(name: string, version?: string): Promise<FetchedTarball> {
    const pkg = await this.get(name);
    const doc = await this.packument(name);
    if (version !== undefined && !semver.valid(version))
      throw new MarketplaceError(`marketplace: version: "${String(version).slice(0, 40)}" is not a semver version`, 400, 'invalid');
    const chosen = version ?? pkg.compatible;
    if (!chosen)
      throw new MarketplaceError(
        `marketplace: ${name}: no version is compatible with this host ${this.hostVersion} (latest ${pkg.latest} needs host ${pkg.versions[0]?.hostRange ?? 'unknown'})`,
        422,
        'incompatible',
      );
    const info = pkg.versions.find((v) => v.version === chosen);
    if (!info) throw new MarketplaceError(`marketplace: ${name}@${chosen}: no such version on ${this.registry}`, 404, 'not-found');
    if (!info.compatible)
      throw new MarketplaceError(
        `marketplace: ${name}@${chosen} refused: it needs host ${info.hostRange ?? '(no prerequisites.host in its package.json)'}, this host is ${this.hostVersion}`,
        422,
        'incompatible',
      );
    const integrity = doc.versions[chosen]?.dist?.integrity;
    if (!integrity || !/^sha512-/.test(integrity) || !ssri.parse(integrity, { single: true }))
      throw new MarketplaceError(
        `marketplace: ${name}@${chosen} refused: the registry gives no sha512 integrity (dist.integrity) to check it against`,
        422,
        'integrity',
      );
    const data = await this.call(`${name}@${chosen}`, () => pacote.tarball(`${name}@${chosen}`, this.options({ integrity })));
    if (!ssri.checkData(data, integrity))
      throw new MarketplaceError(
        `marketplace: ${name}@${chosen} refused: the tarball does not match the registry's integrity (dist.integrity); nothing was extracted`,
        422,
        'integrity',
      );
    return { name, version: chosen, integrity, data };
  }
}
