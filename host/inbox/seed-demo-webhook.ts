/**
 * On the first `npm start` in the development profile, creates one example webhook that posts to
 * the local inbox's Discord receiver, through the module's own JSON API (the public contract),
 * so a new user sees a real message flow in the first minute. Seeds once: a marker file under
 * the host's data folder remembers it, so deleting the example keeps it deleted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eventNames } from '../../sdk/events.js';

export interface SeedOptions {
  /** e.g. http://127.0.0.1:8080 */
  hostUrl: string;
  adminToken: string;
  /** The inbox's Discord-like webhook URL. */
  discordWebhookUrl: string;
  /** Folder for the marker file (the host's `var/`). */
  dataDir: string;
  locale: 'fr' | 'en';
  modulePath?: string;
}

export type SeedOutcome = 'created' | 'already-seeded' | 'failed';

export async function seedDemoWebhook(o: SeedOptions): Promise<{ outcome: SeedOutcome; detail?: string }> {
  const marker = path.join(o.dataDir, 'demo-webhook-seeded');
  if (fs.existsSync(marker)) return { outcome: 'already-seeded' };
  const api = `${o.hostUrl}${o.modulePath ?? '/admin/modules/webhooks'}/api/webhooks`;
  // No templates sent: the module fills in its defaults, which reproduce the reference document's examples.
  const res = await fetch(api, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.adminToken}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      name: o.locale === 'fr' ? 'Exemple — boîte de réception locale' : 'Example — local inbox',
      url: o.discordWebhookUrl,
      platform: 'discord',
      events: eventNames,
      // Ticket messages carry Reply/Claim/Close buttons and get a forum post each: the inbox plays
      // the Discord application (host/inbox/demo-chat-client.ts), so they can be tried at once.
      options: { username: o.locale === 'fr' ? 'Boutique' : 'Shop', helpdeskButtons: true, threadPerTicket: true },
    }),
  });
  if (res.status !== 201) {
    const body = (await res.json().catch(() => ({}))) as { field?: string; reason?: string };
    return { outcome: 'failed', detail: `HTTP ${res.status}${body.field ? ` ${body.field}: ${body.reason}` : ''}` };
  }
  fs.mkdirSync(o.dataDir, { recursive: true });
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
  return { outcome: 'created' };
}
