/**
 * The development profile's first minute, in one place (the CLI and the browser test call it):
 * the example webhooks posting to the local inbox, the demo keys, and the demo Discord and Slack
 * apps connected to them, so the inbox's buttons answer tickets. Each part seeds once (marker
 * files under var/); the inbox is told where to send its signed interactions on every start.
 */
import { demoChatKeys } from './demo-chat-keys.js';
import { seedDemoChatApps } from './seed-demo-chat-apps.js';
import { seedDemoWebhook, type SeedOutcome } from './seed-demo-webhook.js';
import type { RunningInbox } from './start-inbox.js';

export interface InboxDemoOptions {
  hostUrl: string;
  adminToken: string;
  inbox: RunningInbox;
  /** The host's var/ folder (development state). */
  dataDir: string;
  locale: 'fr' | 'en';
}

export interface InboxDemoOutcome {
  webhook: { outcome: SeedOutcome; detail?: string };
  chatApps: { outcome: SeedOutcome; detail?: string };
}

export async function prepareInboxDemo(o: InboxDemoOptions): Promise<InboxDemoOutcome> {
  const failed = (err: Error) => ({ outcome: 'failed' as const, detail: err.message });
  const webhook = await seedDemoWebhook({
    hostUrl: o.hostUrl,
    adminToken: o.adminToken,
    discordWebhookUrl: o.inbox.discordWebhookUrl(),
    dataDir: o.dataDir,
    locale: o.locale,
  }).catch(failed);
  const keys = demoChatKeys(o.dataDir);
  o.inbox.connectDemoChat({ hostUrl: o.hostUrl, keys });
  const chatApps = await seedDemoChatApps({
    hostUrl: o.hostUrl,
    adminToken: o.adminToken,
    keys,
    slackWebhookUrl: o.inbox.slackWebhookUrl(),
    dataDir: o.dataDir,
    locale: o.locale,
  }).catch(failed);
  return { webhook, chatApps };
}
