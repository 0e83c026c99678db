/** Webhooks table access. The URL and signing secret are sealed with the host's key at rest. */
import type { Knex } from 'knex';
import type { Secrets } from '../../sdk/module-context.js';
import type { EventName } from '../../sdk/events.js';
import { dbKindOf } from '../storage/db-kind.js';
import { platformOf } from '../platforms/index.js';
import {
  defaultFilters,
  keptEventTemplates,
  type EventTemplates,
  type Platform,
  type TemplateFamily,
  type UnreadableField,
  type Webhook,
  type WebhookFilters,
  type WebhookOptions,
} from './webhook.js';
import { maskUrl } from './mask-url.js';
import { sealedSecretIn, WebhookSeals } from './webhook-seals.js';

export interface NewWebhook {
  name: string;
  url: string;
  platform: Platform;
  events: EventName[];
  templates: Partial<Record<TemplateFamily, string>>;
  /** Replaces the stored ones as a whole on update; blank ones are dropped. */
  eventTemplates?: EventTemplates;
  /** Null clears it. */
  condition?: string | null;
  options?: Partial<WebhookOptions>;
  filters?: Partial<WebhookFilters>;
  signingSecret?: string | null;
  enabled?: boolean;
}

export type WebhookPatch = Partial<Omit<NewWebhook, 'options' | 'filters'>> & {
  options?: Partial<WebhookOptions>;
  filters?: Partial<WebhookFilters>;
};

interface WebhookRow {
  id: number;
  name: string;
  url_sealed: string;
  url_hint: string;
  platform: string;
  events: string;
  templates: string;
  event_templates: string | null;
  condition: string | null;
  options: string;
  filters: string;
  enabled: boolean | number;
  disabled_reason: string | null;
  disabled_at: string | number | null;
  created_at: string | number;
  updated_at: string | number;
}

/** A webhook as lists show it: read without decrypting anything (only whether a secret exists). */
export type WebhookListing = Omit<Webhook, 'url' | 'signingSecret'> & { hasSigningSecret: boolean };

export interface WebhookPageQuery {
  /** 1-based. */
  page: number;
  perPage: number;
  /** Part of the name, case-insensitive; `%` and `_` match themselves. */
  search?: string;
  /** Only webhooks turned off by a failure (disabled with a reason). */
  disabledOnly?: boolean;
  platform?: Platform;
  /** Only webhooks listening to this event. */
  event?: EventName;
  /** active: enabled; paused: off by the admin; disabled: off after failures (a reason). */
  state?: 'active' | 'paused' | 'disabled';
}

/** What a row of another list (delivery log, audit) needs to name its webhook. */
export interface WebhookLabel {
  id: number;
  name: string;
  enabled: boolean;
}

const TABLE = 'wh_webhooks';
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));
/**
 * Lists hold no credential: the sealed URL is read only for the host to say whether a key opens it
 * (an unreadable row is flagged, APP_KEY changed); it is not decrypted into the module.
 */
const listingColumns = [
  'id',
  'name',
  'url_hint',
  'url_sealed',
  'platform',
  'events',
  'templates',
  'event_templates',
  'condition',
  'options',
  'filters',
  'enabled',
  'disabled_reason',
  'disabled_at',
  'created_at',
  'updated_at',
];
/** `!` rather than a backslash escapes LIKE wildcards: MariaDB string literals treat backslashes specially. */
const likeContaining = (text: string): string => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** What a sweep of every row found (startup check after a key change). */
export interface SealReport {
  total: number;
  /** Rows whose sealed values all open with the current key (before this sweep re-sealed any). */
  current: number;
  /** Rows only a previous key opened, now sealed again with the current one. */
  resealed: number;
  unreadable: { id: number; name: string }[];
}

export class WebhookStore {
  private readonly seals: WebhookSeals;

  constructor(
    private readonly db: Knex,
    private readonly secrets: Secrets,
    private readonly now: () => number,
  ) {
    this.seals = new WebhookSeals(secrets);
  }

