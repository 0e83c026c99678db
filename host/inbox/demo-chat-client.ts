/**
 * The inbox as a Discord and Slack *client* for the one-minute demo: a click on a button the inbox
 * drew becomes the interaction the real platform would send — Discord's (signed with the demo
 * Ed25519 key) or Slack's (`payload=` form, `X-Slack-Signature` v0 with the demo signing secret) —
 * posted to the module's public interaction routes. The inbox also plays the two platform
 * endpoints the module calls back: Slack's `views.open` (the Reply modal; the host's Slack API
 * base points here in development) and the interaction's `response_url`. What the module answers
 * goes back to the page: a modal to draw, words only the clicking user sees, or the message in its
 * new state. Nothing here decides anything: the module does, from what it verified.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DemoChatKeys } from './demo-chat-keys.js';
import type { InboxStore } from './inbox-store.js';

/** Where the module's public interaction routes are and what to sign with. */
export interface DemoChatTarget {
  /** e.g. http://127.0.0.1:8080 */
  hostUrl: string;
  keys: DemoChatKeys;
  /** The module's public routes, default `/hooks/webhooks`. */
  hooksPath?: string;
}

/** What the page does next. */
export type DemoAnswer =
  | {
      show: 'modal';
      platform: 'discord' | 'slack';
      seq: number;
      id: string;
      title: string;
      label: string;
      submit?: string;
      close?: string;
      maxLength: number;
    }
  | { show: 'note'; text: string }
  | { show: 'updated' }
  | { show: 'closed' };

/** A click the inbox cannot send (an unknown message or modal). */
type Failure = { status: number; error: string };

/** How long the inbox waits for Slack's after-ack calls (views.open, response_url). */
const CALLBACK_WAIT_MS = 2500;
const DISCORD_GUILD = '1100000000000000001';
const DISCORD_CHANNEL = '1100000000000000000';

const snowflake = () => ((BigInt(Date.now() - 1420070400000) << 22n) | BigInt(crypto.randomInt(1 << 22))).toString();
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

interface Waiter {
  resolve(a: DemoAnswer): void;
}

export interface DemoChatClient {
  connect(target: DemoChatTarget): void;
  connected(): boolean;
}

