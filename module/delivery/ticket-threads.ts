/**
 * One conversation per ticket on Discord, in the worker: a lane request whose rows carry a ticket
 * plan (module/rendering/ticket-thread-plan.ts) goes here instead of straight to the sender.
 *
 *  - Forum/media channel (`forum`): the ticket's first event creates the post (`thread_name`,
 *    `applied_tags`, `?wait=true`; the starter message's `channel_id` is the thread), recorded per
 *    webhook and ticket; later events go in with `?thread_id=`. `thread_name` and `thread_id` are
 *    never sent together. A post Discord no longer knows (404 Unknown Channel / Unknown Message)
 *    is forgotten and created again, once per request: the next failure is the dispatcher's.
 *  - Text channel with a status card (`channel`): the ticket's first message is recorded; the
 *    close edits it instead of posting a new one.
 *  - Status card: the event's edit of the first message (`PATCH …/messages/{id}?thread_id=`).
 *    The message itself is the delivery: a failed edit is logged, never retried.
 *
 * The lane sends one webhook's rows in order, one request at a time, so a reply queued behind
 * the submit waits for the post to exist, and two events of a ticket never race on its map row.
 */
import type { Logger } from '../../sdk/module-context.js';
import type { TicketThreadPlan } from '../rendering/ticket-thread-plan.js';
import type { Webhook } from '../webhooks/webhook.js';
import { RESPONSE_BODY_CAP, type SendOutcome, type SendRequest } from './sender.js';
import type { TicketThread, TicketThreadStore } from './ticket-thread-store.js';

/** Discord's codes for a channel (the post) or a message that no longer exists. */
export const UNKNOWN_CHANNEL = 10003;
export const UNKNOWN_MESSAGE = 10008;

/** Enough of the created message's JSON to read its ids whatever its embeds hold. */
const CREATED_MESSAGE_CAP = 64 * 1024;

const SNOWFLAKE = /^(0|[1-9][0-9]{0,19})$/;

type Send = (req: SendRequest) => Promise<SendOutcome>;

/** A 404 saying the post or the message is gone (not the webhook: that is 10015, the dispatcher's). */
export function isGonePost(r: SendOutcome): boolean {
  if (r.statusCode !== 404) return false;
  const code = r.platformCode ?? codeIn(r.responseBody);
  return code === UNKNOWN_CHANNEL || code === UNKNOWN_MESSAGE;
}

function codeIn(body: string | null): number | null {
  try {
    const code = (JSON.parse(body ?? '') as { code?: unknown }).code;
    return typeof code === 'number' ? code : null;
  } catch {
    return null;
  }
}

/**
 * The ids of a message Discord created. A body cut short is still read: `channel_id` comes second
 * in Discord's message object, and a forum post's starter message has the thread's id.
 */
