/**
 * One platform, declared in one place (module/platforms/<id>/index.ts), in the spirit of Medusa's
 * notification providers and of our own `defineEvent`: how its URLs look, which options it reads,
 * how a body is written and packed, what its answers mean, how fast it may be sent to, and the
 * words the settings pages use for it. Rendering, delivery and settings ask `platformOf(id)`;
 * none of them names a platform.
 */
import type { MessageBody } from '../text/var-value.js';
import type { FormatContext, Formatted } from './format-context.js';
import type { Platform } from './platform-ids.js';
import type { PlatformOptions } from './platform-options.js';

/** An HTTP answer as the platform's classification reads it. */
export interface PlatformAnswer {
  status: number;
  /** The body's text (capped by the sender). */
  text: string;
  /** The body parsed when it is a JSON object, else null. */
  json: Record<string, unknown> | null;
}

/**
 * What an answer means when the platform knows better than the generic rules (delivery/
 * classify-response.ts: 2xx ok, 408/5xx retry, 404/410 dead webhook, other 4xx dead request).
 */
export type PlatformVerdict =
  | { kind: 'ok' }
  /** The platform said it failed on its side (Slack's `internal_error`): try again later. */
  | { kind: 'retry'; reason: string }
  | { kind: 'dead_request'; reason: string; platformCode: number | null }
  | { kind: 'dead_webhook'; reason: string; platformCode: number | null };

/** How a platform's app posts a message itself (see `PlatformDefinition.botPosts`). */
export interface BotPosts {
  /** The platform's Web API, unless the host points elsewhere (`ctx.chatApiBases`). */
  apiBase: string;
  /**
   * Where the webhook's messages go when its URL is the app's post method at `apiBase` (the
   * platform's API, or the host's stand-in), with the channel the URL names; null: not a bot URL.
   */
  target(url: string, apiBase: string): { postUrl: string; channel: string } | null;
  /** The request body: the rendered message put in `channel` (under `threadTs` when given). */
  body(message: Record<string, unknown>, channel: string, threadTs: string | null): Record<string, unknown>;
  /** The posted message's id and channel, read from the platform's answer; null when it names none. */
  posted(answerText: string | null): { channel: string; ts: string } | null;
}

/** A send result, as the Send test's words read it. */
export interface TestAnswer {
  statusCode: number | null;
  platformCode?: number | null;
  error?: string | null;
}

/** How the settings page draws the preview of a body (views/assets/settings.js). */
export type PreviewStyle = 'embed' | 'mrkdwn' | 'card' | 'bot-message' | 'chat-card' | 'raw';

/**
 * `O` is the platform's own options (its `options.defaults()`): its format reads them, filled with
 * its defaults; the registry holds every definition as `PlatformDefinition` (options by name).
 */
export interface PlatformDefinition<O extends object = Record<string, unknown>> {
  id: Platform;
  /** The platform's name as people write it (`Rocket.Chat`). */
  name: string;
  /** Whether `url` (already parsed; host lower-cased, no trailing dot) is one of this platform's webhooks. */
  detect?: (url: URL, host: string) => boolean;
  /**
   * Hosts that serve only this platform's webhooks (and its other pages): a URL on one of them
   * that `detect` refuses is a near miss the form explains, with `urlShape` (no credential in it).
   */
  ownsHost?: (host: string, url: URL) => boolean;
  urlShape?: string;
  /** Fixed words of its webhook URLs' paths (never a credential): kept when a URL is masked for display. */
  urlWords?: readonly string[];
  /**
   * Its own options: schema, defaults, required ones (platform-options.ts). A webhook stores these
   * fields only; the form shows these only (and marks the others "no effect").
   */
  options: PlatformOptions<O>;
  /** Translation keys (under `settings.form.`) of options sent but possibly ignored. */
  optionCaveats?: Partial<Record<keyof O & string, string>>;
  /** The request body for one event (its options already filled with its defaults). */
  format: (ctx: FormatContext<O>) => Formatted;
  /** The most of one customer-written value the platform can show (values are cut past it before formatting). */
  shownAtMost?: number;
  /** Emoji shortcodes (`:pushpin:`) that its clients render themselves. */
  rendersShortcodes?: boolean;
  /** Packs two queued bodies into one request, or null when they cannot share one. */
  coalesce?: (a: MessageBody, b: MessageBody) => MessageBody | null;
  /** A post per ticket, edits of the first message (rendering/ticket-thread-plan.ts, delivery/ticket-threads.ts). */
  ticketThreads?: boolean;
  /**
   * Messages posted by the platform's app with its bot token (Slack `chat.postMessage`) when the
   * webhook's URL is the app's post method: a thread per ticket, read back from the platform's
   * answer (delivery/bot-posts.ts). The bot token is the helpdesk's (Chat apps page).
   */
  botPosts?: BotPosts;
  /** Query parameters every new message is sent with (Discord `wait=true`, so errors come back). */
  sendQuery?: Record<string, string>;
  /** Requests are signed the Standard Webhooks way with the webhook's secret. */
  signed?: boolean;
  /** What an answer means, when it decides (null: the generic rules). */
  classify?: (answer: PlatformAnswer) => PlatformVerdict | null;
  /** Sent about one message a second: one request per turn of its lane, spaced. */
  paced?: boolean;
  /** Its invalid answers (401, 403, 429) are counted, and sending pauses before an IP ban. */
  countsInvalidRequests?: boolean;
  /** Send test: the kind of a failed answer when the platform tells it apart (null: by status). */
  testAnswerKind?: (answer: TestAnswer) => string | null;
  /** Send test: the kinds with their own words, `settings.test.<id>.<kind>`. */
  testWords?: readonly string[];
  /** How the settings page draws its preview. */
  preview: PreviewStyle;
}

/**
 * Checks a definition against its own options' type, then hands it to the registry by name: the
 * only callers of `format` (rendering) pass `options.filled(…)`, which has that type.
 */
export const definePlatform = <O extends object>(definition: PlatformDefinition<O>): PlatformDefinition =>
  definition as unknown as PlatformDefinition;
