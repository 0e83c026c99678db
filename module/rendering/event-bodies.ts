/**
 * Every body of one event, for the distinct (platform, template, options) its webhooks use: the
 * event's variables computed once (its customer HTML converted once), then one render per target
 * with the platform's caps (platform-caps.ts). Pure and synchronous, so the same code runs on a
 * worker thread (render-worker.ts) and on the calling thread.
 */
import type { AnyEventPayload, EventName } from '../../sdk/events.js';
import type { Locale } from '../../sdk/module-context.js';
import type { Platform, WebhookOptions } from '../webhooks/webhook.js';
import { platformOf, ticketThreadOptions } from '../platforms/index.js';
import { capForPlatform } from './platform-caps.js';
import { renderWithTemplate } from './render-message.js';
import { botThreadPlan, ticketThreadPlan } from './ticket-thread-plan.js';
import type { RenderedMessage } from './types.js';
import type { HtmlConversion } from '../text/untrusted-text.js';
import { computeVariables, type Variables } from './variables.js';

/** What webhooks sharing a body have in common. */
export interface RenderTarget {
  platform: Platform;
  template: string;
  options: WebhookOptions;
}

/** One event and the targets it is rendered for: plain data, so it can cross to a worker thread. */
export interface EventRenderJob {
  event: EventName;
  payload: AnyEventPayload;
  locale: Locale;
  timeZone: string;
  targets: RenderTarget[];
}

/** The bodies of `job`'s targets, in order, from variables already computed. */
export function bodiesFor(job: EventRenderJob, vars: Variables): RenderedMessage[] {
  const capped = new Map<Platform, Variables>();
  return job.targets.map((target) => {
    let platformVars = capped.get(target.platform);
    if (!platformVars) capped.set(target.platform, (platformVars = capForPlatform(vars, target.platform)));
    const msg = renderWithTemplate({
      ...target,
      event: job.event,
      payload: job.payload,
      locale: job.locale,
      timeZone: job.timeZone,
      vars: platformVars,
    });
    // A ticket of a thread-per-ticket or status-card Discord webhook: the post's title, tags and card.
    const threadOptions = ticketThreadOptions(target.platform, target.options);
    // A platform whose app may post itself (Slack chat.postMessage): the ticket, for its thread.
    const thread = threadOptions
      ? ticketThreadPlan({ ...job, options: threadOptions, vars: platformVars })
      : platformOf(target.platform).botPosts
        ? botThreadPlan(job.event, job.payload)
        : null;
    return thread ? { ...msg, thread } : msg;
  });
}

/** The bodies of `job`'s targets, in order; each HTML value goes through `convert` once (null: sent as plain text). */
export function renderEventBodies(job: EventRenderJob, convert: HtmlConversion): RenderedMessage[] {
  const converted = new Map<string, string | null>();
  const once: HtmlConversion = (html) => {
    if (!converted.has(html)) converted.set(html, convert(html));
    return converted.get(html)!;
  };
  return bodiesFor(job, computeVariables(job.event, job.payload as never, job.locale, job.timeZone, once));
}
