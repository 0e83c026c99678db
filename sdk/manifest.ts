/** The `manifest.json` a module ships, as the host reads it. Field names follow ClientXCMS's module manifests. */
export interface ModuleManifest {
  /** Stable identifier, also the folder name and the URL segment under /admin/modules/. */
  uuid: string;
  name: string;
  description: string;
  /** The description in other languages, by locale (`{"fr": "…"}`); `description` is the fallback. */
  descriptions?: Record<string, string>;
  /**
   * Names of the migrations this version ships, in order (written by the packager from the
   * entry's `migrations`): the host names those still to run before an update, without running code.
   */
  migrations?: string[];
  /** semver */
  version: string;
  author: { name: string; email?: string };
  /** Path of an image inside the module folder, or an https URL. */
  thumbnail?: string;
  /** The built module file, relative to the module folder (e.g. `dist/module/index.js`). */
  entry: string;
  prerequisites: {
    /** semver range the host version must satisfy */
    host: string;
    /** other module uuids -> semver range */
    modules?: Record<string, string>;
  };
  /** Host events the module listens to. */
  events: string[];
  /** Permissions the module declares; the admin must hold them to reach its pages. */
  permissions: string[];
  /** Where its card appears in the host's settings. */
  settings?: { section: string; icon?: string; label: string; description?: string };
}
