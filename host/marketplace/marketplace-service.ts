/**
 * What the marketplace pages and API do: the registry's packages beside what is installed, and
 * install / update from a package. A tarball is downloaded (integrity checked by the client),
 * written to `<varDir>/downloads/`, handed to the module registry (archive rules, manifest,
 * host range) and removed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { ModuleError, type ModuleRecord, type ModuleRegistry, type UpdateResult } from '../modules/module-registry.js';
import { changelogExcerpt, type ChangelogSection } from './changelog-excerpt.js';
import { MarketplaceError, type MarketplaceClient, type MarketplacePackage } from './marketplace-client.js';

export interface MarketplaceItem extends MarketplacePackage {
  installed: { uuid: string; version: string; state: string; running: boolean; updateError: string | null } | null;
  /** A compatible version newer than the installed one. */
  updateAvailable: boolean;
}

/** What an update would do, said before it runs (the admin confirms it). */
export interface UpdatePreview {
  uuid: string;
  name: string;
  package: string;
  from: string;
  to: string;
  /** Migrations the new version ships that have not run here, in order; null when the package does not say. */
  migrations: string[] | null;
  changelog: { sections: ChangelogSection[]; whole: string | null } | null;
}

export class MarketplaceService {
  constructor(
    private readonly client: MarketplaceClient | null,
    private readonly registry: ModuleRegistry,
    private readonly varDir: string,
  ) {}

  get configured(): boolean {
    return this.client !== null;
  }

  get registryUrl(): string | null {
    return this.client?.registry ?? null;
  }

  private need(): MarketplaceClient {
    if (!this.client) throw new MarketplaceError('marketplace: no registry configured (set MARKETPLACE_REGISTRY)', 503, 'not-configured');
    return this.client;
  }

  private static installedOf(pkg: MarketplacePackage, records: ModuleRecord[]): ModuleRecord | undefined {
    return records.find((r) => (pkg.uuid ? r.uuid === pkg.uuid : r.sourceKind === 'marketplace' && r.source.startsWith(`${pkg.name}@`)));
  }

  async list(): Promise<MarketplaceItem[]> {
    const [packages, records] = await Promise.all([this.need().list(), this.registry.list()]);
    return packages.map((pkg) => {
      const rec = MarketplaceService.installedOf(pkg, records);
      return {
        ...pkg,
        installed: rec
          ? { uuid: rec.uuid, version: rec.version, state: rec.state, running: rec.running, updateError: rec.updateError }
          : null,
        updateAvailable: !!rec && !!pkg.compatible && semver.valid(rec.version) !== null && semver.gt(pkg.compatible, rec.version),
      };
    });
  }

  private async download<T>(
    name: string,
    version: string | undefined,
    use: (file: string, pkg: { name: string; version: string }) => Promise<T>,
  ): Promise<T> {
    const tarball = await this.need().fetchTarball(name, version);
    // Named after the package, so a refusal of the archive names it.
    const dir = path.join(this.varDir, 'downloads', crypto.randomUUID());
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${tarball.name.replace(/^@/, '').replace('/', '-')}-${tarball.version}.tgz`);
    fs.writeFileSync(file, tarball.data, { mode: 0o600 });
    try {
      return await use(file, tarball);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  async install(name: string, version?: string): Promise<ModuleRecord> {
    const pkg = await this.need().get(name);
    return this.download(name, version, (file, t) =>
      this.registry.installFromArchive(file, {
        kind: 'marketplace',
        label: `${t.name}@${t.version}`,
        expectUuid: pkg.uuid ?? undefined,
        expectVersion: t.version,
      }),
    );
  }

  /** The package an installed module comes from: its record's, or the one announcing its uuid. */
  private async packageFor(rec: ModuleRecord): Promise<string> {
    if (rec.sourceKind === 'marketplace') return rec.source.replace(/@[^@]+$/, '');
    const found = (await this.need().list()).find((p) => p.uuid === rec.uuid);
    if (!found) throw new ModuleError(`update: no package on ${this.registryUrl} announces module "${rec.uuid}"`, 404);
    return found.name;
  }

  /**
   * Downloads the version an update would install (integrity checked), reads its manifest and
   * CHANGELOG.md under the archive rules, and says which migrations would run; nothing is installed.
   */
  async previewUpdate(uuid: string, version?: string): Promise<UpdatePreview> {
    const rec = await this.registry.get(uuid);
    if (!rec) throw new ModuleError(`module "${uuid}" is not installed`, 404);
    const name = await this.packageFor(rec);
    return this.download(name, version, async (file, t) => {
      const { manifest, changelog } = await this.registry.peekPackage(file, `${t.name}@${t.version}`);
      if (manifest.uuid !== uuid)
        throw new ModuleError(`${t.name}@${t.version}: manifest.json: uuid is "${manifest.uuid}", expected "${uuid}"`);
      const applied = new Set(await this.registry.appliedMigrations(uuid));
      return {
        uuid,
        name: rec.name,
        package: t.name,
        from: rec.version,
        to: t.version,
        migrations: manifest.migrations ? manifest.migrations.filter((m) => !applied.has(m)) : null,
        changelog: changelog ? changelogExcerpt(changelog, rec.version, t.version) : null,
      };
    });
  }

  async update(uuid: string, version?: string): Promise<UpdateResult> {
    const rec = await this.registry.get(uuid);
    if (!rec) throw new ModuleError(`module "${uuid}" is not installed`, 404);
    const name = await this.packageFor(rec);
    return this.download(name, version, (file, t) =>
      this.registry.update(uuid, file, { kind: 'marketplace', label: `${t.name}@${t.version}`, expectVersion: t.version }),
    );
  }
}
