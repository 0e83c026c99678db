/**
 * 1,000 random and hostile bodies at each of the helpdesk's public endpoints, over real HTTP to a
 * reference host on 127.0.0.1 (issue 26): `POST /hooks/webhooks/discord/interactions`,
 * `/slack/interactions` and `/slack/events`, with the Discord application and the Slack app
 * connected (keys made here), a linked staff member and real tickets (one in a Slack thread the
 * app posted). Garbage bytes, huge and deeply nested JSON, wrong types, prototype keys, malformed
 * `payload=` forms, and platform-shaped bodies with hostile fields (unknown and real ticket ids,
 * forged custom_ids, spoofed, unlinked and prototype-named user ids, oversized text); most are
 * signed with the app's real key, so they get past the signature and reach the parsing and acting.
 *
 * Asserted: no answer is a 5xx; a good signature is never refused and a bad one always is; no
 * 429 (the fuzz is not testing the limiter); nothing acts (tickets, messages, assignments, the
 * audit trail, the outbox, and what the stand-ins for Discord's and Slack's APIs received); the
 * host's own page answers 200 during and after the run.
 *
 * "Nothing acts" holds by construction of the bodies, not by luck: the linked user's ids
 * (Discord ALICE_DISCORD, Slack ALICE_SLACK) are only ever generated in bodies that are no action
 * on a ticket (a Reply button only opens Discord's modal, a modal submitted blank, an action on
 * the wrong kind of interaction, a custom_id that does not parse, an answer in the thread that is
 * an edit, a bot's, blank, or the thread's parent); every other body names users who are not
 * linked (random, look-alikes, prototype names), and random bodies that happen to contain a
 * linked id are dropped. Refusals told to the person who tried (Slack's ephemeral "not linked" in
 * a ticket's thread, words on a response_url) are answers, not actions: they are checked to be
 * exactly that; every other call to the chat APIs is compared before and after.
 *
 * The public routes allow 600 requests a minute per address (module/helpdesk/register-helpdesk.ts),
 * fewer than 1,000: the host trusts 127.0.0.1 as its proxy here (HOST_TRUST_PROXY, as behind a
 * reverse proxy), and the test's requests come from a new forwarded address every 100.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { Host } from '../../host/create-host.js';
import { startTestHost } from '../fixtures/host-kit.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { adminApi, helpdeskWithTicket, slackAppWebhook } from '../support/helpdesk-setup.js';
import { anyOr, ticketActionIds } from '../support/hostile-arbitraries.js';
import { SlackWebApiFake } from '../support/slack-web-api-fake.js';
import { waitUntil } from '../faults/wait-until.js';

const SEED = 2626;
const RUNS = 1000;
const discordKeys = crypto.generateKeyPairSync('ed25519');
const otherDiscordKeys = crypto.generateKeyPairSync('ed25519');
const DISCORD_PUBLIC_KEY = (discordKeys.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('hex');
const APP_ID = '123456789012345678';
const DISCORD_BOT = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';
const SLACK_SECRET = crypto.randomBytes(16).toString('hex');
const OTHER_SLACK_SECRET = crypto.randomBytes(16).toString('hex');
const SLACK_BOT = 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const CHANNEL = 'C0TICKETS1';
const ALICE_DISCORD = '80351110224678912';
const ALICE_SLACK = 'U0ALICE01';
const UNKNOWN_TICKETS = ['999999', '0', '-1', 'abc', '9'.repeat(64)];

type Endpoint = 'discord/interactions' | 'slack/interactions' | 'slack/events';
type Signing = 'signed' | 'none' | 'other key' | 'stale' | 'tampered' | 'malformed';
/** One request: what it is (for the report), its bytes, and how it is signed. */
interface Shot {
  kind: string;
  body: Buffer;
  contentType: string;
  signing: Signing;
  /** Slack's retry headers (Events API). */
  retry?: number;
}
interface Answer {
  shot: Shot;
  status: number;
  text: string;
}

const bytes = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null');
const form = (payload: unknown) => Buffer.from('payload=' + encodeURIComponent(JSON.stringify(payload) ?? 'null'));
const excerpt = (b: Buffer) => JSON.stringify(b.toString('utf8').slice(0, 300)) + (b.length > 300 ? ` … (${b.length} bytes)` : '');
/** A string fast-check made that is no linked user's id (String() of it, as the Discord handler reads an id). */
const notLinked = (v: unknown) => {
  try {
    return String(v) !== ALICE_DISCORD && String(v) !== ALICE_SLACK;
  } catch {
    return true;
  }
};
/** Random bytes or text that happen to name a linked user are left out (see the file's comment). */
const namesNoLinkedUser = (s: { body: Buffer }) => {
  const text = s.body.toString('latin1');
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // not a form: the bytes as they are
  }
  return ![ALICE_DISCORD, ALICE_SLACK].some((id) => text.includes(id) || decoded.includes(id));
};

