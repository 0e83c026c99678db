/**
 * Messages a platform's app posts itself (`botPosts` in the platform's definition: Slack's
 * chat.postMessage with the app's bot token), in the worker, for a webhook whose URL is the app's
 * post method naming a channel. A ticket's first message (ticket.submit) is recorded with the id
 * the platform answers (Slack's `ts`), in wh_ticket_threads; the ticket's later messages go under
 * it (`thread_ts`): a thread per ticket. An answer typed in that thread (helpdesk/slack-events.ts)
 * is already there: the ticket.reply it causes is not posted again (an "echo", skipped once).
 *
 * The token is the helpdesk's (Chat apps page), read per request and sent only to the platform's
 * API base; it is in a header, never in a log, an error or an attempt row.
 */
import type { Logger } from '../../sdk/module-context.js';
import { platformOf } from '../platforms/index.js';
import type { TicketThreadPlan } from '../rendering/ticket-thread-plan.js';
import type { Webhook } from '../webhooks/webhook.js';
import type { ChatEventStore } from './chat-event-store.js';
import { RESPONSE_BODY_CAP, type SendOutcome, type SendRequest } from './sender.js';
import type { TicketThreadStore } from './ticket-thread-store.js';
import type { Platform } from '../platforms/index.js';

type Send = (req: SendRequest) => Promise<SendOutcome>;

export interface BotPostsDeps {
  threads: Pick<TicketThreadStore, 'get' | 'put'>;
  echoes: Pick<ChatEventStore, 'takeEcho'>;
  /** The platform's API base (the host may point it at a stand-in). */
  apiBase: (platform: Platform) => string | null;
  /** The app's bot token, or null when the admin gave none. */
  botToken: (platform: Platform) => Promise<string | null>;
  logger: Logger;
}

const NO_RATE_LIMIT = { remaining: null, resetAfterMs: null, bucket: null, global: false, retryAfterMs: null };

export class BotPostRoute {
  constructor(private readonly deps: BotPostsDeps) {}

  /** Whether `webhook`'s messages are posted by its platform's app (its URL is the app's post method). */
  handles(webhook: Pick<Webhook, 'platform' | 'url'>): boolean {
    return this.target(webhook) !== null;
  }

  private target(webhook: Pick<Webhook, 'platform' | 'url'>) {
    const bot = platformOf(webhook.platform).botPosts;
    const base = bot ? this.deps.apiBase(webhook.platform) : null;
    const target = bot && base ? bot.target(webhook.url, base) : null;
    return bot && target ? { bot, ...target } : null;
  }

  async deliver(webhook: Webhook, plan: TicketThreadPlan | null, req: SendRequest, send: Send): Promise<SendOutcome> {
    const target = this.target(webhook)!;
    const ticket = plan?.mode === 'bot' ? plan : null;
    if (ticket?.echo && (await this.deps.echoes.takeEcho(ticket.ticket, target.channel, ticket.echo)))
      return skipped('not posted: this answer was typed in the ticket’s thread');
    const token = await this.deps.botToken(webhook.platform);
    if (!token) return dead('the app has no bot token: give it on the Chat apps page, or use an incoming webhook URL');
    const known = ticket && ticket.kind !== 'submit' ? await this.deps.threads.get(webhook.id, ticket.ticket) : null;
    const message = req.body ?? (JSON.parse(req.text ?? '{}') as Record<string, unknown>);
    const r = await send({
      ...req,
      webhook: { ...webhook, url: target.postUrl },
      body: target.bot.body(
        message as Record<string, unknown>,
        target.channel,
        known?.threadId === target.channel ? known.messageId : null,
      ),
      text: undefined,
      query: null,
      headers: { authorization: `Bearer ${token}` },
    });
    if (r.verdict.kind === 'ok' && ticket?.kind === 'submit') {
      const posted = target.bot.posted(r.responseBody);
      if (posted) await this.deps.threads.put(webhook.id, ticket.ticket, { threadId: posted.channel, messageId: posted.ts, guildId: null });
      else
        this.deps.logger.warn(
          'webhooks: the app posted the ticket’s message but its answer names no message; later ones go to the channel',
          {
            webhookId: webhook.id,
            ticket: ticket.ticket,
          },
        );
    }
    return { ...r, responseBody: r.responseBody?.slice(0, RESPONSE_BODY_CAP) ?? null };
  }
}

function skipped(note: string): SendOutcome {
  return {
    outcome: 'ok',
    statusCode: null,
    error: null,
    durationMs: 0,
    verdict: { kind: 'ok' },
    rateLimit: NO_RATE_LIMIT,
    responseBody: note,
  };
}

function dead(reason: string): SendOutcome {
  return {
    outcome: 'dead',
    statusCode: null,
    error: reason,
    platformCode: null,
    durationMs: 0,
    verdict: { kind: 'dead_webhook', reason, platformCode: null },
    rateLimit: NO_RATE_LIMIT,
    responseBody: null,
  };
}
