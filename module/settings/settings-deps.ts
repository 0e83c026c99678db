/** Everything the settings routes use, injected by the composition root (fakes in tests). */
import type { Clock, InboxReceiver, Locale, Logger, NetworkPolicy, Translator, Views } from '../../sdk/module-context.js';
import type { EventMap, EventName } from '../../sdk/events.js';
import type { ChatAppsStore } from '../helpdesk/chat-apps-store.js';
import type { HelpdeskPort } from '../../sdk/helpdesk.js';
import type { AuditStore } from './audit-store.js';
import type { DeliveryLog, Rendering, TestSender } from './ports.js';
import type { WebhookService } from './webhook-service.js';

export interface SettingsDeps {
  service: WebhookService;
  audit: AuditStore;
  deliveries: DeliveryLog;
  rendering: Rendering;
  sender: TestSender;
  views: Views;
  i18n: Translator;
  clock: Clock;
  logger: Logger;
  network: NetworkPolicy;
  timeZone: string;
  /** Pages base URL, e.g. `/admin/modules/webhooks`. */
  basePath: string;
  sampleEvent<K extends EventName>(event: K, opts: { now: number }): EventMap[K];
  /** Optional link to the host's event simulator (shown on the list page in development). */
  simulatorPath?: string | null;
  /** The delivery engine's metrics in Prometheus' text format (GET api/metrics); absent in tests that fake the rest. */
  metrics?: { scrape(): Promise<string>; contentType: string };
  /** Optional link to the local demo inbox (development). */
  inboxUrl?: string | null;
  /** The host's stand-in receivers: `…/webhooks/new?receiver=<platform>` prefills one (development). */
  receivers?: readonly InboxReceiver[];
  /** The chat apps page (two-way helpdesk); absent: the page answers not found. */
  chatApps?: {
    store: ChatAppsStore;
    helpdesk: HelpdeskPort | null;
    /** Where the module's public routes are mounted (`/hooks/webhooks`). */
    hooksPath: string;
  };
}

export type { Locale };
