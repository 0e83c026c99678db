/**
 * Every event the module defines, fired through the reference host on every database: the
 * simulator (`POST /admin/simulate/<event>`, no body) emits a sample on the host bus, and webhooks
 * listening to every event receive it on test sinks on 127.0.0.1 (Discord, Slack, signed JSON).
 * Each delivered body is checked against the platform's published contract
 * (test/support/platform-contracts.ts), and the manifest lists exactly the events the module
 * defines. Needs the built dist/ (`npm test` builds it first).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Host } from '../../host/create-host.js';
import { knownEventNames } from '../../module/events/index.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { DiscordSink } from '../support/discord-sink.js';
import { SlackSink } from '../support/slack-sink.js';
import { JsonSink } from '../support/json-sink.js';
import { discordViolations, slackLikeViolations, type Violation } from '../support/platform-contracts.js';
import { repoRoot, requireBuild, waitFor } from '../support/host-child.js';
import { startTestHost } from '../fixtures/host-kit.js';

const T = 90_000;
const events = knownEventNames();

describe('the manifest', () => {
  it('lists every event the module defines, and nothing else', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'manifest.json'), 'utf8')) as { events: string[] };
    expect([...manifest.events].sort()).toEqual([...events].sort());
    expect(events).toHaveLength(28);
  });
});

describe.each(testDatabaseKinds())('every event through the host bus on %s', (kind) => {
  let host: Host;
  let varDir: string;
  let drop: () => Promise<void>;
  const discord = new DiscordSink({ limit: 100, windowMs: 1000 });
  const slack = new SlackSink({ minGapMs: 0 });
  const json = new JsonSink();
  const auth = () => ({ authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' });

  async function createWebhook(body: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${host.url}/admin/modules/webhooks/api/webhooks`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ events, ...body }),
    });
    if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${await res.text()}`);
  }

  beforeAll(async () => {
    requireBuild();
    await Promise.all([discord.start(), slack.start(), json.start()]);
    const created = await createDatabaseUrl(kind);
    drop = created.drop;
    ({ host, varDir } = await startTestHost({
      label: `every-event-${kind}`,
      databaseUrl: created.url,
      profile: 'development',
      locale: 'fr',
    }));
    await host.modules.installFromFolder(repoRoot);
    expect((await host.modules.enable('webhooks')).error).toBeNull();
    await createWebhook({ name: 'Discord', url: discord.url('1001'), platform: 'discord', options: { mode: 'embed', coalesce: false } });
    await createWebhook({
      name: 'Slack',
      url: slack.url('every'),
      platform: 'slack',
      options: { slackBlocks: true, coalesce: false },
      // One event's own template, read before its family's.
      eventTemplates: { 'invoice.paid': 'Payée : %number% (%price%)' },
    });
    await createWebhook({ name: 'JSON', url: json.url('every'), platform: 'json' });
  }, T);

  afterAll(async () => {
    await host?.close();
    await Promise.all([discord.close(), slack.close(), json.close()]);
    await drop?.();
    if (varDir) fs.rmSync(varDir, { recursive: true, force: true });
  }, T);

  it(
    'fires a sample of each event with an empty POST /admin/simulate/<event> and delivers it to every platform, within its contract',
    async () => {
      for (const event of events) {
        const res = await fetch(`${host.url}/admin/simulate/${event}`, { method: 'POST', headers: auth(), body: '' });
        expect({ event, status: res.status }).toEqual({ event, status: 202 });
      }
      await waitFor(
        'every event on every sink',
        () => json.requests.length >= events.length && discord.requests.length >= events.length && slack.requests.length >= events.length,
        60_000,
      );
      // The JSON body names its event: each one arrived exactly once.
      expect(json.requests.map((r) => r.json?.type).sort()).toEqual([...events].sort());
      const broken: Violation[] = [];
      for (const r of discord.requests) broken.push(...discordViolations(r.json ?? {}, r.query));
      for (const r of slack.requests) broken.push(...slackLikeViolations('slack', r.json ?? {}));
      expect(broken).toEqual([]);
      expect(discord.requests.map((r) => r.status)).toEqual(events.map(() => 200));
      expect(slack.requests.map((r) => r.status)).toEqual(events.map(() => 200));
      const texts = slack.requests.map((r) => String(r.json?.text));
      expect(texts.filter((t) => t.startsWith('Payée : FA-2026-'))).toHaveLength(1);
      expect(texts.filter((t) => t.includes('Nouvelle facture n° FA-2026-'))).toHaveLength(1);
      // The delivery log has one delivered row per event and webhook, each with its reference.
      const rows = () => host.db('wh_deliveries').select('status', 'reference') as Promise<{ status: string; reference: string | null }[]>;
      await waitFor('every row delivered', async () => (await rows()).every((r) => r.status === 'delivered'), 20_000);
      expect(await rows()).toHaveLength(events.length * 3);
      expect((await rows()).filter((r) => !r.reference)).toEqual([]);
    },
    T,
  );
});