  /** One page in id order, with the count of all matches; filtering, counting and paging run in SQL. */
  async page(q: WebhookPageQuery): Promise<{ items: WebhookListing[]; total: number }> {
    const base = this.db(TABLE);
    if (q.search) {
      // PostgreSQL's LIKE is case-sensitive and MariaDB's follows the column's collation: LOWER on both
      // sides (Unicode-aware on both). SQLite's LOWER folds ASCII only, and so does its LIKE already:
      // there the needle stays as typed, so `Équipe` still finds `Équipe` (but `équipe` does not).
      const sqlite = dbKindOf(this.db) === 'sqlite';
      const needle = likeContaining(sqlite ? q.search : q.search.toLowerCase());
      base.whereRaw(sqlite ? `?? LIKE ? ESCAPE '!'` : `LOWER(??) LIKE ? ESCAPE '!'`, ['name', needle]);
    }
    if (q.disabledOnly || q.state === 'disabled') base.where({ enabled: false }).whereNotNull('disabled_reason');
    if (q.state === 'active') base.where({ enabled: true });
    if (q.state === 'paused') base.where({ enabled: false }).whereNull('disabled_reason');
    if (q.platform) base.where({ platform: q.platform });
    // Events are a JSON array of known names (no quote or wildcard in them): its quoted item is matched.
    if (q.event) base.where('events', 'like', `%"${q.event}"%`);
    const [{ n }] = (await base.clone().count({ n: '*' })) as { n: number | string }[];
    const rows: WebhookRow[] = await base
      .clone()
      .select(listingColumns)
      .orderBy('id')
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage);
    return { items: rows.map((r) => listingFromRow(r, this.seals.unreadable(r.url_sealed, r.options))), total: Number(n) };
  }

  /** Names of the given webhooks only (the ids a page shows); unknown ids are absent from the map. */
  async labels(ids: number[]): Promise<Map<number, WebhookLabel>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows: Pick<WebhookRow, 'id' | 'name' | 'enabled'>[] = await this.db(TABLE).select('id', 'name', 'enabled').whereIn('id', unique);
    return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, enabled: Boolean(r.enabled) }]));
  }

  /** One webhook, decrypted; a row only a previous key opens is sealed again with the current one first. */
  async get(id: number): Promise<Webhook | null> {
    const row: WebhookRow | undefined = await this.db(TABLE).where({ id }).first();
    return row ? this.fromRow(await this.reseal(row)) : null;
  }

  /**
   * Reads every row once, in batches: counts which key opens them, re-seals those only a previous
   * key opens, and names the ones no key opens.
   */
  async sweepSeals(batch = 500): Promise<SealReport> {
    const report: SealReport = { total: 0, current: 0, resealed: 0, unreadable: [] };
    for (let after = 0; ;) {
      const rows: WebhookRow[] = await this.db(TABLE).where('id', '>', after).orderBy('id').limit(batch);
      if (!rows.length) return report;
      after = Number(rows[rows.length - 1].id);
      // One transaction per batch: a rotation re-seals thousands of rows in a few commits.
      await this.db.transaction(async (trx) => {
        for (const row of rows) {
          report.total++;
          const fresh = await this.reseal(row, trx);
          if (this.seals.unreadable(fresh.url_sealed, fresh.options).length) report.unreadable.push({ id: Number(row.id), name: row.name });
          else if (fresh === row) report.current++;
          else report.resealed++;
        }
      });
    }
  }

  /**
   * The row with its values sealed under the current key (written back), or the row itself when
   * nothing needed it. Compare-and-set on the old values: a save or another process's re-seal in
   * between wins, and the row is read again.
   */
  private async reseal(row: WebhookRow, db: Knex = this.db): Promise<WebhookRow> {
    const changes = this.seals.resealed(row.url_sealed, row.options);
    if (!changes) return row;
    const n = await db(TABLE).where({ id: row.id, url_sealed: row.url_sealed, options: row.options }).update(changes);
    if (n > 0) return { ...row, ...changes };
    return ((await db(TABLE).where({ id: row.id }).first()) as WebhookRow | undefined) ?? row;
  }

  /**
   * Webhooks listening to `event` whose deliveries are queued: the enabled ones, and the ones the
   * admin paused (no reason): their rows wait, since the dispatcher leases enabled webhooks'
   * lanes only, and go out in order on resume. A webhook the dispatcher turned off (a reason)
   * gets none. Filters are applied by the caller.
   *
   * Runs for every event (the fan-out): nothing is decrypted here. The rows are picked by event
   * in SQL, and each webhook's URL, signing secret and `unreadable` are opened only if read
   * (the fan-out renders with the platform, templates and options; the dispatcher reads the
   * webhook again, decrypted, when it sends).
   */
  async listeningTo(event: EventName, trx: Knex = this.db): Promise<Webhook[]> {
    const rows: WebhookRow[] = await trx(TABLE)
      .where((q) => q.where({ enabled: true }).orWhereNull('disabled_reason'))
      // Events are a JSON array of known names (no quote or wildcard in them), as in page().
      .where('events', 'like', `%"${event}"%`)
      .orderBy('id');
    return rows.map((r) => this.sealedFromRow(r)).filter((w) => w.events.includes(event));
  }

  async create(input: NewWebhook): Promise<Webhook> {
    const at = this.now();
    const row = {
      name: input.name,
      url_sealed: this.secrets.encrypt(input.url),
      url_hint: maskUrl(input.url),
      platform: input.platform,
      events: JSON.stringify(input.events),
      templates: JSON.stringify(input.templates),
      event_templates: JSON.stringify(keptEventTemplates(input.eventTemplates)),
      condition: input.condition ?? null,
      // Its platform's options only, over that platform's defaults (the others are not its).
      options: JSON.stringify(platformOf(input.platform).options.filled(input.options)),
      filters: JSON.stringify({ ...defaultFilters(), ...input.filters }),
      enabled: input.enabled ?? true,
      created_at: at,
      updated_at: at,
    };
    const withSecret = input.signingSecret ? { ...row, options: this.sealSecretInto(row.options, input.signingSecret) } : row;
    // knex's mysql client ignores .returning() (and says so); on MariaDB the driver answers the
    // insert id, [id], which for this one-row insert is the new row's id.
    const insert = this.db(TABLE).insert(withSecret);
    const [inserted] = await (dbKindOf(this.db) === 'mysql' ? insert : insert.returning('id'));
    const id = typeof inserted === 'object' ? Number((inserted as { id: number }).id) : Number(inserted);
    return (await this.get(id))!;
  }

  async update(id: number, patch: WebhookPatch): Promise<Webhook | null> {
    const current = await this.get(id);
    if (!current) return null;
    const changes: Record<string, unknown> = { updated_at: this.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.url !== undefined) {
      changes.url_sealed = this.secrets.encrypt(patch.url);
      changes.url_hint = maskUrl(patch.url);
    }
    if (patch.platform !== undefined) changes.platform = patch.platform;
    const platform = patch.platform ?? current.platform;
    const platformChanged = platform !== current.platform;
    if (patch.events !== undefined) changes.events = JSON.stringify(patch.events);
    if (patch.templates !== undefined) changes.templates = JSON.stringify({ ...current.templates, ...patch.templates });
    if (patch.eventTemplates !== undefined) changes.event_templates = JSON.stringify(keptEventTemplates(patch.eventTemplates));
    if (patch.condition !== undefined) changes.condition = patch.condition;
    if (patch.filters !== undefined) changes.filters = JSON.stringify({ ...current.filters, ...patch.filters });
    // Another platform keeps none of the old one's options, nor its signing secret unless it signs too.
    const dropsSecret = platformChanged && !platformOf(platform).signed;
    const secret = patch.signingSecret !== undefined ? patch.signingSecret : dropsSecret ? null : current.signingSecret;
    if (patch.options !== undefined || patch.signingSecret !== undefined || platformChanged) {
      const options = JSON.stringify(
        platformOf(platform).options.filled({ ...(platformChanged ? {} : current.options), ...patch.options }),
      );
      changes.options = secret ? this.sealSecretInto(options, secret) : options;
    }
    if (patch.enabled !== undefined) {
      changes.enabled = patch.enabled;
      if (patch.enabled) {
        changes.disabled_reason = null;
        changes.disabled_at = null;
      }
    }
    await this.db(TABLE).where({ id }).update(changes);
    return this.get(id);
  }

  /** Turns a webhook off because its target said it is gone; its queued deliveries wait. */
  async disable(id: number, reason: string): Promise<void> {
    const at = this.now();
    await this.db(TABLE).where({ id }).update({ enabled: false, disabled_reason: reason, disabled_at: at, updated_at: at });
  }

  async remove(id: number): Promise<boolean> {
    return (await this.db(TABLE).where({ id }).delete()) > 0;
  }

  private sealSecretInto(optionsJson: string, secret: string): string {
    return JSON.stringify({ ...JSON.parse(optionsJson), signingSecretSealed: this.secrets.encrypt(secret) });
  }

  /**
   * The webhook with its sealed values opened on first read of `url`, `signingSecret` or
   * `unreadable` (once for the three), not before.
   */
  private sealedFromRow(r: WebhookRow): Webhook {
    const { hasSigningSecret: _sealed, unreadable: _unknown, ...listing } = listingFromRow(r, []);
    let opened: Webhook | undefined;
    const open = () => (opened ??= this.fromRow(r));
    return Object.defineProperties(listing, {
      url: { get: () => open().url, enumerable: true },
      signingSecret: { get: () => open().signingSecret, enumerable: true },
      unreadable: { get: () => open().unreadable, enumerable: true },
    }) as Webhook;
  }

  /** Never throws for a value no key opens: the webhook comes back marked unreadable instead. */
  private fromRow(r: WebhookRow): Webhook {
    const url = this.seals.open(r.url_sealed);
    const sealedSecret = sealedSecretIn(r.options);
    const signingSecret = sealedSecret === null ? null : this.seals.open(sealedSecret);
    const unreadable: UnreadableField[] = [];
    if (url === null) unreadable.push('url');
    if (sealedSecret !== null && signingSecret === null) unreadable.push('signingSecret');
    const { hasSigningSecret: _sealed, ...listing } = listingFromRow(r, unreadable);
    return { ...listing, url: url ?? '', signingSecret };
  }
}