const signing: fc.Arbitrary<Signing> = fc.oneof(
  { arbitrary: fc.constant<Signing>('signed'), weight: 12 },
  { arbitrary: fc.constantFrom<Signing>('none', 'other key', 'stale', 'tampered', 'malformed'), weight: 3 },
);

/** Bodies that are no platform's: bytes, text, any JSON, JSON nested deep or past the 64 KiB limit, prototype keys. */
const garbage: fc.Arbitrary<Omit<Shot, 'signing' | 'contentType'>> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((b) => ({ kind: 'bytes', body: Buffer.from(b) })),
  fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => ({ kind: 'text', body: Buffer.from(s) })),
  fc.json({ maxDepth: 4 }).map((s) => ({ kind: 'any JSON', body: Buffer.from(s) })),
  fc.tuple(fc.integer({ min: 1000, max: 12_000 }), fc.boolean()).map(([n, arrays]) => ({
    kind: 'deep JSON',
    body: Buffer.from(arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  })),
  fc
    .integer({ min: 60_000, max: 70_000 })
    .map((n) => ({ kind: 'huge JSON', body: bytes({ type: 3, data: { custom_id: 'x'.repeat(n) } }) })),
  fc
    .constantFrom(
      '{"__proto__":{"polluted":"yes","type":3}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"__proto__":[],"type":"event_callback","event":{"__proto__":{"type":"message"}}}',
      '[{"__proto__":{"toString":1}}]',
    )
    .map((s) => ({ kind: 'prototype keys', body: Buffer.from(s) })),
);

const contentType = (proper: string) =>
  fc.oneof(
    { arbitrary: fc.constant(proper), weight: 8 },
    {
      arbitrary: fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
      ),
      weight: 2,
    },
  );
const oversized = fc.oneof(
  fc.string(),
  fc.integer({ min: 4001, max: 20_000 }).map((n) => 'ä'.repeat(n)),
);

