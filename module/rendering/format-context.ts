/** What every platform formatter receives, and what it returns. */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import type { WebhookOptions } from '../webhooks/webhook.js';
import type { CompiledTemplate } from './template.js';
import type { MessageBody } from './types.js';
import type { Variables } from './variables.js';

export interface FormatContext {
  event: EventName;
  payload: AnyEventPayload;
  locale: Locale;
  timeZone: string;
  options: WebhookOptions;
  template: CompiledTemplate;
  vars: Variables;
  /** The event's translated name, sent when a template renders to nothing (no empty message). */
  fallbackText: string;
}

export interface Formatted {
  body: MessageBody;
  /** Plain-text rendering, for previews and logs. */
  text: string;
  /** Query parameters the request URL needs (Discord `thread_id`). */
  query?: Record<string, string>;
}
