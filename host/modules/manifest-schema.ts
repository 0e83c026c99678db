/**
 * Validates a module's manifest.json (the shape of `sdk/manifest.ts`) and says which field is
 * wrong: `manifest.json: version: must be semver (got "1.0")`. The host refuses a module whose
 * manifest fails here, before any of its code runs.
 */
import semver from 'semver';
import { z } from 'zod';
import type { ModuleManifest } from '../../sdk/manifest.js';

const relativePath = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'),
    'must be a relative path inside the module folder',
  );

const manifestSchema = z.object({
  uuid: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'must be 1-48 characters: lowercase letters, digits, "-" or "_"'),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  description: z.string().max(2000),
  descriptions: z.record(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a locale such as fr or en'), z.string().max(2000)).optional(),
  migrations: z.array(z.string().min(1).max(200)).max(1000).optional(),
  version: z.string().refine((v) => semver.valid(v) !== null, 'must be semver (e.g. 1.2.3)'),
  author: z.object({ name: z.string().min(1, 'must not be empty').max(200), email: z.string().email().optional() }),
  thumbnail: z.union([relativePath, z.string().regex(/^https:\/\/\S+$/)], 'must be a relative path or an https URL').optional(),
  entry: relativePath.refine((p) => /\.(m?js)$/.test(p), 'must name a built .js file'),
  prerequisites: z.object({
    host: z.string().refine((r) => semver.validRange(r) !== null, 'must be a semver range (e.g. ">=1.0.0 <2.0.0")'),
    modules: z
      .record(
        z.string(),
        z.string().refine((r) => semver.validRange(r) !== null, 'must be a semver range'),
      )
      .optional(),
  }),
  events: z.array(z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be an event name such as order.paid')).max(100),
  permissions: z.array(z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'must be a permission name such as webhooks.manage')).max(100),
  settings: z
    .object({
      section: z.string().min(1).max(100),
      icon: z.string().max(100).optional(),
      label: z.string().min(1).max(200),
      description: z.string().max(500).optional(),
    })
    .optional(),
});

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'is required';
  return issue.message;
}

/** Parses and checks a manifest; throws ManifestError naming the first bad field. */
export function validateManifest(raw: unknown, hostVersion: string): ModuleManifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    const extra = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw new ManifestError(`manifest.json: ${field}: ${describe(issue)}${extra}`, field);
  }
  const m = parsed.data;
  if (!semver.satisfies(hostVersion, m.prerequisites.host, { includePrerelease: true })) {
    throw new ManifestError(
      `manifest.json: prerequisites.host: the module needs host ${m.prerequisites.host}, this host is ${hostVersion}`,
      'prerequisites.host',
    );
  }
  return m as ModuleManifest;
}

/** Reads text as JSON, naming the file when it is not JSON. */
export function parseManifestText(text: string, hostVersion: string): ModuleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`manifest.json: not valid JSON (${(err as Error).message})`, '(file)');
  }
  return validateManifest(raw, hostVersion);
}
