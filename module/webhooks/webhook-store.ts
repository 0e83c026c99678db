/** Webhooks table access. The URL and signing secret are sealed with the host's key at rest. */
import type { Knex } from 'knex';
import type { Secrets } from '../../sdk/module-context.js';
import type { EventName } from '../../sdk/events.js';
import { dbKindOf } from '../delivery/lane-store.js';
import {
  defaultFilters,
  defaultOptions,
  maskUrl,
  type Platform,
  type TemplateFamily,
  type Webhook,
  type WebhookFilters,
  type WebhookOptions,
} from './webhook.js';

export interface NewWebhook {
  name: string;
  url: string;
  platform: Platform;
  events: EventName[];
  templates: Partial<Record<TemplateFamily, string>>;
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
  options: string;
  filters: string;
  enabled: boolean | number;
  disabled_reason: string | null;
  disabled_at: string | number | null;
  created_at: string | number;
  updated_at: string | number;
}

const TABLE = 'wh_webhooks';
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

export class WebhookStore {
  constructor(
    private readonly db: Knex,
    private readonly secrets: Secrets,
    private readonly now: () => number,
  ) {}

  async list(): Promise<Webhook[]> {
    const rows: WebhookRow[] = await this.db(TABLE).select('*').orderBy('id');
    return rows.map((r) => this.fromRow(r));
  }

  async get(id: number): Promise<Webhook | null> {
    const row: WebhookRow | undefined = await this.db(TABLE).where({ id }).first();
    return row ? this.fromRow(row) : null;
  }

  /** Enabled webhooks listening to `event` (filters are applied by the caller). */
  async listeningTo(event: EventName, trx: Knex = this.db): Promise<Webhook[]> {
    const rows: WebhookRow[] = await trx(TABLE).where({ enabled: true }).orderBy('id');
    return rows.map((r) => this.fromRow(r)).filter((w) => w.events.includes(event));
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
      options: JSON.stringify({ ...defaultOptions(), ...input.options }),
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
    if (patch.events !== undefined) changes.events = JSON.stringify(patch.events);
    if (patch.templates !== undefined) changes.templates = JSON.stringify({ ...current.templates, ...patch.templates });
    if (patch.filters !== undefined) changes.filters = JSON.stringify({ ...current.filters, ...patch.filters });
    const secret = patch.signingSecret === undefined ? current.signingSecret : patch.signingSecret;
    if (patch.options !== undefined || patch.signingSecret !== undefined) {
      const options = JSON.stringify({ ...current.options, ...patch.options });
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

  private fromRow(r: WebhookRow): Webhook {
    const { signingSecretSealed, ...options } = JSON.parse(r.options) as WebhookOptions & { signingSecretSealed?: string };
    return {
      id: Number(r.id),
      name: r.name,
      url: this.secrets.decrypt(r.url_sealed),
      urlHint: r.url_hint,
      platform: r.platform as Platform,
      events: JSON.parse(r.events) as EventName[],
      templates: JSON.parse(r.templates) as Webhook['templates'],
      options: { ...defaultOptions(), ...options },
      filters: { ...defaultFilters(), ...(JSON.parse(r.filters) as Partial<WebhookFilters>) },
      signingSecret: signingSecretSealed ? this.secrets.decrypt(signingSecretSealed) : null,
      enabled: Boolean(r.enabled),
      disabledReason: r.disabled_reason,
      disabledAt: num(r.disabled_at),
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  }
}
