/**
 * The module lifecycle, like a marketplace host: install (a folder, or a packed .tgz extracted
 * under `<varDir>/modules/`), enable (migrations, then register(ctx)), disable (shutdown, its
 * listeners and routes gone, data kept), uninstall (only when disabled; migrations rolled back,
 * extracted files removed). State lives in `host_modules`, so it survives restarts. A module
 * that fails to import or throws in register() is left disabled with its error; the host goes on.
 * Operations run one at a time.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import semver from 'semver';
import type { DependencyContainer } from 'tsyringe';
import type { EventEmitter2 } from 'eventemitter2';
import type { ModuleManifest } from '../../sdk/manifest.js';
import type { Logger, ModuleContext, ModuleEntry, ModuleInstance } from '../../sdk/module-context.js';
import { ModuleRouteTable } from '../http/module-routes.js';
import { PublicRouteTable } from '../http/public-routes.js';
import { parseManifestText, validateManifest } from './manifest-schema.js';
import { ArchiveRefusedError, defaultArchiveLimits, extractArchive, type ArchiveLimits } from './module-archive.js';
import { checkMigrations, migrateModuleDown, migrateModuleUp, migrationsTableOf } from './module-migrator.js';
import { createScopedBus, type ScopedBus } from './scoped-bus.js';

export type ModuleState = 'enabled' | 'disabled';
/** `folder`: used where it is; `archive`: an uploaded or given .tgz; `marketplace`: a registry package (source = name@version). */
export type SourceKind = 'folder' | 'archive' | 'marketplace';

export interface ModuleRecord {
  uuid: string;
  name: string;
  version: string;
  description: string;
  manifest: ModuleManifest;
  sourceKind: SourceKind;
  source: string;
  dir: string;
  state: ModuleState;
  /** Why the module is disabled when it failed (import, migrations or register()). */
  error: string | null;
  /** Why the last update failed while this version kept running (cleared by a successful update). */
  updateError: string | null;
  installedAt: number;
  updatedAt: number;
  /** Loaded and registered in this process. */
  running: boolean;
}

export interface RunningModule {
  manifest: ModuleManifest;
  dir: string;
  routes: ModuleRouteTable;
  publicRoutes: PublicRouteTable;
  entry: ModuleEntry;
  instance: ModuleInstance | void;
  scoped: ScopedBus;
  container: DependencyContainer;
}

export interface ContextParts {
  manifest: ModuleManifest;
  dir: string;
  routes: ModuleRouteTable;
  publicRoutes: PublicRouteTable;
  bus: EventEmitter2;
  container: DependencyContainer;
}

export interface RegistryDeps {
  db: Knex;
  bus: EventEmitter2;
  container: DependencyContainer;
  hostVersion: string;
  varDir: string;
  /** What a packed module may expand to (default defaultArchiveLimits: 50 MB, 5,000 files and folders). */
  archiveLimits?: ArchiveLimits;
  logger: Logger;
  now: () => number;
  /** How long a module's import, migrations, register() or shutdown() may take (default 30 s). */
  timeoutMs?: number;
  buildContext(parts: ContextParts): ModuleContext;
  /** Told when a module failed and was disabled (the host raises a notification). */
  onFailure?(uuid: string, name: string, error: string): Promise<void>;
  /** Told when an update failed and the previous version was kept (the host raises a notification). */
  onUpdateFailure?(uuid: string, name: string, from: string, to: string, error: string): Promise<void>;
}

/** Where an archive came from, for the record and the checks. */
export interface ArchiveSource {
  kind: 'archive' | 'marketplace';
  /** What the record shows: the file name, or `name@version` for a registry package. */
  label: string;
  /** The uuid the archive must hold (an update, or a registry package that announced one). */
  expectUuid?: string;
  /** The version the archive must hold (a registry package's version). */
  expectVersion?: string;
}

export interface UpdateResult {
  record: ModuleRecord;
  /** True when the new version runs (or, for a disabled module, is in place for the next enable). */
  updated: boolean;
  from: string;
  to: string;
  /** Why the update failed; the previous version is still the one installed (and running if it was). */
  error: string | null;
  /** The failure itself (import, migration or register() error), without the versions. */
  reason: string | null;
}

export const DEFAULT_MODULE_TIMEOUT_MS = 30_000;

/** A module's step that did not settle in time. The step may still run on; the host stops waiting. */
export class ModuleTimeoutError extends Error {}