export function registerDemoChatClient(app: FastifyInstance, store: InboxStore, baseUrl: () => string): DemoChatClient {
  let target: DemoChatTarget | null = null;
  /** Slack's after-ack calls, by trigger_id and by response_url nonce. */
  const waiting = new Map<string, Waiter>();
  /** Modals views.open opened, by callback_id: where their answer input is. */
  const views = new Map<string, { viewId: string; block: string; action: string }>();

  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const url = `${target!.hostUrl}${target!.hooksPath ?? '/hooks/webhooks'}${path}`;
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  };
  const refused = (status: number, text: string): DemoAnswer => ({ show: 'note', text: `HTTP ${status}: ${text.slice(0, 200)}` });

  /** Waits for Slack's callback named `key`, or says nothing came. */
  const callback = (key: string) =>
    new Promise<DemoAnswer | null>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(key);
        resolve(null);
      }, CALLBACK_WAIT_MS);
      waiting.set(key, {
        resolve(a) {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(a);
        },
      });
    });

  async function discord(b: { seq?: unknown; id?: unknown; content?: unknown }): Promise<DemoAnswer | Failure> {
    const msg = store.list().find((m) => m.seq === Number(b.seq) && m.kind === 'discord');
    if (!msg) return { status: 404, error: 'no such message' };
    const keys = target!.keys.discord;
    const customId = str(b.id);
    const submit = typeof b.content === 'string';
    const interaction = {
      id: snowflake(),
      application_id: keys.applicationId,
      type: submit ? 5 : 3,
      token: crypto.randomBytes(24).toString('base64url'),
      version: 1,
      guild_id: DISCORD_GUILD,
      channel_id: msg.thread?.id ?? DISCORD_CHANNEL,
      member: { user: { id: keys.userId, username: 'demo', global_name: 'Demo', discriminator: '0' }, roles: [], permissions: '0' },
      data: submit
        ? { custom_id: customId, components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value: b.content }] }] }
        : { custom_id: customId, component_type: 2 },
      message: { id: msg.messageId, channel_id: msg.thread?.id ?? DISCORD_CHANNEL, components: msg.body.components ?? [] },
    };
    const body = JSON.stringify(interaction);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = crypto.sign(null, Buffer.from(timestamp + body), crypto.createPrivateKey(keys.privateKeyPem)).toString('hex');
    const res = await post('/discord/interactions', body, {
      'content-type': 'application/json',
      'x-signature-ed25519': signature,
      'x-signature-timestamp': timestamp,
    });
    if (res.status !== 200) return refused(res.status, res.text);
    const a = JSON.parse(res.text) as { type?: number; data?: Record<string, unknown> };
    const data = a.data ?? {};
    if (a.type === 9) {
      const input = ((data.components as { components?: Record<string, unknown>[] }[] | undefined)?.[0]?.components ?? [])[0] ?? {};
      return {
        show: 'modal',
        platform: 'discord',
        seq: msg.seq,
        id: str(data.custom_id),
        title: str(data.title),
        label: str(input.label),
        maxLength: Number(input.max_length) || 4000,
      };
    }
    if (a.type === 7 && msg.messageId) {
      store.edit(msg.messageId, { components: data.components });
      return { show: 'updated' };
    }
    if (a.type === 4) return { show: 'note', text: str(data.content) };
    return refused(res.status, res.text);
  }

  /** A click on a Slack button, or Enter in the message's answer field: a `block_actions`. */
  async function slack(b: {
    seq?: unknown;
    id?: unknown;
    value?: unknown;
    input?: unknown;
    content?: unknown;
  }): Promise<DemoAnswer | Failure> {
    if (typeof b.content === 'string') return slackSubmit(str(b.id), b.content);
    const keys = target!.keys.slack;
    const msg = store.list().find((m) => m.seq === Number(b.seq) && m.kind === 'slack');
    if (!msg) return { status: 404, error: 'no such message' };
    const triggerId = `${Date.now()}.${crypto.randomInt(1e9)}.${crypto.randomBytes(8).toString('hex')}`;
    const nonce = crypto.randomBytes(12).toString('hex');
    const action =
      b.input === true ? { type: 'plain_text_input', block_id: 'ticket-answer' } : { type: 'button', block_id: 'ticket-actions' };
    const payload = {
      type: 'block_actions',
      team: { id: keys.teamId },
      user: { id: keys.userId, username: 'demo', name: 'demo', team_id: keys.teamId },
      api_app_id: 'A0DEMOINBOX',
      trigger_id: triggerId,
      response_url: `${baseUrl()}/demo/slack/response/${msg.seq}/${nonce}`,
      container: { type: 'message', message_ts: `${Math.floor(msg.at / 1000)}.000100`, channel_id: 'C0DEMO000' },
      message: { type: 'message', text: msg.body.text, blocks: msg.body.blocks },
      actions: [{ ...action, action_id: str(b.id), value: str(b.value), action_ts: String(Date.now() / 1000) }],
    };
    // The modal (views.open) or the outcome (response_url) comes after the ack: listen first.
    const waitFor = [triggerId, nonce];
    const pending = Promise.race(waitFor.map((k) => callback(k)));
    const ack = await signedSlack(payload);
    const after = ack.status === 200 ? await pending : null;
    for (const k of waitFor) waiting.get(k)?.resolve({ show: 'closed' });
    if (ack.status !== 200) return refused(ack.status, ack.text);
    // Nothing came back in time: the message may still have changed.
    return after ?? { show: 'updated' };
  }

  /** The modal's submit: a `view_submission` with the typed text where the opened view put its input. */
  async function slackSubmit(callbackId: string, content: string): Promise<DemoAnswer | Failure> {
    const input = views.get(callbackId);
    if (!input) return { status: 404, error: 'no such modal' };
    const keys = target!.keys.slack;
    const ack = await signedSlack({
      type: 'view_submission',
      team: { id: keys.teamId },
      user: { id: keys.userId, username: 'demo', name: 'demo', team_id: keys.teamId },
      view: {
        id: input.viewId,
        type: 'modal',
        callback_id: callbackId,
        state: { values: { [input.block]: { [input.action]: { type: 'plain_text_input', value: content } } } },
      },
    });
    if (ack.status !== 200) return refused(ack.status, ack.text);
    // An empty ack closes the modal; `response_action: errors` keeps it open and says why.
    const body = (ack.text ? JSON.parse(ack.text) : {}) as { response_action?: string; errors?: Record<string, string> };
    if (body.response_action === 'errors') return { show: 'note', text: Object.values(body.errors ?? {}).join(' ') };
    views.delete(callbackId);
    return { show: 'closed' };
  }

  async function signedSlack(payload: Record<string, unknown>) {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = 'v0=' + crypto.createHmac('sha256', target!.keys.slack.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
    return post('/slack/interactions', body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': signature,
      'x-slack-request-timestamp': timestamp,
    });
  }

  for (const [platform, act] of [
    ['discord', discord],
    ['slack', slack],
  ] as const) {
    app.post(`/demo/${platform}`, async (req, reply) => {
      if (!target) return reply.code(503).send({ error: 'the demo chat client is not connected to the host yet' });
      // JSON only: a page of another site can post a form or text/plain here without asking, but
      // not application/json (the browser's preflight gets no CORS answer).
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || typeof req.body !== 'object' || req.body === null)
        return reply.code(415).send({ error: 'send a JSON object' });
      const body = req.body as Record<string, unknown>;
      try {
        const a = await act(body);
        return 'status' in a ? reply.code(a.status).send({ error: a.error }) : reply.send(a);
      } catch (err) {
        return reply.code(502).send({ error: `the host did not answer (${(err as { code?: string }).code ?? (err as Error).name})` });
      }
    });
  }

  // Slack's Web API `views.open`, as the module calls it with the demo bot token.
  app.post('/api/views.open', async (req, reply) => {
    const auth = String(req.headers.authorization ?? '');
    if (!target || auth !== `Bearer ${target.keys.slack.botToken}`) return reply.send({ ok: false, error: 'invalid_auth' });
    const b = (req.body ?? {}) as { trigger_id?: unknown; view?: Record<string, unknown> };
    const waiter = waiting.get(str(b.trigger_id));
    if (!waiter || !b.view) return reply.send({ ok: false, error: 'invalid_trigger_id' });
    const viewId = 'V' + crypto.randomBytes(5).toString('hex').toUpperCase();
    const v = b.view as {
      callback_id?: string;
      title?: { text?: string };
      submit?: { text?: string };
      close?: { text?: string };
      blocks?: { block_id?: string; label?: { text?: string }; element?: { action_id?: string; max_length?: number } }[];
    };
    views.set(str(v.callback_id), {
      viewId,
      block: str(v.blocks?.[0]?.block_id),
      action: str(v.blocks?.[0]?.element?.action_id),
    });
    waiter.resolve({
      show: 'modal',
      platform: 'slack',
      seq: 0,
      id: str(v.callback_id),
      title: str(v.title?.text),
      submit: str(v.submit?.text),
      close: str(v.close?.text),
      label: str(v.blocks?.[0]?.label?.text),
      maxLength: Number(v.blocks?.[0]?.element?.max_length) || 3000,
    });
    return reply.send({ ok: true, view: { id: viewId, ...b.view } });
  });

  // The interaction's response_url: the message replaced, or words for the one who clicked.
  app.post('/demo/slack/response/:seq/:nonce', async (req, reply) => {
    const { seq, nonce } = req.params as { seq: string; nonce: string };
    const b = (req.body ?? {}) as { replace_original?: unknown; text?: unknown; blocks?: unknown };
    if (b.replace_original === true) {
      store.editAt(Number(seq), { text: b.text, blocks: b.blocks });
      waiting.get(nonce)?.resolve({ show: 'updated' });
    } else waiting.get(nonce)?.resolve({ show: 'note', text: str(b.text) });
    return reply.send({ ok: true });
  });

  return {
    connect(t) {
      target = t;
    },
    connected: () => target !== null,
  };
}
