/**
 * On the first development start, connects the demo "Discord application" and "Slack app" that
 * the local inbox plays (host/inbox/demo-chat-keys.ts) through the module's own JSON API (the
 * public contract): the public key and signing secret the inbox signs with, the inbox's chat user
 * linked to the demo staff member, and an example Slack webhook with the ticket buttons. Seeds
 * once, like seed-demo-webhook.ts: a marker file under var/ remembers it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DemoChatKeys } from './demo-chat-keys.js';
import type { SeedOutcome } from './seed-demo-webhook.js';

export interface ChatAppsSeedOptions {
  hostUrl: string;
  adminToken: string;
  keys: DemoChatKeys;
  /** The inbox's Slack-like incoming-webhook URL. */
  slackWebhookUrl: string;
  dataDir: string;
  locale: 'fr' | 'en';
  /** The staff account the inbox's chat user acts as (`admin` exists from the start). */
  staffId?: string;
  modulePath?: string;
}

export const DEMO_CHAT_MARKER = 'demo-chat-apps-seeded';

export async function seedDemoChatApps(o: ChatAppsSeedOptions): Promise<{ outcome: SeedOutcome; detail?: string }> {
  const marker = path.join(o.dataDir, DEMO_CHAT_MARKER);
  if (fs.existsSync(marker)) return { outcome: 'already-seeded' };
  const api = `${o.hostUrl}${o.modulePath ?? '/admin/modules/webhooks'}/api`;
  const staff = o.staffId ?? 'admin';
  const { discord, slack } = o.keys;
  const calls: [string, string, unknown, number][] = [
    ['PUT', '/apps/discord', { applicationId: discord.applicationId, publicKey: discord.publicKey, botToken: discord.botToken }, 200],
    ['PUT', '/apps/discord/links', { links: { [discord.userId]: staff } }, 200],
    ['PUT', '/apps/slack', { signingSecret: slack.signingSecret, botToken: slack.botToken }, 200],
    ['PUT', '/apps/slack/links', { links: { [slack.userId]: staff } }, 200],
    [
      'POST',
      '/webhooks',
      {
        name: o.locale === 'fr' ? 'Exemple — Slack (boîte de réception locale)' : 'Example — Slack (local inbox)',
        url: o.slackWebhookUrl,
        platform: 'slack',
        events: ['ticket.submit', 'ticket.reply', 'ticket.reopen', 'ticket.close'],
        options: { helpdeskButtons: true },
      },
      201,
    ],
  ];
  for (const [method, route, body, expected] of calls) {
    const res = await fetch(api + route, {
      method,
      headers: { authorization: `Bearer ${o.adminToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== expected) return { outcome: 'failed', detail: `${method} ${route}: HTTP ${res.status}` };
  }
  fs.mkdirSync(o.dataDir, { recursive: true });
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
  return { outcome: 'created' };
}
