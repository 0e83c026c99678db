/**
 * Changes to webhooks made by an admin: validation, signing secrets, unknown-variable
 * warnings and the audit trail, around the WebhookStore. Pages and API both go through here.
 */
import type { NetworkPolicy } from '../../sdk/module-context.js';
import type { EventName } from '../../sdk/events.js';
import { fallbackPlatform, platformOf } from '../platforms/index.js';
import { defaultFilters, familyOf, keptEventTemplates, templateFamilies, type TemplateFamily, type Webhook } from '../webhooks/webhook.js';
import { eventDefinitions } from '../events/index.js';
import type { WebhookLabel, WebhookPageQuery, WebhookStore } from '../webhooks/webhook-store.js';
import type { AuditStore } from './audit-store.js';
import type { Rendering } from './ports.js';
import { conditionError, parseWebhookInput, type FieldError, type WebhookInput } from './webhook-input.js';
import { checkCondition } from '../conditions/conditions.js';
import { generateSigningSecret, type RandomBytes } from './signing-secret.js';
import { toPublicWebhook, type PublicWebhook } from './public-webhook.js';

export interface UnknownVariableWarning {
  family: TemplateFamily;
  /** Set when the template is one event's own. */
  event?: EventName;
  names: string[];
}

export type SaveResult =
  | {
      ok: true;
      webhook: PublicWebhook;
      warnings: UnknownVariableWarning[];
      /** Present only when a secret was just made: shown once, never again. */
      signingSecret?: string;
    }
  | { ok: false; errors: FieldError[] }
  | { ok: false; notFound: true };

