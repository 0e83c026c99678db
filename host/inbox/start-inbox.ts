/**
 * The local demo inbox: its own HTTP server (default 127.0.0.1, port PORT+1 or INBOX_PORT) with
 * receivers that act like Discord and Slack incoming webhooks and a page showing what arrived.
 * Nothing leaves the machine. Request logging is off: receiver paths hold webhook tokens.
 */
import type { InboxReceiver } from '../../sdk/module-context.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { DiscordReceiver } from './discord-receiver.js';
import { InboxStore, type InboxMessage } from './inbox-store.js';
import { inboxPage, inboxScript, inboxUpdate, type InboxView } from './inbox-page.js';
import { SlackReceiver } from './slack-receiver.js';
import { GoogleChatReceiver } from './google-chat-receiver.js';

export interface InboxOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  now?: () => number;
  /** Language and time zone of the page (default fr, Europe/Paris): the host's. */
  locale?: 'fr' | 'en';
  timeZone?: string;
}

/** Messages kept in memory (the page draws the newest of them). */
const KEPT = 300;

export interface RunningInbox {
  /** Base URL, e.g. http://127.0.0.1:3001 */
  url: string;
  port: number;
  /** A Discord-like execute-webhook URL on this inbox. */
  discordWebhookUrl(id?: string, token?: string): string;
  /** A Slack-like incoming-webhook URL on this inbox. */
  slackWebhookUrl(): string;
  /** A Google-Chat-like incoming-webhook URL on this inbox. */
  googleChatWebhookUrl(space?: string): string;
  /** Which of its URLs answer like which platform (the host tells its modules: ctx.hostLinks.receivers). */
  receivers(): InboxReceiver[];
  /** Where each receiver's "use it" link leads (a webhook form prefilled with it), once the host knows. */
  offerReceivers(href: (platform: string) => string | null): void;
  messages(): InboxMessage[];
  clear(): void;
  close(): Promise<void>;
}

export async function startInbox(opts: InboxOptions): Promise<RunningInbox> {
  const store = new InboxStore(KEPT, opts.now);
  const view: InboxView = { locale: opts.locale ?? 'fr', timeZone: opts.timeZone ?? 'Europe/Paris' };
  const discord = new DiscordReceiver(store, opts.now);
  const slack = new SlackReceiver(store);
  const googleChat = new GoogleChatReceiver(store);
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const host = opts.host ?? '127.0.0.1';

  for (const path of ['/api/webhooks/:id/:token', '/api/v:version/webhooks/:id/:token']) {
    app.post(path, async (req, reply) => {
      const { id } = req.params as { id: string };
      const q = req.query as { wait?: string; thread_id?: string };
      const a = discord.receive(id, q.wait === 'true' || q.wait === '1', req.body, q.thread_id || undefined);
      reply.code(a.status).headers(a.headers);
      return a.body === null ? reply.send() : reply.send(a.body);
    });
    // A webhook edits its own message (the ticket's status card).
    app.patch(`${path}/messages/:messageId`, async (req, reply) => {
      const { id, messageId } = req.params as { id: string; messageId: string };
      const a = discord.edit(id, messageId, req.body);
      return reply.code(a.status).headers(a.headers).send(a.body);
    });
  }
  app.post('/services/:team/:bot/:secret', async (req, reply) => {
    const { team, secret } = req.params as { team: string; secret: string };
    const a = slack.receive(team, secret, req.body);
    return reply.code(a.status).headers(a.headers).send(a.body);
  });

  app.post('/v1/spaces/:space/messages', async (req, reply) => {
    const { space } = req.params as { space: string };
    const a = googleChat.receive(space, req.query as Record<string, string | undefined>, req.body);
    return reply.code(a.status).headers(a.headers).send(a.body);
  });

  let base = '';
  let useHref: ((platform: string) => string | null) | null = null;
  const discordWebhookUrl = (id = '1234567890123456789', token = 'demo-token-local-inbox') => `${base}/api/webhooks/${id}/${token}`;
  const slackWebhookUrl = () => `${base}/services/T0DEMO000/B0DEMO000/demoSecretLocalInbox`;
  const googleChatWebhookUrl = (space = 'AAAAdemoSpace') =>
    `${base}/v1/spaces/${space}/messages?key=demoKeyLocalInbox&token=demoTokenLocalInbox`;
  const receivers = (): InboxReceiver[] => [
    { platform: 'discord', urlPrefix: `${base}/api/webhooks/`, example: discordWebhookUrl() },
    { platform: 'discord', urlPrefix: `${base}/api/v10/webhooks/`, example: discordWebhookUrl() },
    { platform: 'slack', urlPrefix: `${base}/services/`, example: slackWebhookUrl() },
    { platform: 'googlechat', urlPrefix: `${base}/v1/spaces/`, example: googleChatWebhookUrl() },
  ];
  app.get('/', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'self'; connect-src 'self'",
      )
      .send(
        inboxPage(
          store.list(),
          [
            { label: 'Discord', example: `${base}/api/webhooks/<id>/<token>`, useHref: useHref?.('discord') ?? null },
            { label: 'Slack', example: `${base}/services/T…/B…/…`, useHref: useHref?.('slack') ?? null },
            { label: 'Google Chat', example: `${base}/v1/spaces/<space>/messages?key=…`, useHref: useHref?.('googlechat') ?? null },
          ],
          view,
          store.lastSeq(),
        ),
      ),
  );
  app.get('/inbox.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(inboxScript));
  app.get('/updates', async (req) => {
    const after = Number((req.query as { after?: string }).after);
    return inboxUpdate(store.list(), Number.isFinite(after) ? after : 0, view, store.lastSeq());
  });
  app.get('/messages.json', async () => ({ items: store.list() }));
  app.post('/clear', async (_req, reply) => {
    store.clear();
    return reply.code(204).send();
  });

  await app.listen({ port: opts.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: base,
    port,
    discordWebhookUrl,
    slackWebhookUrl,
    googleChatWebhookUrl,
    receivers,
    offerReceivers: (href) => {
      useHref = href;
    },
    messages: () => store.list(),
    clear: () => store.clear(),
    close: () => app.close(),
  };
}