function listingFromRow(r: Omit<WebhookRow, 'url_sealed'>, unreadable: UnreadableField[]): WebhookListing {
  const { signingSecretSealed, ...options } = JSON.parse(r.options) as Record<string, unknown> & { signingSecretSealed?: string };
  return {
    id: Number(r.id),
    name: r.name,
    // Masked again on read: a hint stored by the older rule (which kept all-letter segments and an
    // id's first characters) is shown with today's rule; a current hint is unchanged.
    urlHint: maskUrl(r.url_hint),
    platform: r.platform as Platform,
    events: JSON.parse(r.events) as EventName[],
    templates: JSON.parse(r.templates) as Webhook['templates'],
    eventTemplates: r.event_templates ? (JSON.parse(r.event_templates) as EventTemplates) : {},
    condition: r.condition ?? null,
    // Read through its platform: a field another version stored for another platform is left out.
    options: platformOf(r.platform as Platform).options.filled(options) as WebhookOptions,
    filters: { ...defaultFilters(), ...(JSON.parse(r.filters) as Partial<WebhookFilters>) },
    hasSigningSecret: Boolean(signingSecretSealed),
    unreadable,
    enabled: Boolean(r.enabled),
    disabledReason: r.disabled_reason,
    disabledAt: num(r.disabled_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