export function createdMessage(body: string | null, forum: boolean): TicketThread | null {
  const snow = (x: unknown) => (typeof x === 'string' && SNOWFLAKE.test(x) ? x : null);
  try {
    const m = JSON.parse(body ?? '') as { id?: unknown; channel_id?: unknown; guild_id?: unknown };
    const id = snow(m.id);
    const channel = snow(m.channel_id);
    if (!id || (forum && !channel)) return null;
    return { threadId: forum ? channel : null, messageId: id, guildId: snow(m.guild_id) };
  } catch {
    const channel = forum ? /^\s*\{[^{}]*?"channel_id"\s*:\s*"(\d+)"/.exec(body ?? '')?.[1] : undefined;
    return channel && SNOWFLAKE.test(channel) ? { threadId: channel, messageId: channel, guildId: null } : null;
  }
}

/**
 * What rows of a ticket may share one request (coalescing): replies of one ticket, which go into
 * one post; a submit (creates the post) or a close (ends it) goes alone. null: alone.
 */
export function threadPackGroup(plan: TicketThreadPlan): string | null {
  // A staff answer may be the echo of a chat reply, skipped alone (bot-posts.ts).
  return plan.kind === 'reply' && !plan.echo ? `${plan.mode} ${plan.ticket}` : null;
}

export interface TicketThreadsDeps {
  store: TicketThreadStore;
  logger: Logger;
}

export class TicketThreads {
  constructor(private readonly deps: TicketThreadsDeps) {}

  /**
   * Sends one request of rows carrying `plan` (the last packed row's: packs hold replies of one
   * ticket only) and returns the outcome the dispatcher records for the rows.
   */
  async deliver(webhook: Webhook, plan: TicketThreadPlan, req: SendRequest, send: Send): Promise<SendOutcome> {
    const result = plan.mode === 'forum' ? await this.inForum(webhook, plan, req, send) : await this.inChannel(webhook, plan, req, send);
    // The attempt row keeps what every other answer keeps.
    return { ...result, responseBody: result.responseBody?.slice(0, RESPONSE_BODY_CAP) ?? null };
  }

  private async inForum(webhook: Webhook, plan: TicketThreadPlan, req: SendRequest, send: Send): Promise<SendOutcome> {
    const { store } = this.deps;
    const known = await store.get(webhook.id, plan.ticket);
    if (known?.threadId) {
      const r = await send({ ...req, query: { ...req.query, thread_id: known.threadId } });
      if (!isGonePost(r)) return this.afterPost(webhook, plan, known, r, req, send);
      this.deps.logger.warn('webhooks: the ticket’s Discord post is gone; creating it again', {
        webhookId: webhook.id,
        ticket: plan.ticket,
        status: r.statusCode,
      });
      await store.forget(webhook.id, plan.ticket);
    }
    const body: Record<string, unknown> = { ...req.body, thread_name: plan.name };
    if (plan.tags.length) body.applied_tags = plan.tags;
    // A thread_id the admin set for other events must not travel with thread_name.
    const { thread_id: _ignored, ...query } = req.query ?? {};
    void _ignored;
    const r = await send({ ...req, body, query, responseCap: CREATED_MESSAGE_CAP });
    if (r.verdict.kind !== 'ok') return r;
    const created = createdMessage(r.responseBody, true);
    if (!created) {
      this.deps.logger.warn('webhooks: Discord created the ticket’s post but its answer names no thread; later events open a new one', {
        webhookId: webhook.id,
        ticket: plan.ticket,
      });
      return r;
    }
    await store.put(webhook.id, plan.ticket, created);
    return this.afterPost(webhook, plan, created, r, req, send);
  }

  private async inChannel(webhook: Webhook, plan: TicketThreadPlan, req: SendRequest, send: Send): Promise<SendOutcome> {
    const { store } = this.deps;
    // Only an event that edits the first message needs to know it.
    const known = plan.kind === 'submit' || !plan.card ? null : await store.get(webhook.id, plan.ticket);
    if (plan.kind === 'close' && known && plan.card) {
      // The admin prefers the first message kept current to a "closed" message of its own.
      const edited = await this.edit(webhook, plan, known, req, send);
      if (!isGonePost(edited)) return edited;
      await store.forget(webhook.id, plan.ticket);
      return send(req);
    }
    const r = await send(plan.kind === 'submit' ? { ...req, responseCap: CREATED_MESSAGE_CAP } : req);
    if (r.verdict.kind !== 'ok') return r;
    if (plan.kind === 'submit') {
      const created = createdMessage(r.responseBody, false);
      if (created) await store.put(webhook.id, plan.ticket, created);
      return r;
    }
    return known ? this.afterPost(webhook, plan, known, r, req, send) : r;
  }

  /** After the message went: the status card's edit, if this event makes one (best effort). */
  private async afterPost(
    webhook: Webhook,
    plan: TicketThreadPlan,
    known: TicketThread,
    posted: SendOutcome,
    req: SendRequest,
    send: Send,
  ): Promise<SendOutcome> {
    if (posted.verdict.kind !== 'ok' || !plan.card) return posted;
    const edited = await this.edit(webhook, plan, known, req, send);
    if (edited.verdict.kind !== 'ok')
      this.deps.logger.warn('webhooks: the ticket’s status card could not be edited; the message itself was delivered', {
        webhookId: webhook.id,
        ticket: plan.ticket,
        status: edited.statusCode,
        error: edited.error,
      });
    // The edit's rate-limit headers are the freshest the lane has.
    return { ...posted, rateLimit: edited.rateLimit };
  }

  private edit(webhook: Webhook, plan: TicketThreadPlan, known: TicketThread, req: SendRequest, send: Send): Promise<SendOutcome> {
    const { thread_id: channelThread } = req.query ?? {};
    const threadId = known.threadId ?? channelThread;
    return send({
      webhook,
      body: plan.card!,
      query: threadId ? { thread_id: threadId } : null,
      editMessageId: known.messageId,
      messageId: req.messageId,
    });
  }
}
