/**
 * The rendering contract the rest of the module codes against. Rendering is pure:
 * (template, event data, platform, locale) -> request body. No IO, no clock.
 */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import type { Platform, Webhook } from '../webhooks/webhook.js';
import type { TicketThreadPlan } from './ticket-thread-plan.js';
import type { Variables } from './variables.js';

export type { MessageBody } from '../text/var-value.js';
import type { MessageBody } from '../text/var-value.js';

export interface RenderInput {
  webhook: Pick<Webhook, 'platform' | 'templates' | 'options'>;
  event: EventName;
  payload: AnyEventPayload;
  locale: Locale;
  /** IANA time zone dates are shown in. */
  timeZone: string;
  /** The event's variables, computed once for all its webhooks (event-variables.ts); else computed here. */
  vars?: Variables;
}

export interface RenderedMessage {
  platform: Platform;
  body: MessageBody;
  /** The message as plain text (previews, logs). */
  text?: string;
  /** Query parameters to add to the webhook URL when sending (Discord forum/thread: `thread_id`). */
  query?: Record<string, string>;
  /** Discord ticket threads: what the worker needs beyond the body (ticket-thread-plan.ts). */
  thread?: TicketThreadPlan;
}

/** One request built from several queued bodies (coalescing); `count` bodies, in order, from the front. */
export interface CombinedBody {
  body: MessageBody;
  count: number;
}

/*
 * Implemented in module/rendering/ (see render-message.ts):
 *   renderMessage(input: RenderInput): RenderedMessage
 *   combineBodies(platform: Platform, bodies: MessageBody[]): CombinedBody[]
 *   detectPlatform(url: string): Platform | null
 */