export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly audit: AuditStore,
    private readonly rendering: Pick<Rendering, 'findUnknownVariables' | 'detectPlatform' | 'defaultTemplates'>,
    private readonly network: NetworkPolicy,
    private readonly randomBytes?: RandomBytes,
  ) {}

  /** One page of the list (there is no "all": a host may hold tens of thousands of webhooks). */
  async page(query: WebhookPageQuery): Promise<{ items: PublicWebhook[]; total: number }> {
    const { items, total } = await this.store.page(query);
    return { items: items.map(toPublicWebhook), total };
  }

  /** Names for the webhook ids another list shows. */
  labels(ids: number[]): Promise<Map<number, WebhookLabel>> {
    return this.store.labels(ids);
  }

  async get(id: number): Promise<Webhook | null> {
    return this.store.get(id);
  }

  async create(actor: string, raw: unknown, locale: 'fr' | 'en'): Promise<SaveResult> {
    const parsed = parseWebhookInput(raw, {
      mode: 'create',
      network: this.network,
      detectPlatform: (u) => this.rendering.detectPlatform(u),
    });
    if (!parsed.ok) return parsed;
    const input = parsed.value;
    const refused = conditionErrors(input.condition, input.events ?? []);
    if (refused.length) return { ok: false, errors: refused };
    const defaults = this.rendering.defaultTemplates(locale);
    const templates = sharedDefaults(defaults);
    for (const family of templateFamilies) {
      const given = input.templates?.[family];
      if (given !== undefined && given.trim() !== '') templates[family] = given;
    }
    const signingSecret = input.platform && platformOf(input.platform).signed ? generateSigningSecret(this.randomBytes) : undefined;
    const created = await this.store.create({
      name: input.name!,
      url: input.url!,
      platform: input.platform!,
      events: input.events!,
      templates,
      eventTemplates: input.eventTemplates,
      condition: input.condition ?? null,
      options: input.options,
      filters: input.filters,
      enabled: input.enabled ?? true,
      signingSecret: signingSecret ?? null,
    });
    await this.audit.write(actor, 'webhook.create', created.id, {
      name: created.name,
      urlHint: created.urlHint,
      platform: created.platform,
      events: created.events,
    });
    return { ok: true, webhook: toPublicWebhook(created), warnings: this.warnings(created), ...(signingSecret ? { signingSecret } : {}) };
  }

  /**
   * The errors a save of `raw` would meet, without saving: the form's instant feedback runs the
   * very rules the save runs (`id`: the webhook being edited, whose URL an empty field keeps).
   */
  async check(raw: unknown, id: number | null): Promise<FieldError[]> {
    const current = id === null ? null : await this.store.get(id);
    const parsed = parseWebhookInput(raw, {
      mode: current ? 'update' : 'create',
      network: this.network,
      detectPlatform: (u) => this.rendering.detectPlatform(u),
      currentPlatform: current?.platform,
      currentOptions: current?.options,
    });
    if (!parsed.ok) return parsed.errors;
    return conditionErrors(savedCondition(parsed.value, current), parsed.value.events ?? current?.events ?? []);
  }

  /**
   * The webhook the form being edited describes, not saved: for "Send test" before a save. The
   * fields left empty keep the stored webhook's (`id`), the URL included; nothing is written.
   */
  async draft(raw: unknown, id: number | null): Promise<{ ok: true; webhook: Webhook } | { ok: false; errors: FieldError[] }> {
    const current = id === null ? null : await this.store.get(id);
    const parsed = parseWebhookInput(raw, {
      mode: 'update',
      network: this.network,
      detectPlatform: (u) => this.rendering.detectPlatform(u),
      currentPlatform: current?.platform,
      currentOptions: current?.options,
    });
    if (!parsed.ok) return parsed;
    const input = parsed.value;
    const events = input.events?.length ? input.events : (current?.events ?? []);
    const condition = savedCondition(input, current);
    const refused = conditionErrors(condition, events);
    if (refused.length) return { ok: false, errors: refused };
    const url = input.url ?? (current && !current.unreadable?.includes('url') ? current.url : undefined);
    if (!url) return { ok: false, errors: [{ field: 'url', reason: 'required' }] };
    const platform = input.platform ?? current?.platform ?? this.rendering.detectPlatform(url) ?? fallbackPlatform;
    return {
      ok: true,
      webhook: {
        id: current?.id ?? 0,
        name: input.name ?? current?.name ?? '',
        url,
        urlHint: '',
        platform,
        events,
        condition,
        templates: { ...current?.templates, ...Object.fromEntries(Object.entries(input.templates ?? {}).filter(([, v]) => v?.trim())) },
        eventTemplates: keptEventTemplates(input.eventTemplates ?? current?.eventTemplates),
        // Its platform's options; another platform's stored ones are not carried into a draft.
        options: platformOf(platform).options.filled({ ...(platform === current?.platform ? current.options : {}), ...input.options }),
        filters: { ...defaultFilters(), ...current?.filters, ...input.filters },
        // A JSON draft is signed with the stored secret, or a throw-away one (shown nowhere).
        signingSecret: platformOf(platform).signed ? (current?.signingSecret ?? generateSigningSecret(this.randomBytes)) : null,
        enabled: true,
        disabledReason: null,
        disabledAt: null,
        createdAt: 0,
        updatedAt: 0,
      },
    };
  }

  async update(actor: string, id: number, raw: unknown): Promise<SaveResult> {
    const current = await this.store.get(id);
    if (!current) return { ok: false, notFound: true };
    const parsed = parseWebhookInput(raw, {
      mode: 'update',
      network: this.network,
      detectPlatform: (u) => this.rendering.detectPlatform(u),
      currentPlatform: current.platform,
      currentOptions: current.options,
    });
    if (!parsed.ok) return parsed;
    const input: WebhookInput = parsed.value;
    const refused = conditionErrors(savedCondition(input, current), input.events ?? current.events);
    if (refused.length) return { ok: false, errors: refused };
    // A URL no key opens (APP_KEY changed) must be typed again before anything else is saved, or
    // the save would look done while the webhook still sends nothing. Pausing needs no URL.
    const onlyEnabled = Object.entries(input).every(([k, v]) => k === 'enabled' || v === undefined);
    if (current.unreadable?.includes('url') && input.url === undefined && !onlyEnabled)
      return { ok: false, errors: [{ field: 'url', reason: 'url_unreadable' }] };
    const platform = input.platform ?? current.platform;
    const needsSecret = !!platformOf(platform).signed && (!current.signingSecret || input.regenerateSecret === true);
    const signingSecret = needsSecret ? generateSigningSecret(this.randomBytes) : undefined;
    const updated = await this.store.update(id, {
      name: input.name,
      url: input.url,
      platform: input.platform,
      events: input.events,
      templates: input.templates,
      eventTemplates: input.eventTemplates,
      condition: input.condition,
      options: input.options,
      filters: input.filters,
      enabled: input.enabled,
      ...(signingSecret ? { signingSecret } : {}),
    });
    if (!updated) return { ok: false, notFound: true };
    // Enabling/pausing has its own audit action below.
    const changed = changedFields(current, updated).filter((f) => f !== 'enabled');
    const details: Record<string, unknown> = { name: updated.name, changed };
    if (input.url !== undefined) details.url = { from: current.urlHint, to: updated.urlHint };
    if (changed.length || input.url !== undefined) await this.audit.write(actor, 'webhook.update', id, details);
    if (signingSecret && current.signingSecret) await this.audit.write(actor, 'webhook.secret_rotated', id, { name: updated.name });
    if (current.enabled !== updated.enabled)
      await this.audit.write(actor, updated.enabled ? 'webhook.enable' : 'webhook.disable', id, { name: updated.name });
    return { ok: true, webhook: toPublicWebhook(updated), warnings: this.warnings(updated), ...(signingSecret ? { signingSecret } : {}) };
  }

  /** `details`: more for the audit entry (how many waiting deliveries a resume discarded). */
  async setEnabled(actor: string, id: number, enabled: boolean, details: Record<string, unknown> = {}): Promise<PublicWebhook | null> {
    const current = await this.store.get(id);
    if (!current) return null;
    const updated = await this.store.update(id, { enabled });
    if (!updated) return null;
    if (current.enabled !== enabled || (enabled && current.disabledReason)) {
      await this.audit.write(actor, enabled ? 'webhook.enable' : 'webhook.disable', id, {
        name: updated.name,
        ...(current.disabledReason ? { previousReason: current.disabledReason } : {}),
        ...details,
      });
    }
    return toPublicWebhook(updated);
  }

  async remove(actor: string, id: number): Promise<boolean> {
    const current = await this.store.get(id);
    if (!current) return false;
    await this.store.remove(id);
    await this.audit.write(actor, 'webhook.delete', id, { name: current.name, urlHint: current.urlHint });
    return true;
  }

  /** Unknown `%names%` per template family the webhook uses, then per event template. */
  warnings(webhook: Pick<Webhook, 'events' | 'templates' | 'eventTemplates'>): UnknownVariableWarning[] {
    const out: UnknownVariableWarning[] = [];
    for (const family of templateFamilies) {
      const events = webhook.events.filter((e: EventName) => familyOf(e) === family);
      const template = webhook.templates[family];
      if (!events.length || !template) continue;
      const names = this.rendering.findUnknownVariables(template, events);
      if (names.length) out.push({ family, names });
    }
    for (const [event, template] of Object.entries(webhook.eventTemplates ?? {}) as [EventName, string][]) {
      const names = webhook.events.includes(event) ? this.rendering.findUnknownVariables(template, [event]) : [];
      if (names.length) out.push({ family: familyOf(event), event, names });
    }
    return out;
  }
}