describe.each(testDatabaseKinds())('1,000 hostile bodies at each public helpdesk endpoint, over HTTP, on %s', (kind) => {
  let host: Host;
  let varDir: string;
  let drop: () => Promise<void>;
  const slack = new SlackWebApiFake(SLACK_BOT, [CHANNEL]);
  /** The stand-in for Discord's API, and a receiver for Slack's response_url: what each got. */
  const discordCalls: string[] = [];
  const told: Array<Record<string, unknown>> = [];
  let discordApi: http.Server;
  let receiver: http.Server;
  let responseUrl = '';
  const ticketEvents: string[] = [];
  let realTickets: string[] = [];
  let threadTs = '';
  let sent = 0;

  const api = (method: string, path: string, body?: unknown) => adminApi(host)(method, path, body);
  const listen = async (handler: (path: string, body: string) => void) => {
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      req.on('end', () => {
        handler(req.url ?? '', raw);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  };
  const portOf = (s: http.Server) => (s.address() as AddressInfo).port;

  /** The signature headers a shot carries: as the platform signs, or wrongly. */
  const signatureHeaders = (endpoint: Endpoint, shot: Shot): { headers: Record<string, string>; body: Buffer } => {
    const now = Math.floor(Date.now() / 1000);
    const ts = String(shot.signing === 'stale' ? now - 301 - (shot.body.length % 1000) : now);
    // Tampered: signed over other bytes than those sent.
    const over = shot.signing === 'tampered' ? Buffer.concat([shot.body, Buffer.from(' ')]) : shot.body;
    if (shot.signing === 'none') return { headers: {}, body: shot.body };
    if (endpoint === 'discord/interactions') {
      if (shot.signing === 'malformed')
        return { headers: { 'x-signature-ed25519': 'zz'.repeat(64), 'x-signature-timestamp': 'now' }, body: shot.body };
      const key = shot.signing === 'other key' ? otherDiscordKeys.privateKey : discordKeys.privateKey;
      const signature = crypto.sign(null, Buffer.concat([Buffer.from(ts), over]), key).toString('hex');
      return { headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': ts }, body: shot.body };
    }
    if (shot.signing === 'malformed')
      return { headers: { 'x-slack-signature': 'v1=abc', 'x-slack-request-timestamp': '-1' }, body: shot.body };
    const secret = shot.signing === 'other key' ? OTHER_SLACK_SECRET : SLACK_SECRET;
    const signature = 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${ts}:`).update(over).digest('hex');
    return { headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts }, body: shot.body };
  };
  const send = async (endpoint: Endpoint, shot: Shot): Promise<Answer> => {
    const { headers, body } = signatureHeaders(endpoint, shot);
    // A new forwarded address every 100 requests: under the route's 600 a minute per address.
    const n = Math.floor(sent++ / 100);
    const retry: Record<string, string> = shot.retry
      ? { 'x-slack-retry-num': String(shot.retry), 'x-slack-retry-reason': 'http_timeout' }
      : {};
    const res = await fetch(`${host.url}/hooks/webhooks/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': shot.contentType, 'x-forwarded-for': `10.26.${n >> 8}.${n & 255}`, ...headers, ...retry },
      body: new Uint8Array(body),
    });
    return { shot, status: res.status, text: (await res.text()).slice(0, 300) };
  };

  /** What must not change: the host's tickets and the module's audit trail, outbox and threads. */
  const TABLES = [
    'host_tickets',
    'host_ticket_messages',
    'host_notifications',
    'host_staff',
    'host_settings',
    'wh_audit',
    'wh_events',
    'wh_deliveries',
    'wh_attempts',
    'wh_ticket_threads',
    'wh_awaiting_staff',
    'wh_webhooks',
  ];
  const snapshot = async () => {
    const out: Record<string, string[]> = {};
    for (const table of TABLES) out[table] = (await host.db(table).select()).map((r) => JSON.stringify(r)).sort();
    return {
      db: out,
      slackActs: slack.calls.filter((c) => c.method !== 'chat.postEphemeral').map((c) => JSON.stringify([c.method, c.body])),
      discordCalls: [...discordCalls],
      ticketEvents: [...ticketEvents],
    };
  };

  beforeAll(async () => {
    await slack.start();
    discordApi = await listen((path, body) => void discordCalls.push(`${path} ${body.slice(0, 200)}`));
    receiver = await listen((_path, body) => void told.push(JSON.parse(body) as Record<string, unknown>));
    responseUrl = `http://127.0.0.1:${portOf(receiver)}/actions/T1/2/abc`;
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    ({ host, varDir } = await startTestHost({
      label: `helpdesk-fuzz-${kind}`,
      databaseUrl: db.url,
      locale: 'en',
      // Development: the Slack app's webhook and response_url may be receivers on 127.0.0.1.
      profile: 'development',
      trustProxy: '127.0.0.1',
      chatApiBases: { slack: slack.url, discord: `http://127.0.0.1:${portOf(discordApi)}/api/v10` },
    }));
    host.bus.onAny((name) => void (String(name).startsWith('ticket.') && ticketEvents.push(String(name))));
    const first = await helpdeskWithTicket(host, {
      subject: 'VPS down',
      department: 'Support',
      priority: 'high',
      content: 'Nothing answers.',
    });
    expect(
      (await api('PUT', '/apps/discord', { applicationId: APP_ID, publicKey: DISCORD_PUBLIC_KEY, botToken: DISCORD_BOT })).status,
    ).toBe(200);
    expect((await api('PUT', '/apps/discord/links', { links: { [ALICE_DISCORD]: 'alice' } })).status).toBe(200);
    await slackAppWebhook(host, {
      signingSecret: SLACK_SECRET,
      botToken: SLACK_BOT,
      slackUser: ALICE_SLACK,
      apiBase: slack.url,
      channel: CHANNEL,
    });
    // A second ticket, posted by the app: its thread is where Events API answers would land.
    const second = await host.helpdesk.open({
      subject: 'Mail server down',
      department: 'Support',
      priority: 'high',
      content: 'No mail since this morning.',
      customer: { firstName: 'Dana', lastName: 'Customer', email: 'dana@example.com' },
    });
    realTickets = [first.ticketId, String(second.ticket.id)];
    await waitUntil(
      () => slack.posts(CHANNEL).length === 1,
      () => `calls: ${JSON.stringify(slack.calls.map((c) => c.method))}`,
    );
    threadTs = String(slack.posts(CHANNEL)[0].answer.ts);
    // The post is settled (delivered) before the "before" pictures are taken.
    await waitUntil(
      async () => (await host.db('wh_deliveries').whereNot({ status: 'delivered' })).length === 0,
      () => 'a delivery is still under way',
    );
  });
  afterAll(async () => {
    await host?.close();
    await slack.close();
    await new Promise((r) => discordApi?.close(r));
    await new Promise((r) => receiver?.close(r));
    await drop?.();
    fs.rmSync(varDir, { recursive: true, force: true });
  });

  // ---- What each endpoint is sent ----

  const ticketIds = () => [...realTickets, ...UNKNOWN_TICKETS];
  const anyTicket = () => fc.constantFrom(...ticketIds());
  /** custom_ids / action_ids that never parse as a ticket action (what the linked user may send). */
  const nearMiss = () =>
    fc.oneof(
      ticketActionIds(ticketIds()).filter((id) => !/^ticket:(reply|close|claim|reply-modal):[A-Za-z0-9_-]{1,64}$/.test(id)),
      fc.string().filter((s) => !s.startsWith('ticket:')),
    );
  /** Look-alikes of the linked users' ids, prototype names, and anything else: never a linked id. */
  const strangerId = (like: string) =>
    fc
      .oneof(
        fc.constantFrom(
          like + ' ',
          '0' + like,
          like.toLowerCase(),
          like + '\u0000',
          like.slice(0, -1),
          '',
          'constructor',
          '__proto__',
          'toString',
          'hasOwnProperty',
        ),
        fc.constantFrom('99999999999999999', 'U0STRANGER', '８０３５１１１０２２４６７８９１２'),
        fc.string(),
        fc.anything(),
      )
      .filter(notLinked);
  const snowflake = fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String);
  const withSigning = (endpoint: Endpoint, proper: string, shots: fc.Arbitrary<Omit<Shot, 'signing' | 'contentType'>>) =>
    fc
      .record({
        s: shots,
        signing,
        contentType: contentType(proper),
        retry: endpoint === 'slack/events' ? fc.constantFrom(0, 0, 0, 1, 2) : fc.constant(0),
      })
      .map(({ s, signing, contentType, retry }): Shot => ({ ...s, signing, contentType, retry }));

  const discordShots = () => {
    const who = (id: fc.Arbitrary<unknown>) =>
      anyOr(fc.record({ id, username: anyOr(oversized), global_name: anyOr(oversized) }, { requiredKeys: ['id'] }));
    const stranger = fc.record(
      {
        type: anyOr(fc.constantFrom(1, 2, 3, 4, 5)),
        id: anyOr(snowflake),
        application_id: anyOr(fc.constant(APP_ID)),
        token: anyOr(fc.string({ maxLength: 600 })),
        data: anyOr(
          fc.record(
            {
              custom_id: anyOr(ticketActionIds(ticketIds())),
              component_type: anyOr(fc.constantFrom(2, 3, 4)),
              components: anyOr(
                fc.array(
                  fc.record({
                    type: fc.constant(1),
                    components: fc.array(fc.record({ custom_id: fc.constant('content'), value: anyOr(oversized) })),
                  }),
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
        member: anyOr(fc.record({ user: who(strangerId(ALICE_DISCORD)) }, { requiredKeys: [] })),
        user: who(strangerId(ALICE_DISCORD)),
        message: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const blankContent = fc.constantFrom<unknown>('', '   ', '\n\t ', null, 42, ['words'], { value: 'words' });
    // The linked user, only in interactions that act on nothing (see the file's comment).
    const inert = fc.oneof(
      anyTicket().map((id) => ({ type: 3, data: { custom_id: `ticket:reply:${id}`, component_type: 2 } })),
      fc.tuple(anyTicket(), blankContent).map(([id, value]) => ({
        type: 5,
        data: { custom_id: `ticket:reply-modal:${id}`, components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value }] }] },
      })),
      fc
        .tuple(anyTicket(), fc.constantFrom('claim', 'close', 'reply'))
        .map(([id, a]) => ({ type: 5, data: { custom_id: `ticket:${a}:${id}` } })),
      anyTicket().map((id) => ({ type: 3, data: { custom_id: `ticket:reply-modal:${id}` } })),
      fc
        .tuple(fc.constantFrom(2, 4, 6, '3', 3.5, null), anyTicket())
        .map(([type, id]) => ({ type, data: { custom_id: `ticket:claim:${id}` } })),
      nearMiss().map((custom_id) => ({ type: 3, data: { custom_id, component_type: 2 } })),
    );
    const linked = fc.tuple(inert, fc.boolean(), snowflake).map(([i, dm, id]) => ({
      ...i,
      id,
      application_id: APP_ID,
      token: 'tok',
      ...(dm ? { user: { id: ALICE_DISCORD } } : { member: { user: { id: ALICE_DISCORD, username: 'alice' } } }),
    }));
    // The modal's input nested ever deeper (blank at the bottom): the handler reads it recursively.
    const deep = fc.tuple(fc.constantFrom(...realTickets), fc.integer({ min: 500, max: 2400 })).map(([id, depth]) => ({
      kind: 'interaction, linked, deep components',
      body: Buffer.from(
        `{"type":5,"id":"1","member":{"user":{"id":"${ALICE_DISCORD}"}},"data":{"custom_id":"ticket:reply-modal:${id}","components":` +
          '[{"type":1,"components":'.repeat(depth) +
          '[{"custom_id":"content","value":" "}]' +
          '}]'.repeat(depth) +
          '}}',
      ),
    }));
    // Well-formed clicks and submits on the real tickets, by users who are not linked.
    const wellFormed = fc
      .tuple(
        fc.constantFrom(...realTickets),
        fc.constantFrom('reply', 'claim', 'close', 'reply-modal'),
        strangerId(ALICE_DISCORD),
        snowflake,
        fc.boolean(),
      )
      .map(([id, action, user, iid, dm]) => ({
        type: action === 'reply-modal' ? 5 : 3,
        id: iid,
        application_id: APP_ID,
        token: 'tok',
        data: {
          custom_id: `ticket:${action}:${id}`,
          component_type: 2,
          components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value: 'Hijacked' }] }],
        },
        ...(dm ? { user: { id: user } } : { member: { user: { id: user, username: 'mallory' } } }),
      }));
    // Prototype keys that would name the linked user if they were read as fields.
    const hidden = fc.constantFrom(...realTickets).map((id) => ({
      kind: 'prototype keys (Discord)',
      body: Buffer.from(
        `{"type":3,"id":"1","data":{"custom_id":"ticket:claim:${id}"},"member":{"user":{"__proto__":{"id":"${ALICE_DISCORD}"}}},"user":{"constructor":{"prototype":{"id":"${ALICE_DISCORD}"}}}}`,
      ),
    }));
    return withSigning(
      'discord/interactions',
      'application/json',
      fc.oneof(
        {
          arbitrary: fc
            .oneof(
              garbage,
              stranger.map((i) => ({ kind: 'interaction, not linked', body: bytes(i) })),
            )
            .filter(namesNoLinkedUser),
          weight: 6,
        },
        { arbitrary: wellFormed.map((i) => ({ kind: 'interaction on a real ticket, not linked', body: bytes(i) })), weight: 3 },
        { arbitrary: linked.map((i) => ({ kind: 'interaction, linked, no action', body: bytes(i) })), weight: 3 },
        { arbitrary: fc.oneof(hidden, deep), weight: 1 },
      ),
    );
  };

  const slackUser = (id: fc.Arbitrary<unknown>) =>
    anyOr(
      fc.record(
        { id, username: anyOr(oversized), name: anyOr(fc.string()), team_id: anyOr(fc.constant('T0001')) },
        { requiredKeys: ['id'] },
      ),
    );
  /** Only our receiver, or addresses the host must refuse (never Slack's real one: no traffic leaves 127.0.0.1). */
  const responseUrls = () =>
    anyOr(
      fc.constantFrom(
        responseUrl,
        'https://hooks.slack.com.evil.example/actions/1',
        'https://user:pw@hooks.slack.com/actions/1',
        'http://hooks.slack.com/actions/1',
        'https://hooks.slack.com:8443/actions/1',
        'file:///etc/passwd',
        'not a url',
      ),
    ).filter((v) => typeof v !== 'string' || v === responseUrl || !/127\.0\.0\.1|localhost|^https:\/\/hooks\.slack\.com\//.test(v));

  const slackInteractionShots = () => {
    const stranger = fc.record(
      {
        type: anyOr(fc.constantFrom('block_actions', 'view_submission', 'shortcut', 'view_closed')),
        user: slackUser(strangerId(ALICE_SLACK)),
        trigger_id: anyOr(fc.stringMatching(/^[0-9a-f.]{1,40}$/)),
        response_url: responseUrls(),
        actions: anyOr(
          fc.array(
            fc.record(
              {
                action_id: anyOr(ticketActionIds(ticketIds())),
                type: anyOr(fc.constantFrom('button', 'plain_text_input')),
                value: anyOr(oversized),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        ),
        message: anyOr(fc.record({ text: anyOr(oversized), blocks: anyOr(fc.array(fc.anything(), { maxLength: 5 })) })),
        view: anyOr(
          fc.record(
            {
              callback_id: anyOr(ticketActionIds(ticketIds())),
              state: anyOr(
                fc.record({
                  values: anyOr(
                    fc.record({ 'ticket-answer': anyOr(fc.record({ content: anyOr(fc.record({ value: anyOr(oversized) })) })) }),
                  ),
                }),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const blank = fc.constantFrom('', '   ', '\n\t', null, 42, ['words'], { value: 'words' });
    const base = (p: Record<string, unknown>, trigger: string) => ({
      ...p,
      user: { id: ALICE_SLACK, username: 'alice.s' },
      trigger_id: trigger,
      response_url: responseUrl,
    });
    // The linked user, only in payloads that act on nothing (see the file's comment).
    const inert = fc.oneof(
      nearMiss().map((action_id) => ({ type: 'block_actions', actions: [{ action_id, type: 'button' }] })),
      anyTicket().map((id) => ({ type: 'block_actions', actions: [{ action_id: `ticket:reply-modal:${id}`, type: 'button' }] })),
      fc
        .tuple(anyTicket(), blank)
        .map(([id, value]) => ({ type: 'block_actions', actions: [{ action_id: `ticket:reply:${id}`, type: 'plain_text_input', value }] })),
      fc.constantFrom([], {}, null, 'ticket:claim:1').map((actions) => ({ type: 'block_actions', actions })),
      fc.tuple(anyTicket(), blank).map(([id, value]) => ({
        type: 'view_submission',
        view: {
          callback_id: `ticket:reply-modal:${id}`,
          state: { values: { 'ticket-answer': { content: { type: 'plain_text_input', value } } } },
        },
      })),
      fc.tuple(anyTicket(), fc.constantFrom('claim', 'close', 'reply')).map(([id, a]) => ({
        type: 'view_submission',
        view: { callback_id: `ticket:${a}:${id}`, state: { values: { 'ticket-answer': { content: { value: 'Hijacked' } } } } },
      })),
      fc.tuple(fc.constantFrom('shortcut', 'message_action', 'view_closed', 'BLOCK_ACTIONS', null), anyTicket()).map(([type, id]) => ({
        type,
        actions: [{ action_id: `ticket:claim:${id}`, type: 'button' }],
      })),
    );
    const linked = fc.tuple(inert, fc.stringMatching(/^[0-9]{5,12}\.[0-9a-f]{8}$/)).map(([p, trigger]) => base(p, trigger));
    // Well-formed clicks, typed answers and modal submits on the real tickets, by users who are not linked.
    const wellFormed = fc
      .tuple(
        fc.constantFrom(...realTickets),
        fc.constantFrom('reply', 'claim', 'close', 'answer', 'submit'),
        strangerId(ALICE_SLACK),
        responseUrls(),
      )
      .map(([id, action, user, response_url]) =>
        action === 'submit'
          ? {
              type: 'view_submission',
              user: { id: user },
              view: { callback_id: `ticket:reply-modal:${id}`, state: { values: { 'ticket-answer': { content: { value: 'Hijacked' } } } } },
            }
          : {
              type: 'block_actions',
              user: { id: user, username: 'mallory' },
              trigger_id: '13345224609.738474920.8088930838d88f008e0',
              response_url,
              actions: [
                action === 'answer'
                  ? { action_id: `ticket:reply:${id}`, type: 'plain_text_input', value: 'Hijacked' }
                  : { action_id: `ticket:${action}:${id}`, type: 'button' },
              ],
            },
      );
    const malformed = fc.oneof(
      fc.string({ maxLength: 500 }).map((s) => Buffer.from('payload=' + s)),
      fc.json({ maxDepth: 3 }).map((j) => Buffer.from('payload=' + encodeURIComponent(j))),
      fc
        .constantFrom(
          'payload=%E0%A4%A',
          'payload=',
          'payload',
          '=',
          '&&&',
          'payload=%7B',
          'foo=bar',
          'payload=null',
          'payload=%5B%5D',
          'payload=%7B%7D&payload=%7B%22type%22%3A%22block_actions%22%7D',
          '%5B'.repeat(15_000),
          'payload=' + '%5B'.repeat(10_000) + '%5D'.repeat(10_000),
          'payload=' + encodeURIComponent('{"__proto__":{"type":"block_actions","actions":[{"action_id":"ticket:claim:1"}]}}'),
        )
        .map((s) => Buffer.from(s)),
    );
    return withSigning(
      'slack/interactions',
      'application/x-www-form-urlencoded',
      fc.oneof(
        {
          arbitrary: fc
            .oneof(
              garbage,
              malformed.map((body) => ({ kind: 'malformed form', body })),
              stranger.map((p) => ({ kind: 'payload, not linked', body: form(p) })),
            )
            .filter(namesNoLinkedUser),
          weight: 6,
        },
        { arbitrary: wellFormed.map((p) => ({ kind: 'payload on a real ticket, not linked', body: form(p) })), weight: 3 },
        { arbitrary: linked.map((p) => ({ kind: 'payload, linked, no action', body: form(p) })), weight: 3 },
        {
          arbitrary: fc.constantFrom(...realTickets).map((id) => ({
            kind: 'prototype keys (Slack form)',
            body: Buffer.from(
              'payload=' +
                encodeURIComponent(
                  `{"type":"block_actions","user":{"__proto__":{"id":"${ALICE_SLACK}"}},"actions":[{"action_id":"ticket:claim:${id}","type":"button"}]}`,
                ),
            ),
          })),
          weight: 1,
        },
      ),
    );
  };

  const slackEventShots = () => {
    const ts = fc.integer({ min: 1, max: 999_999 }).map((n) => `1733500000.${String(n).padStart(6, '0')}`);
    const eventId = fc.stringMatching(/^Ev[0-9A-Z]{6,12}$/);
    const inThread = { channel: CHANNEL, thread_ts: threadTs };
    const stranger = fc.record(
      {
        type: anyOr(fc.constantFrom('event_callback', 'url_verification', 'app_rate_limited')),
        token: anyOr(fc.string()),
        team_id: anyOr(fc.constant('T0001')),
        challenge: anyOr(oversized),
        event_id: anyOr(eventId),
        event: anyOr(
          fc.record(
            {
              type: anyOr(fc.constant('message')),
              subtype: fc.anything(),
              bot_id: fc.anything(),
              user: strangerId(ALICE_SLACK),
              channel: anyOr(fc.constantFrom(CHANNEL, 'C0OTHER01')),
              ts: anyOr(ts),
              thread_ts: anyOr(fc.constantFrom(threadTs, '1733400999.000001')),
              text: anyOr(oversized),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    // Well-formed answers typed in the ticket's thread, by users who are not linked.
    const wellFormed = fc.tuple(strangerId(ALICE_SLACK), ts, eventId).map(([user, t, event_id]) => ({
      type: 'event_callback',
      team_id: 'T0001',
      event_id,
      event: { type: 'message', user, text: 'Hijacked', ts: t, event_ts: t, channel_type: 'channel', ...inThread },
    }));
    const defined = fc.anything().filter((v) => v !== undefined);
    // The linked user in the ticket's thread, only with messages that answer nothing (see the file's comment).
    const inert = fc.oneof(
      defined.map((subtype) => ({ subtype, text: 'Hijacked' })),
      defined.map((bot_id) => ({ bot_id, text: 'Hijacked' })),
      fc.constant({ ts: threadTs, text: 'Hijacked' }),
      fc.constantFrom<unknown>('', '   ', '\n\t', null, 42, ['Hijacked'], { text: 'Hijacked' }).map((text) => ({ text })),
      fc.constantFrom('app_mention', 'message ', 'MESSAGE', null).map((type) => ({ type, text: 'Hijacked' })),
    );
    const anyEventId = fc.oneof(
      { arbitrary: eventId, weight: 2 },
      { arbitrary: fc.constantFrom<unknown>('', 'has space', 'x'.repeat(129), 42), weight: 1 },
    );
    const linked = fc
      .tuple(inert, ts, anyEventId, fc.constantFrom('event_callback', 'event_callback', 'url_verification', 'EVENT_CALLBACK'))
      .map(([e, t, event_id, type]) => ({ type, event_id, event: { type: 'message', user: ALICE_SLACK, ts: t, ...inThread, ...e } }));
    return withSigning(
      'slack/events',
      'application/json',
      fc.oneof(
        {
          arbitrary: fc
            .oneof(
              garbage,
              stranger.map((b) => ({ kind: 'event, not linked', body: bytes(b) })),
            )
            .filter(namesNoLinkedUser),
          weight: 6,
        },
        { arbitrary: wellFormed.map((b) => ({ kind: 'event in the thread, not linked', body: bytes(b) })), weight: 3 },
        { arbitrary: linked.map((b) => ({ kind: 'event, linked, no answer', body: bytes(b) })), weight: 3 },
        {
          arbitrary: fc.constant({
            kind: 'prototype keys (Slack event)',
            body: Buffer.from(
              `{"type":"event_callback","event_id":"EvPROTO1","event":{"type":"message","channel":"${CHANNEL}","thread_ts":"${threadTs}","ts":"1733500001.000001","text":"Hijacked","__proto__":{"user":"${ALICE_SLACK}"}}}`,
            ),
          }),
          weight: 1,
        },
      ),
    );
  };

  // ---- The run ----

  const fuzz = async (endpoint: Endpoint, shots: fc.Arbitrary<Shot>) => {
    const before = await snapshot();
    const answers: Answer[] = [];
    const probes: number[] = [];
    let running = true;
    // The host's own page, asked alongside the fuzz: it must keep answering.
    const prober = (async () => {
      while (running) {
        probes.push((await fetch(`${host.url}/admin/login`)).status);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await fc.assert(
        fc.asyncProperty(shots, async (shot) => void answers.push(await send(endpoint, shot))),
        { seed: SEED, numRuns: RUNS },
      );
    } finally {
      running = false;
      await prober;
    }
    const show = (a: Answer) => `${a.status} ${a.shot.kind} (${a.shot.signing}) ${excerpt(a.shot.body)} -> ${a.text}`;
    // No 5xx, whatever came in.
    expect(
      answers
        .filter((a) => a.status >= 500)
        .map(show)
        .slice(0, 5),
    ).toEqual([]);
    expect(
      answers
        .filter((a) => a.status === 429)
        .map(show)
        .slice(0, 5),
    ).toEqual([]);
    // A good signature is never refused (the body reached the handler's parsing); a bad one always is.
    const tooBig = (a: Answer) => a.status === 413 && a.shot.body.length > 64 * 1024;
    const signed = answers.filter((a) => a.shot.signing === 'signed');
    expect(
      signed
        .filter((a) => ![200, 400].includes(a.status) && !tooBig(a))
        .map(show)
        .slice(0, 5),
    ).toEqual([]);
    expect(
      answers
        .filter((a) => a.shot.signing !== 'signed' && a.status !== 401 && !tooBig(a))
        .map(show)
        .slice(0, 5),
    ).toEqual([]);
    // Most bodies went past the signature and were read: a meaningful share was answered 200.
    expect(signed.length).toBeGreaterThan(RUNS * 0.6);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(RUNS * 0.4);
    // Nothing acted.
    expect(await snapshot()).toEqual(before);
    // The host's page answered throughout, and still does.
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((s) => s !== 200)).toEqual([]);
    expect((await fetch(`${host.url}/admin/login`)).status).toBe(200);
    // Nothing leaked into this process's prototypes (the host runs in it).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    return answers;
  };

  it('Discord interactions: no 5xx, no action, the host answers throughout', async () => {
    await fuzz('discord/interactions', discordShots());
    // Nothing was deferred and followed up (no call reached the helpdesk to be slow).
    expect(discordCalls).toEqual([]);
  });

  it('Slack interactions: no 5xx, no action, the host answers throughout; response_url gets refusals only', async () => {
    await fuzz('slack/interactions', slackInteractionShots());
    // Only words for the person who tried, on our receiver: never the ticket's message replaced.
    const refusals = /^(Your Slack account .* is not linked|This action is not supported\.|The answer is empty)/s;
    expect(told.filter((m) => m.response_type !== 'ephemeral' || m.replace_original !== false || !refusals.test(String(m.text)))).toEqual(
      [],
    );
  });

  it('Slack Events API: no 5xx, no action, the host answers throughout; thread notices go to unlinked users only', async () => {
    await fuzz('slack/events', slackEventShots());
    const notices = slack.calls.filter((c) => c.method === 'chat.postEphemeral');
    expect(notices.filter((c) => c.body.user === ALICE_SLACK || !String(c.body.text).includes('is not linked'))).toEqual([]);
  });

  it('afterwards, still nothing acted (what the outbox might have sent late)', async () => {
    expect(slack.calls.filter((c) => c.method !== 'chat.postEphemeral')).toHaveLength(1);
    expect(discordCalls).toEqual([]);
    expect(ticketEvents).toEqual(['ticket.submit', 'ticket.submit']);
  });
});
