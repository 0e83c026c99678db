/**
 * What the module knows about one host event, declared in one place (in the spirit of Vendure's
 * EmailEventListener): its schema (from the sdk), template family, variables and their aliases,
 * the filters it supports, a sample event, its embed colour and title. Subscribers, rendering,
 * the webhook filters, the settings form and the preview all read it, so adding an event is one
 * definition file (plus its words in lang/*.json, or in `translations`).
 */
import type { z } from 'zod';
import type { TicketPriority } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import type { SampleOptions } from '../../sdk/sample-events.js';
import type { TemplateFamily, WebhookFilters } from '../webhooks/webhook.js';

/**
 * How a variable's text is treated: `untrusted` is written by a customer (HTML converted, Markdown
 * escaped, mentions broken, shortened first); `trusted` comes from the host (ids, amounts,
 * labels); `link` is a URL sent byte-identical.
 */
/**
 * `untrusted`: customer text, HTML converted to Markdown (a ticket's content, an order comment).
 * `untrusted-line`: a one-line customer value (a name, an e-mail, a subject): plain text on every
 * platform, never a link nor formatting, whatever HTML or Markdown it holds.
 */
export type VariableKind = 'trusted' | 'untrusted' | 'untrusted-line' | 'link';

/** What a variable's value may use: the locale's formats and the module's words. */
export interface ValueFormat {
  locale: Locale;
  timeZone: string;
  price(amount: number, currency: string): string;
  date(iso: string): string;
  /** A translated word (`rendering.priority.high`). */
  label(key: string): string;
}

export interface VariableSpec<P> {
  name: string;
  kind: VariableKind;
  value(payload: P, format: ValueFormat): string | null | undefined;
  /**
   * A name the older PHP implementation used that is a variable of its own (`%email%`): computed,
   * but listed with the aliases and left out of the JSON body's canonical names.
   */
  legacy?: true;
}

export type FilterField = keyof WebhookFilters;

/** How a helpdesk event moves a ticket's conversation. */
export type TicketThreadKind = 'submit' | 'reply' | 'close';

export interface EventDefinition<P = unknown> {
  /** The host's event name (`order.paid`). */
  name: string;
  /** The payload's runtime schema (the sdk's, for the host's events). */
  schema: z.ZodType<P>;
  /** Which of the webhook's templates renders it. */
  family: TemplateFamily;
  /** `%name%` variables, in the order the settings page lists them. */
  variables: readonly VariableSpec<P>[];
  /** Other names for a variable (alias -> variable), kept so pasted templates keep working. */
  aliases: Readonly<Record<string, string>>;
  /** The webhook filters that can exclude this event (the others never do). */
  filters: readonly FilterField[];
  /** Whether a webhook's filters let this payload through. */
  matches(filters: WebhookFilters, payload: P): boolean;
  /** A realistic payload: previews, "send test", the host's simulator and the tests. */
  sample(opts?: SampleOptions): P;
  /** Discord embed colour (0xRRGGBB) when the webhook sets none. */
  embed: { color: number };
  /** The order or ticket number the delivery log shows on each row (at most 64 characters kept). */
  reference?(payload: P): string;
  /**
   * What the event does to a ticket's conversation (a Discord post per ticket, its status card):
   * opens it, adds to it, or closes it. Events without one are never put in a ticket's thread.
   */
  thread?: TicketThreadKind;
  /**
   * A message inside a ticket's conversation (a reply, a close) rather than one that opens it: the
   * role ping skips it unless the webhook asks to ping on every message (rolePing.on = 'every').
   */
  followUp?: true;
  /** The ticket priority a Discord role ping is decided on; events without one never ping. */
  priority?(payload: P): TicketPriority;
  /**
   * An operational event's subject: the id of the webhook it is about. It is never delivered to
   * that webhook (a dead target cannot be told it is dead, and must not be asked to be).
   */
  aboutWebhook?(payload: P): number;
  /** The template used when the webhook has none for the family (else the family's default). */
  defaultTemplate?: Partial<Record<Locale, string>>;
  /**
   * Words that are not in lang/*.json (an event added by another package): key -> text per locale.
   * The title is `rendering.event.<name>`, variable descriptions `rendering.var.<family>.<name>`.
   */
  translations?: Partial<Record<Locale, Record<string, string>>>;
}

/** Keeps the payload type when a definition is written, and erases it for the registry. */
export function defineEvent<P>(definition: EventDefinition<P>): EventDefinition<P> {
  return definition;
}

/** The translation key of an event's name (embed title, footer, fallback text). */
export const titleKey = (name: string): string => `rendering.event.${name}`;