/** The condition a save would leave: the one sent (null clears it), else the stored one. */
function savedCondition(input: WebhookInput, current: Webhook | null): string | null {
  return input.condition !== undefined ? input.condition : (current?.condition ?? null);
}

/**
 * A condition is checked against every event the webhook would listen to (a change of events can
 * make a stored condition wrong, so it is checked on every save).
 */
function conditionErrors(condition: string | null | undefined, events: readonly EventName[]): FieldError[] {
  if (!condition) return [];
  const checked = checkCondition(condition, events);
  return checked.ok ? [] : [conditionError(checked.problem)];
}

/**
 * The default templates a new webhook gets a copy of: the families with an event that has no
 * default of its own (the shop and the helpdesk, whose defaults are the reference
 * document's). A family whose every event has its own default (invoices, services) is left
 * empty, so each event keeps reading its own until the admin writes one for the family.
 */
export function sharedDefaults(defaults: Record<TemplateFamily, string>): Partial<Record<TemplateFamily, string>> {
  const shared = templateFamilies.filter((family) => eventDefinitions().some((d) => d.family === family && !d.defaultTemplate));
  return Object.fromEntries(shared.map((family) => [family, defaults[family]]));
}

function changedFields(a: Webhook, b: Webhook): string[] {
  const keys = [
    'name',
    'urlHint',
    'platform',
    'events',
    'templates',
    'eventTemplates',
    'condition',
    'options',
    'filters',
    'enabled',
  ] as const;
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => (k === 'urlHint' ? 'url' : k));
}
