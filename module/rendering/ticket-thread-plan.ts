/**
 * What a ticket event needs beyond its message when a Discord webhook keeps one conversation per
 * ticket (options.threadPerTicket) or a status card (options.statusCard): the post's title and
 * tags, and the edit that shows the ticket's state on its first message. Pure: computed in the
 * fan-out with the message, stored on the delivery row, read by the worker (ticket-threads.ts).
 */
import { createHash } from 'node:crypto';
import { wellFormed, type AnyEventPayload, type EventName, type TicketEventPayload } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import { definitionOf, type TicketThreadKind } from '../events/index.js';
import type { TicketThreadOptions } from '../platforms/webhook-options.js';
import { DISCORD, DISCORD_SNOWFLAKE } from '../platforms/limits.js';
import { label } from './labels.js';
import { plainDialect } from '../text/plain-dialect.js';
import { compileTemplate, renderText } from '../text/template.js';
import type { MessageBody } from '../text/var-value.js';
import { truncate } from '../text/untrusted-text.js';
import type { Variables } from './variables.js';

/** The post's title when the admin wrote none. */
export const DEFAULT_THREAD_TITLE = '#%id% %subject%';

/** Discord takes at most 5 tags on a forum post. */
export const MAX_THREAD_TAGS = 5;

export type { TicketThreadKind } from '../events/event-definition.js';

export interface TicketThreadPlan {
  /** The ticket's id: with the webhook, the key of the ticket-thread map. */
  ticket: string;
  kind: TicketThreadKind;
  /**
   * `forum`: one post per ticket; `channel`: a text channel whose first message is kept current;
   * `bot`: the platform's app posts the messages itself (Slack chat.postMessage), later ones in
   * the first one's thread.
   */
  mode: 'forum' | 'channel' | 'bot';
  /** The post's title (1 to 100 characters). */
  name: string;
  /** Forum tag ids for the post (at most 5). */
  tags: string[];
  /** The edit of the ticket's first message this event makes (status card), or null. */
  card: MessageBody | null;
  /**
   * `bot` replies by staff: the answer's fingerprint (echoKey), so an answer typed in the
   * ticket's chat thread is not posted back into it (delivery/bot-posts.ts).
   */
  echo?: string;
}

/**
 * The fingerprint of an answer's text, the same on both sides of the echo check: the helpdesk
 * records it when a chat reply becomes a ticket answer, the worker compares it with the
 * ticket.reply that answer causes.
 */
export function echoKey(content: string): string {
  return createHash('sha256').update(content.replace(/\r\n/g, '\n').trim()).digest('hex').slice(0, 40);
}

/**
 * The plan of one ticket event for a webhook whose platform's app posts it (`botPosts`): the
 * ticket and what the event does to its thread. Null for other events. Every such platform's
 * webhook gets it; the worker uses it only when the webhook's URL is the app's post method.
 */
export function botThreadPlan(event: EventName, payload: AnyEventPayload): TicketThreadPlan | null {
  const kind = definitionOf(event).thread;
  if (!kind) return null;
  const p = payload as TicketEventPayload;
  const plan: TicketThreadPlan = { ticket: String(p.ticket.id), kind, mode: 'bot', name: '', tags: [], card: null };
  if (kind === 'reply' && p.message?.author.staff) plan.echo = echoKey(p.message.content);
  return plan;
}

/** The post title `template` gives for these variables: one line, cut to Discord's limit, never empty. */
export function threadTitle(template: string | null, vars: Variables, fallback: string): string {
  // A stored template may predate the form's rule on lone surrogates: no title without a UTF-8 form.
  const text = renderText(compileTemplate(template?.trim() ? wellFormed(template) : DEFAULT_THREAD_TITLE), vars, plainDialect)
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(text || fallback, DISCORD.threadName);
}

/** Tag ids whose rule names the ticket's priority or department (id or name), in the admin's order, no repeats. */
export function threadTags(rules: TicketThreadOptions['threadTags'], payload: TicketEventPayload): string[] {
  const { priority, department } = payload.ticket;
  const names = new Set([priority, String(department.id), department.name].map((s) => s.trim().toLowerCase()));
  const out: string[] = [];
  for (const r of rules ?? [])
    if (names.has(r.when.trim().toLowerCase()) && DISCORD_SNOWFLAKE.test(r.tagId) && !out.includes(r.tagId)) out.push(r.tagId);
  return out.slice(0, MAX_THREAD_TAGS);
}

const STATE_COLOR: Record<TicketThreadKind, number> = { submit: 0x3498db, reply: 0xf1c40f, close: 0x95a5a6 };

/**
 * The status card: what the first message shows once edited. A PATCH changes only the fields it
 * names, so the card goes where the ticket's own message is not: an embed under a plain message,
 * the text above an embed message; the customer's first words stay in the post.
 */
function statusCard(
  kind: TicketThreadKind,
  payload: TicketEventPayload,
  vars: Variables,
  options: TicketThreadOptions,
  locale: Locale,
  timeZone: string,
): MessageBody {
  const state = label(locale, `rendering.thread.state.${kind}`);
  const when = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone }).format(
    new Date(payload.occurredAt),
  );
  const author = payload.message ? (vars.author?.untrusted?.markdown ?? vars.author?.text ?? '') : '';
  const by = author ? label(locale, 'rendering.thread.by', { name: truncate(author, 200) }) : '';
  const line = [state, by, when].filter(Boolean).join(' · ');
  const mentions = { parse: [] as never[] };
  if (options.mode === 'embed') return { content: truncate(`**${line}**`, DISCORD.content), allowed_mentions: mentions };
  return {
    embeds: [
      {
        title: truncate(state, DISCORD.title),
        description: truncate([by, when].filter(Boolean).join(' · '), DISCORD.description),
        color: STATE_COLOR[kind],
      },
    ],
    allowed_mentions: mentions,
  };
}

/** The plan of one ticket event for one Discord webhook, or null when the webhook keeps no thread nor card. */
export function ticketThreadPlan(args: {
  event: EventName;
  payload: AnyEventPayload;
  options: TicketThreadOptions;
  vars: Variables;
  locale: Locale;
  timeZone: string;
}): TicketThreadPlan | null {
  // What the event does to the ticket's conversation, as its definition says (ticket.reopen: a reply).
  const kind = definitionOf(args.event).thread;
  const { options } = args;
  const statusCardOn = options.statusCard === 'close' || options.statusCard === 'each';
  if (!kind || (!options.threadPerTicket && !statusCardOn)) return null;
  const payload = args.payload as TicketEventPayload;
  const edits = kind === 'close' ? statusCardOn : kind === 'reply' && options.statusCard === 'each';
  return {
    ticket: String(payload.ticket.id),
    kind,
    mode: options.threadPerTicket ? 'forum' : 'channel',
    name: threadTitle(options.threadTitle, args.vars, label(args.locale, 'rendering.event.ticket.submit')),
    tags: options.threadPerTicket ? threadTags(options.threadTags, payload) : [],
    card: edits ? statusCard(kind, payload, args.vars, options, args.locale, args.timeZone) : null,
  };
}
