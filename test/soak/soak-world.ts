/**
 * The soak's world: the local receivers (one per kind of platform, 127.0.0.1 only), the 30
 * webhooks spread over every platform the module knows, and the events it emits (every event the
 * module's registry defines). Each message is recognised by a marker its template writes, so
 * what the receivers got can be checked against what was emitted without trusting the module.
 */
import { definitionOf, eventDefinitions, type EventDefinition, type ValueFormat } from '../../module/events/index.js';
import { platformOf } from '../../module/platforms/index.js';
import { platforms, templateFamilies, type Platform, type Webhook } from '../../module/webhooks/webhook.js';
import { DiscordSink } from '../support/discord-sink.js';
import { JsonSink } from '../support/json-sink.js';
import { SlackSink } from '../support/slack-sink.js';
import type { SinkServer } from '../support/sink-server.js';

export const WEBHOOKS = 30;

/** Every delivered message carries `soak<family>n<id>end` for each event it holds (its template). */
const marker = (family: string, id: string): string => `soak${family}n${id}end`;
const MARKER = /soak([a-z]+)n(\d+)end/g;
/** A body that carries the event itself (the signed JSON platform) names it by its event id. */
const EVENT_ID = /soakev(\d+)x/g;

/** Receivers by the shape of answers they give: Discord, the Slack-likes, and every other platform. */
export class Receivers {
  readonly discord = new DiscordSink({ limit: 5, windowMs: 2000 });
  readonly slack = new SlackSink({ minGapMs: 1000 });
  readonly json = new JsonSink();

  async start(): Promise<this> {
    await Promise.all([this.discord.start(), this.slack.start(), this.json.start()]);
    return this;
  }

  all(): SinkServer[] {
    return [this.discord, this.slack, this.json];
  }

  /** The receiver and URL of webhook number `i` on `platform` (its key is unique across receivers). */
  endpoint(i: number, platform: Platform): { sink: SinkServer; key: string; url: string } {
    if (platform === 'discord') return { sink: this.discord, key: String(900000 + i), url: this.discord.url(900000 + i) };
    if (['slack', 'mattermost', 'rocketchat'].includes(platform)) return { sink: this.slack, key: `B${i}`, url: this.slack.url(`B${i}`) };
    return { sink: this.json, key: `j${i}`, url: this.json.url(`j${i}`) };
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((s) => s.close()));
  }
}

export interface SoakWebhook {
  index: number;
  platform: Platform;
  key: string;
  url: string;
  sink: SinkServer;
  id: number;
}

/**
 * What webhook `i` listens to: every event, the order family only, or the ticket family only;
 * every fifth filters gateways. A platform paced to one message a second that cannot combine
 * messages (Google Chat) listens to the rarest family only (never the sales'): the week is compressed into minutes
 * but its pace is real, so a sale of thousands of orders could not drain in the soak's time (in a
 * real week it drains in minutes).
 */
/**
 * The events the host emits. The module raises the `webhooks.*` alerts and
 * `ticket.awaiting_staff` itself: the soak neither emits them nor subscribes to them, so every
 * message a receiver counts is one the week's emits caused.
 */
export const hostEventDefinitions = (): EventDefinition[] =>
  eventDefinitions().filter((d) => d.family !== 'webhooks' && d.name !== 'ticket.awaiting_staff');

export function webhookInput(i: number, platform: Platform, url: string) {
  const defs = hostEventDefinitions();
  const families = [...new Set(defs.map((d) => d.family))];
  // The first family is the sales' (soak-week.ts); among the others the events are drawn evenly.
  const count = (f: string) => defs.filter((d) => d.family === f).length;
  const rarest = families.slice(1).reduce((a, b) => (count(b) < count(a) ? b : a), families[families.length - 1]);
  const def = platformOf(platform);
  const family = def.paced && !def.coalesce ? rarest : i % 3 === 0 ? undefined : families[(i % 3) - 1];
  const pick = family ? defs.filter((d) => d.family === family) : defs;
  return {
    name: `soak ${i} ${platform}`,
    url,
    platform,
    events: pick.map((d) => d.name) as Webhook['events'],
    templates: Object.fromEntries(templateFamilies.map((f) => [f, marker(f, '%id%')])),
    options: platform === 'telegram' ? { telegramChatId: '-1001234567890', telegramParseMode: 'HTML' as const } : {},
    filters: i % 5 === 4 ? { paymentGateways: ['Stripe', 'PayPal'] } : {},
  };
}

/** The platforms webhooks are spread over: every one the module knows. */
export const soakPlatforms = (): Platform[] => [...platforms];

export interface SoakEvent {
  seq: number;
  name: string;
  eventId: string;
  family: string;
  /** The `%id%` value the marker carries. */
  markerId: string;
  payload: Record<string, unknown>;
}

const plainFormat: ValueFormat = {
  locale: 'en',
  timeZone: 'UTC',
  price: (a, c) => `${a} ${c}`,
  date: (iso) => iso,
  label: (k) => k,
};

/**
 * Makes the soak's events from the registry's samples: a fresh sequence number for each, the
 * event id `soakev<seq>x`, dated by the host's clock. Refuses an event whose `%id%` does not tell
 * two samples apart (its messages could not be told apart either).
 */
export class EventMaker {
  private seq = 0;
  private readonly used = new Set<string>();

  constructor() {
    for (const d of hostEventDefinitions()) {
      const a = this.idOf(d, d.sample({ seq: 1 }));
      const b = this.idOf(d, d.sample({ seq: 2 }));
      if (!a || a === b)
        throw new Error(`soak: event ${d.name} has no %id% variable that differs between samples; the soak cannot recognise its messages`);
    }
  }

  make(name: string, now: number): SoakEvent {
    const def = definitionOf(name);
    for (;;) {
      const seq = ++this.seq;
      const payload = { ...(def.sample({ seq, now }) as Record<string, unknown>), eventId: `soakev${seq}x` };
      const markerId = this.idOf(def, payload)!;
      const key = `${def.family}:${markerId}`;
      if (this.used.has(key)) continue; // another event's %id% already (a new event with overlapping ids)
      this.used.add(key);
      return { seq, name, eventId: `soakev${seq}x`, family: def.family, markerId, payload };
    }
  }

  private idOf(def: EventDefinition, payload: unknown): string | null {
    const v = def.variables.find((x) => x.name === 'id')?.value(payload, plainFormat);
    return v ? String(v) : null;
  }
}

/**
 * The events a request's body carries (a coalesced message carries several): `family:id` keys of
 * the template markers and `ev:<seq>` keys of event ids.
 */
export function markersIn(text: string): string[] {
  const keys = [...text.matchAll(MARKER)].map((m) => `${m[1]}:${m[2]}`);
  for (const m of text.matchAll(EVENT_ID)) keys.push(`ev:${m[1]}`);
  return [...new Set(keys)];
}
