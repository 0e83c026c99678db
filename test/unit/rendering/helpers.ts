/** Shared builders for the rendering tests. */
import type { EventMap, EventName } from '../../../sdk/events.js';
import { sampleEvent } from '../../../sdk/sample-events.js';
import type { Locale } from '../../../sdk/module-context.js';
import { buildFormatContext } from '../../../module/rendering/render-message.js';
import type { FormatContext } from '../../../module/platforms/format-context.js';
import type { Platform, WebhookOptions } from '../../../module/webhooks/webhook.js';
import type { EveryOption } from '../../../module/platforms/webhook-options.js';

export const NOW = Date.UTC(2026, 10, 29, 9, 30, 0);
export const sample = <K extends EventName>(event: K, seq = 1): EventMap[K] => sampleEvent(event, { seq, now: NOW });

export function ctxFor<K extends EventName>(
  event: K,
  template: string,
  opts: { payload?: EventMap[K]; locale?: Locale; options?: Partial<WebhookOptions>; platform?: Platform; timeZone?: string } = {},
): FormatContext<EveryOption> {
  return buildFormatContext({
    template,
    event,
    payload: opts.payload ?? sample(event),
    platform: opts.platform ?? 'discord',
    locale: opts.locale ?? 'fr',
    timeZone: opts.timeZone ?? 'Europe/Paris',
    options: opts.options,
  });
}

/** A ticket whose content is hostile: HTML with a script, mass mentions, a Slack broadcast and 5000+ characters. */
export function hostileTicket(event: 'ticket.submit' | 'ticket.reply' = 'ticket.submit'): EventMap['ticket.submit'] {
  const base = sample(event);
  const filler = 'A'.repeat(5000);
  return {
    ...base,
    ticket: {
      ...base.ticket,
      subject: '@everyone <!channel> **urgent** <@123456789012345678>',
      customer: { ...base.ticket.customer, firstName: '@here', lastName: '<@&987654321098765432>' },
    },
    message: {
      content: `<p>Hello @everyone and @here</p><script>alert("xss")</script><style>p{}</style><b>bold</b> <!channel> &lt;!here&gt; <@123456789012345678> <@&987654321098765432> <#123456789012345678> <!everyone> ${filler}`,
      author: { name: '@everyone', staff: false },
    },
  };
}