/**
 * Waits for a module's step at most `ms`: a module that never settles must not hold the module
 * lock (every later install, enable or update waits behind it) nor the host's shutdown.
 */
function bounded<T>(what: string, ms: number, job: () => Promise<T> | T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ModuleTimeoutError(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([Promise.resolve().then(job), limit]).finally(() => clearTimeout(timer));
}

/** At most this many events are held for one module while its versions swap; past it they are logged and dropped. */
const MAX_HELD_EVENTS = 100_000;

export class ModuleError extends Error {
  constructor(
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'ModuleError';
  }
}

function toRecord(row: Record<string, unknown>, running: boolean): ModuleRecord {
  const manifest = JSON.parse(String(row.manifest)) as ModuleManifest;
  return {
    uuid: String(row.uuid),
    name: String(row.name),
    version: String(row.version),
    description: manifest.description,
    manifest,
    sourceKind: row.source_kind as SourceKind,
    source: String(row.source),
    dir: String(row.dir),
    state: row.state as ModuleState,
    error: (row.error as string | null) ?? null,
    updateError: (row.update_error as string | null) ?? null,
    installedAt: Number(row.installed_at),
    updatedAt: Number(row.updated_at),
    running,
  };
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 2000 ? text.slice(0, 2000) + '…' : text;
}

export class ModuleRegistry {
  private readonly runningModules = new Map<string, RunningModule>();
  /** Modules being started or swapped by an update: their routes answer 503 meanwhile, not 404. */
  private readonly startingModules = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RegistryDeps) {}

  private get timeoutMs(): number {
    return this.deps.timeoutMs ?? DEFAULT_MODULE_TIMEOUT_MS;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  get extractRoot(): string {
    return path.join(this.deps.varDir, 'modules');
  }

  async list(): Promise<ModuleRecord[]> {
    const rows = await this.deps.db('host_modules').orderBy('name');
    return rows.map((r: Record<string, unknown>) => toRecord(r, this.runningModules.has(String(r.uuid))));
  }

  async get(uuid: string): Promise<ModuleRecord | null> {
    const row = await this.deps.db('host_modules').where({ uuid }).first();
    return row ? toRecord(row, this.runningModules.has(uuid)) : null;
  }

  /** The loaded module, if enabled and registered in this process (used to dispatch its routes). */
  running(uuid: string): RunningModule | undefined {
    return this.runningModules.get(uuid);
  }

  /** True while the module is being started (enable, boot) or swapped (update): it will answer soon. */
  isStarting(uuid: string): boolean {
    return this.startingModules.has(uuid);
  }

  /** Runs `job` with the module marked as starting. */
  private async whileStarting<T>(uuid: string, job: () => Promise<T>): Promise<T> {
    this.startingModules.add(uuid);
    try {
      return await job();
    } finally {
      this.startingModules.delete(uuid);
    }
  }

  runningModulesList(): RunningModule[] {
    return [...this.runningModules.values()];
  }

  /** Installs a module folder where it is (the folder must stay). Leaves it disabled. */
  installFromFolder(dir: string): Promise<ModuleRecord> {
    return this.serial(async () => {
      const abs = path.resolve(dir);
      const manifest = this.readManifest(abs);
      return this.insert(manifest, 'folder', abs, abs);
    });
  }

  /**
   * Extracts a packed module (.tgz) to `<varDir>/modules/<random>/` and installs it. Leaves it
   * disabled. A refused archive (links, devices, over the limits, damaged) is a 400 and leaves
   * nothing on disk.
   */
  installFromArchive(file: string, source?: ArchiveSource): Promise<ModuleRecord> {
    return this.serial(async () => {
      const { target, root, manifest } = await this.extractChecked(file, source);
      try {
        return await this.insert(manifest, source?.kind ?? 'archive', source?.label ?? path.basename(file), root);
      } catch (err) {
        fs.rmSync(target, { recursive: true, force: true });
        throw err;
      }
    });
  }

  /**
   * Extracts an archive under the archive rules into a new folder and reads its manifest (host
   * range included). Anything refused leaves nothing on disk and is a 400 saying why.
   */
  private async extractChecked(file: string, source?: ArchiveSource): Promise<{ target: string; root: string; manifest: ModuleManifest }> {
    const target = path.join(this.extractRoot, crypto.randomUUID());
    try {
      await extractArchive(path.resolve(file), target, this.deps.archiveLimits ?? defaultArchiveLimits);
      const root = fs.existsSync(path.join(target, 'manifest.json')) ? target : path.join(target, 'package');
      const manifest = this.readManifest(root);
      const what = source?.label ?? path.basename(file);
      if (source?.expectUuid && manifest.uuid !== source.expectUuid)
        throw new ModuleError(`${what}: manifest.json: uuid is "${manifest.uuid}", expected "${source.expectUuid}"`);
      if (source?.expectVersion && manifest.version !== source.expectVersion)
        throw new ModuleError(`${what}: manifest.json: version is ${manifest.version}, the package says ${source.expectVersion}`);
      return { target, root, manifest };
    } catch (err) {
      fs.rmSync(target, { recursive: true, force: true });
      if (err instanceof ArchiveRefusedError) throw new ModuleError(err.message, 400);
      throw err;
    }
  }

  /** The manifest an archive holds (extracted under the archive rules, then removed). */
  async peekArchive(file: string, label: string): Promise<ModuleManifest> {
    return (await this.peekPackage(file, label)).manifest;
  }

  /** The manifest and CHANGELOG.md (first 64 KB, or null) an archive holds; nothing of it runs. */
  async peekPackage(file: string, label: string): Promise<{ manifest: ModuleManifest; changelog: string | null }> {
    const { target, root, manifest } = await this.extractChecked(file, { kind: 'archive', label });
    try {
      const changelog = path.join(root, 'CHANGELOG.md');
      const text =
        fs.existsSync(changelog) && fs.statSync(changelog).isFile() ? fs.readFileSync(changelog, 'utf8').slice(0, 64 * 1024) : null;
      return { manifest, changelog: text };
    } finally {
      fs.rmSync(target, { recursive: true, force: true });
    }
  }

  /** Names of a module's migrations already applied here (its knex migrations table). */
  async appliedMigrations(uuid: string): Promise<string[]> {
    const table = migrationsTableOf(uuid);
    if (!(await this.deps.db.schema.hasTable(table))) return [];
    return ((await this.deps.db(table).select('name')) as Array<{ name: string }>).map((r) => r.name);
  }

  /**
   * Replaces an installed module by a newer version from an archive. A disabled module only has
   * its files swapped (its migrations run at the next enable). A running one is swapped while
   * the host keeps emitting: the new code is imported first (an import failure changes nothing),
   * then the module's events are held, the old version is stopped (its delivery finishes what it
   * sent), the new migrations run and the new version registers; the held events then go to it in
   * order. If a migration or register() throws, the previous version is started again and gets
   * the held events instead, so no event reaches both versions or neither. Migrations: knex runs
   * the pending ones as one batch in one transaction, so if register() throws they stay applied;
   * if one of them throws, PostgreSQL and SQLite roll the batch back while MySQL/MariaDB keep what
   * completed (DDL commits at once). The previous version then runs on that schema: a module's
   * migrations must keep its previous version working (add, never drop or rename).
   */
  update(uuid: string, file: string, source?: ArchiveSource): Promise<UpdateResult> {
    return this.serial(async () => {
      const old = await this.mustGet(uuid);
      const { target, root, manifest } = await this.extractChecked(file, {
        kind: 'archive',
        label: path.basename(file),
        ...source,
        expectUuid: uuid,
      });
      const from = old.version;
      const to = manifest.version;
      if (!semver.gt(to, from)) {
        fs.rmSync(target, { recursive: true, force: true });
        throw new ModuleError(`update: ${manifest.name} ${to} is not newer than the installed ${from}`, 409);
      }
      const kind = source?.kind ?? 'archive';
      const label = source?.label ?? path.basename(file);
      const commit = async () => {
        await this.deps
          .db('host_modules')
          .where({ uuid })
          .update({
            name: manifest.name,
            version: to,
            manifest: JSON.stringify(manifest),
            source_kind: kind,
            source: label,
            dir: root,
            update_error: null,
            updated_at: this.deps.now(),
          });
        if (old.sourceKind !== 'folder') this.removeExtracted(old.dir);
        this.deps.logger.info(`module ${uuid}: updated ${from} -> ${to}`, { module: uuid });
      };
      const fail = async (error: string): Promise<UpdateResult> => {
        fs.rmSync(target, { recursive: true, force: true });
        const text = `update to ${to} failed, ${from} kept: ${error}`;
        await this.deps.db('host_modules').where({ uuid }).update({ update_error: text, updated_at: this.deps.now() });
        this.deps.logger.error(`module ${uuid}: ${text}`, { module: uuid });
        await this.deps.onUpdateFailure?.(uuid, old.name, from, to, error).catch(() => undefined);
        return { record: (await this.get(uuid))!, updated: false, from, to, error: text, reason: error };
      };

      if (!this.runningModules.has(uuid)) {
        await commit();
        return { record: (await this.get(uuid))!, updated: true, from, to, error: null, reason: null };
      }
      const next: ModuleRecord = { ...old, manifest, version: to, name: manifest.name, dir: root };
      let entry: ModuleEntry;
      try {
        entry = await this.loadEntry(next);
      } catch (err) {
        return fail(message(err));
      }

      const held = this.holdEvents(uuid);
      let released = false;
      const release = (run: RunningModule | undefined) => {
        if (released) return;
        released = true;
        held.release(run);
      };
      this.startingModules.add(uuid);
      try {
        await this.stop(uuid);
        const started = await this.startVersion(next, entry, true);
        if (started.ok) {
          await commit();
          release(this.runningModules.get(uuid));
          return { record: (await this.get(uuid))!, updated: true, from, to, error: null, reason: null };
        }
        // The previous version again, on the same data; it gets the held events.
        const back = await this.start(uuid, false, true);
        release(this.runningModules.get(uuid));
        if (!back.running)
          this.deps.logger.error(`module ${uuid}: ${from} did not start again after the failed update: ${back.error ?? ''}`);
        return await fail(started.error);
      } finally {
        this.startingModules.delete(uuid);
        release(this.runningModules.get(uuid));
      }
    });
  }

  /**
   * Holds every event the host emits from now on for one module: its running listeners stop
   * being called at once (same tick), and release() hands the held events, in order, to the
   * module's listeners then running (or drops them, logged, when none runs).
   */
  private holdEvents(uuid: string): { release(run: RunningModule | undefined): void } {
    const events: Array<{ event: string; args: unknown[] }> = [];
    let dropped = 0;
    const catcher = (event: string | string[], ...args: unknown[]) => {
      if (events.length >= MAX_HELD_EVENTS) dropped++;
      else events.push({ event: Array.isArray(event) ? event.join('.') : String(event), args });
    };
    this.deps.bus.onAny(catcher);
    this.runningModules.get(uuid)?.scoped.setPaused(true);
    return {
      release: (run) => {
        this.deps.bus.offAny(catcher);
        if (!run) {
          if (events.length)
            this.deps.logger.error(`module ${uuid}: not running after the update, ${events.length} held events not delivered`, {
              module: uuid,
            });
          return;
        }
        run.scoped.setPaused(false);
        for (const e of events) run.scoped.deliver(e.event, e.args);
        if (dropped)
          this.deps.logger.error(`module ${uuid}: ${dropped} events past ${MAX_HELD_EVENTS} held during the update were dropped`, {
            module: uuid,
          });
      },
    };
  }

  private readManifest(dir: string): ModuleManifest {
    const file = path.join(dir, 'manifest.json');
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) throw new ModuleError(`install: no manifest.json in ${dir}`);
    // An archive can hold a folder named manifest.json: reading it would be an EISDIR, a 500.
    if (!stat.isFile()) throw new ModuleError('install: manifest.json is not a file');
    const manifest = parseManifestText(fs.readFileSync(file, 'utf8'), this.deps.hostVersion);
    const entry = path.join(dir, manifest.entry);
    if (!fs.existsSync(entry))
      throw new ModuleError(`manifest.json: entry: ${manifest.entry} does not exist in the module folder (was it built?)`);
    if (!fs.statSync(entry).isFile()) throw new ModuleError(`manifest.json: entry: ${manifest.entry} is not a file`);
    return manifest;
  }

  private async insert(manifest: ModuleManifest, kind: SourceKind, source: string, dir: string): Promise<ModuleRecord> {
    if (await this.get(manifest.uuid)) throw new ModuleError(`install: a module with uuid "${manifest.uuid}" is already installed`, 409);
    const now = this.deps.now();
    await this.deps.db('host_modules').insert({
      uuid: manifest.uuid,
      name: manifest.name,
      version: manifest.version,
      manifest: JSON.stringify(manifest),
      source_kind: kind,
      source,
      dir,
      state: 'disabled',
      error: null,
      installed_at: now,
      updated_at: now,
    });
    this.deps.logger.info(`module ${manifest.uuid}: installed ${manifest.version} from ${kind}`, { module: manifest.uuid });
    return (await this.get(manifest.uuid))!;
  }

  private async setState(uuid: string, state: ModuleState, error: string | null): Promise<void> {
    await this.deps.db('host_modules').where({ uuid }).update({ state, error, updated_at: this.deps.now() });
  }

  private async mustGet(uuid: string): Promise<ModuleRecord> {
    const rec = await this.get(uuid);
    if (!rec) throw new ModuleError(`module "${uuid}" is not installed`, 404);
    return rec;
  }

  private async loadEntry(rec: ModuleRecord): Promise<ModuleEntry> {
    const file = path.join(rec.dir, rec.manifest.entry);
    let mod: Record<string, unknown>;
    try {
      mod = await bounded(
        `import of ${rec.manifest.entry}`,
        this.timeoutMs,
        () => import(pathToFileURL(file).href) as Promise<Record<string, unknown>>,
      );
    } catch (err) {
      throw new Error(`could not load ${rec.manifest.entry}: ${message(err)}`, { cause: err });
    }
    if (typeof mod.register !== 'function') throw new Error(`entry ${rec.manifest.entry}: does not export register(ctx)`);
    if (mod.shutdown !== undefined && typeof mod.shutdown !== 'function')
      throw new Error(`entry ${rec.manifest.entry}: shutdown must be a function`);
    return {
      register: mod.register as ModuleEntry['register'],
      shutdown: mod.shutdown as ModuleEntry['shutdown'],
      migrations: checkMigrations(mod.migrations),
    };
  }

  private async checkDependencies(manifest: ModuleManifest): Promise<void> {
    for (const [dep, range] of Object.entries(manifest.prerequisites.modules ?? {})) {
      const other = this.runningModules.get(dep);
      if (!other) throw new Error(`prerequisites.modules: needs module "${dep}" ${range} enabled`);
      if (!semver.satisfies(other.manifest.version, range))
        throw new Error(`prerequisites.modules: needs "${dep}" ${range}, ${other.manifest.version} is installed`);
    }
  }

  /**
   * Enables a module: migrations, then register(ctx). Resolves with the record in every case
   * the module itself caused: a failure leaves it `disabled` with `error` set (and throws only
   * when the module is not installed).
   */
  enable(uuid: string): Promise<ModuleRecord> {
    return this.serial(() => this.start(uuid, true));
  }

  /** `paused`: its listeners start paused (an update hands them the held events). */
  private async start(uuid: string, persist: boolean, paused = false): Promise<ModuleRecord> {
    const rec = await this.mustGet(uuid);
    if (this.runningModules.has(uuid)) return rec;
    return this.whileStarting(uuid, () => this.startRecord(rec, persist, paused));
  }

  private async startRecord(rec: ModuleRecord, persist: boolean, paused: boolean): Promise<ModuleRecord> {
    const uuid = rec.uuid;
    let started: { ok: true } | { ok: false; error: string };
    try {
      started = await this.startVersion(rec, await this.loadEntry(rec), paused);
    } catch (err) {
      started = { ok: false, error: message(err) };
    }
    if (started.ok) {
      if (persist || rec.error) await this.setState(uuid, 'enabled', null);
      this.deps.logger.info(`module ${uuid}: enabled`, { module: uuid });
    } else {
      await this.setState(uuid, 'disabled', started.error);
      this.deps.logger.error(`module ${uuid}: disabled, it failed to start: ${started.error}`, { module: uuid });
      await this.deps.onFailure?.(uuid, rec.name, started.error).catch(() => undefined);
    }
    return (await this.get(uuid))!;
  }

  /**
   * Checks, migrates and registers one version of a module; on success it is in runningModules.
   * A failure is cleaned up (listeners removed, entry shutdown) and returned, never thrown.
   */
  private async startVersion(rec: ModuleRecord, entry: ModuleEntry, paused: boolean): Promise<{ ok: true } | { ok: false; error: string }> {
    const uuid = rec.uuid;
    const routes = new ModuleRouteTable(`/admin/modules/${uuid}`);
    const publicRoutes = new PublicRouteTable(`/hooks/${uuid}`);
    const scoped = createScopedBus(this.deps.bus, this.deps.logger, uuid, { paused });
    const container = this.deps.container.createChildContainer();
    try {
      // Checked again: the host may have been upgraded past the module's prerequisites.host.
      validateManifest(rec.manifest, this.deps.hostVersion);
      await this.checkDependencies(rec.manifest);
      await bounded('migrations', this.timeoutMs, () => migrateModuleUp(this.deps.db, uuid, entry.migrations)).catch((err: unknown) => {
        throw new Error(`migrations failed: ${message(err)}`, { cause: err });
      });
      const ctx = this.deps.buildContext({ manifest: rec.manifest, dir: rec.dir, routes, publicRoutes, bus: scoped.bus, container });
      const instance = await bounded('register()', this.timeoutMs, () => entry.register(ctx));
      this.runningModules.set(uuid, { manifest: rec.manifest, dir: rec.dir, routes, publicRoutes, entry, instance, scoped, container });
      return { ok: true };
    } catch (err) {
      scoped.dispose();
      if (entry.shutdown) await bounded('shutdown()', this.timeoutMs, () => entry.shutdown!()).catch(() => undefined);
      return { ok: false, error: message(err) };
    }
  }

  /** Disables a module: its instance's and entry's shutdown(), listeners removed, routes gone. Data kept. */
  disable(uuid: string): Promise<ModuleRecord> {
    return this.serial(async () => {
      await this.mustGet(uuid);
      await this.stop(uuid);
      await this.setState(uuid, 'disabled', null);
      this.deps.logger.info(`module ${uuid}: disabled`, { module: uuid });
      return (await this.get(uuid))!;
    });
  }

  private async stop(uuid: string): Promise<void> {
    const run = this.runningModules.get(uuid);
    if (!run) return;
    // Gone from dispatch first, so no request reaches a module that is shutting down.
    this.runningModules.delete(uuid);
    const attempt = async (what: string, job: () => unknown) => {
      try {
        await bounded(what, this.timeoutMs, job);
      } catch (err) {
        this.deps.logger.error(`module ${uuid}: ${what} failed: ${message(err)}`, { module: uuid });
      }
    };
    if (run.instance && typeof run.instance.shutdown === 'function')
      await attempt('shutdown()', () => (run.instance as ModuleInstance).shutdown!());
    if (run.entry.shutdown) await attempt('entry shutdown()', () => run.entry.shutdown!());
    run.scoped.dispose();
    await attempt('container dispose', () => run.container.dispose());
  }

  /** Removes a disabled module: migrations rolled back, settings and extracted files removed. */
  uninstall(uuid: string): Promise<void> {
    return this.serial(async () => {
      const rec = await this.mustGet(uuid);
      if (rec.state === 'enabled' || this.runningModules.has(uuid)) throw new ModuleError(`uninstall: disable "${uuid}" first`, 409);
      let entry: ModuleEntry | null = null;
      try {
        entry = await this.loadEntry(rec);
      } catch (err) {
        this.deps.logger.warn(`module ${uuid}: its entry cannot be loaded, its tables are left in place: ${message(err)}`, {
          module: uuid,
        });
      }
      if (entry) await bounded('down migrations', this.timeoutMs, () => migrateModuleDown(this.deps.db, uuid, entry.migrations));
      await this.deps.db('host_settings').where({ scope: uuid }).delete();
      await this.deps.db('host_modules').where({ uuid }).delete();
      if (rec.sourceKind !== 'folder') this.removeExtracted(rec.dir);
      this.deps.logger.info(`module ${uuid}: uninstalled`, { module: uuid });
    });
  }

  private removeExtracted(dir: string): void {
    const rel = path.relative(this.extractRoot, dir);
    const top = rel.split(path.sep)[0];
    // Only ever a folder the host made under <varDir>/modules/.
    if (!top || top === '..' || path.isAbsolute(rel)) return;
    fs.rmSync(path.join(this.extractRoot, top), { recursive: true, force: true });
  }

  /** At start: registers every module whose saved state is enabled, in name order. */
  bootEnabled(): Promise<void> {
    return this.serial(async () => {
      const all = await this.list();
      // Dependencies first: a module naming another in prerequisites.modules waits for it.
      const pending = all.filter((r) => r.state === 'enabled');
      for (let pass = 0; pending.length && pass < 10; pass++) {
        for (const rec of [...pending]) {
          const deps = Object.keys(rec.manifest.prerequisites.modules ?? {});
          if (pass < 9 && deps.some((d) => pending.some((p) => p.uuid === d))) continue;
          pending.splice(pending.indexOf(rec), 1);
          await this.start(rec.uuid, false);
        }
      }
    });
  }

  /** At exit: shuts every running module down, keeping their saved state. */
  stopAll(): Promise<void> {
    return this.serial(async () => {
      for (const uuid of [...this.runningModules.keys()].reverse()) await this.stop(uuid);
    });
  }
}
