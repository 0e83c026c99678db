/** What every platform formatter receives, and what it returns. */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import type { CompiledTemplate } from '../text/template.js';
import type { MessageBody, Variables } from '../text/var-value.js';

/** `O`: the platform's own options, filled with its defaults (platform-options.ts). */
export interface FormatContext<O extends object = Record<string, unknown>> {
  event: EventName;
  payload: AnyEventPayload;
  locale: Locale;
  timeZone: string;
  options: O;
  template: CompiledTemplate;
  vars: Variables;
  /** The event's translated name, sent when a template renders to nothing (no empty message). */
  fallbackText: string;
  /** A word of the module's lang files in the message's language (`rendering.open_link`). */
  say: (key: string) => string;
}

export interface Formatted {
  body: MessageBody;
  /** Plain-text rendering, for previews and logs. */
  text: string;
  /** Query parameters the request URL needs (Discord `thread_id`). */
  query?: Record<string, string>;
}
