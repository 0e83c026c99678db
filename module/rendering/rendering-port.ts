/**
 * The settings slice's `Rendering` port (module/settings/ports.ts), backed by this slice. Its
 * `preview` returns the body only; the time zone is the host's, given by the composition root.
 */
import type { EventName } from '../../sdk/events.js';
import type { InboxReceiver, Locale } from '../../sdk/module-context.js';
import type { Platform, WebhookOptions } from '../webhooks/webhook.js';
import { defaultTemplates } from './default-templates.js';
import { detectPlatformWith } from '../platforms/detect-platform.js';
import { preview, threadPreview } from './preview.js';
import type { SampleChoices } from '../events/sample-choices.js';
import { templateFor } from './render-message.js';
import { findUnknownVariables, listVariables } from './variables.js';

/** `receivers`: the host's stand-in receivers (ctx.hostLinks.receivers), recognised like the platforms they play. */
export function createRenderingPort(timeZone: string, receivers: readonly InboxReceiver[] = []) {
  return {
    preview: (
      template: string,
      event: EventName,
      platform: Platform,
      locale: Locale,
      options?: Partial<WebhookOptions>,
      at?: number,
      sample?: SampleChoices,
    ) => preview(template, event, platform, locale, options ?? {}, { timeZone, now: at, sample }).body,
    threadPreview: (template: string | null, locale: Locale) => threadPreview(template, locale, { timeZone }),
    listVariables,
    findUnknownVariables,
    defaultTemplates,
    templateFor,
    detectPlatform: detectPlatformWith(receivers),
  };
}
