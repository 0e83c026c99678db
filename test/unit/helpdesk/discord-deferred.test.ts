/**
 * Discord's 3 s with a slow helpdesk: past the (here tiny) budget the interaction is answered
 * deferred (type 5, ephemeral), and the outcome follows by editing the original response on a
 * fake Discord API on 127.0.0.1 (`PATCH /webhooks/{application_id}/{token}/messages/@original`).
 * The helpdesk port stub holds its answer until the test releases it: nothing here depends on
 * how fast the machine is. Every body is checked against Discord's OpenAPI.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HelpdeskPort, HelpdeskResult } from '../../../sdk/helpdesk.js';
import { actOnInteraction } from '../../../module/helpdesk/discord-interactions.js';
import { answerWithin, editOriginalResponse, type FollowUp } from '../../../module/helpdesk/discord-deferred.js';
import { discordCallbackViolations, discordEditViolations } from '../../support/platform-contracts.js';

const APP_ID = '123456789012345678';
const TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZg';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

describe('Discord answers deferred when the helpdesk is slow', () => {
  let server: http.Server;
  let base = '';
  let seen: Promise<Seen>;
  let onSeen: (s: Seen) => void = () => undefined;
  const nextRequest = () => (seen = new Promise<Seen>((resolve) => (onSeen = resolve)));

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
        onSeen({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v10`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A helpdesk whose every action waits until `release` is called. */
  function slowHelpdesk() {
    let release: (r: HelpdeskResult) => void = () => undefined;
    const held = new Promise<HelpdeskResult>((resolve) => (release = resolve));
    const calls: string[] = [];
    const helpdesk: HelpdeskPort = {
      reply: async (id, input) => (calls.push(`reply ${id} ${input.staffId}`), held),
      close: async (id) => (calls.push(`close ${id}`), held),
      assign: async (id) => (calls.push(`assign ${id}`), held),
      staff: { get: async () => ({ id: 'bob', name: 'Bob', email: null, permissions: ['*'], active: true }), list: async () => [] },
    };
    return { helpdesk, calls, release: (r: HelpdeskResult) => release(r) };
  }
  const t = (key: string, vars: Record<string, string | number> = {}) =>
    `${key}${Object.keys(vars).length ? ' ' + JSON.stringify(vars) : ''}`;
  const member = { member: { user: { id: '80351110224678912', username: 'bob' } } };
  const followUp = (f: FollowUp) => void editOriginalResponse(base, APP_ID, TOKEN, f);

  it('a modal submit past the budget: deferred ephemeral answer, then the outcome edits @original', async () => {
    const slow = slowHelpdesk();
    nextRequest();
    const submit = {
      type: 5,
      id: '1300000000000000001',
      token: TOKEN,
      data: {
        custom_id: 'ticket:reply-modal:42',
        components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value: 'Restarted.' }] }],
      },
      ...member,
    };
    const answer = await answerWithin(
      actOnInteraction(submit, { helpdesk: slow.helpdesk, links: { '80351110224678912': 'bob' }, t }),
      5,
      followUp,
      'failed',
    );
    expect(answer).toEqual({ type: 5, data: { flags: 64 } });
    expect(discordCallbackViolations(answer)).toEqual([]);
    expect(slow.calls).toEqual(['reply 42 bob']);
    slow.release({ ok: true, ticketId: '42' });
    const patch = await seen;
    expect(patch.method).toBe('PATCH');
    expect(patch.url).toBe(`/api/v10/webhooks/${APP_ID}/${TOKEN}/messages/@original`);
    // The interaction token authorises the edit: no bot token is sent.
    expect(patch.headers.authorization).toBeUndefined();
    expect(patch.body).toEqual({ content: 'helpdesk.discord.done_reply {"id":"42"}', allowed_mentions: { parse: [] } });
    expect(discordEditViolations(patch.body)).toEqual([]);
  });

  it('a Claim click past the budget: the follow-up says who took it in words (never the ticket message’s buttons)', async () => {
    const slow = slowHelpdesk();
    nextRequest();
    const click = {
      type: 3,
      id: '1300000000000000002',
      token: TOKEN,
      data: { custom_id: 'ticket:claim:42', component_type: 2 },
      message: { components: [] },
      ...member,
    };
    const answer = await answerWithin(
      actOnInteraction(click, { helpdesk: slow.helpdesk, links: { '80351110224678912': 'bob' }, t }),
      5,
      followUp,
      'failed',
    );
    expect(answer).toEqual({ type: 5, data: { flags: 64 } });
    slow.release({ ok: true, ticketId: '42' });
    const patch = await seen;
    expect(patch.body).toEqual({ content: 'helpdesk.discord.done_claim {"id":"42"}', allowed_mentions: { parse: [] } });
    expect(discordEditViolations(patch.body)).toEqual([]);
  });

  it('within the budget the answer is the usual one, and nothing is edited; a helpdesk that throws is said', async () => {
    const fast: HelpdeskPort = {
      reply: async (id) => ({ ok: true, ticketId: id }),
      close: async () => Promise.reject(new Error('db down')),
      assign: async (id) => ({ ok: true, ticketId: id }),
      staff: { get: async () => null, list: async () => [] },
    };
    const laters: FollowUp[] = [];
    const deps = { helpdesk: fast, links: { '80351110224678912': 'bob' }, t };
    const claim = { type: 3, data: { custom_id: 'ticket:claim:42' }, message: { components: [] }, ...member };
    // A long budget: the helpdesk answers first.
    const answer = await answerWithin(actOnInteraction(claim, deps), 60_000, (f) => laters.push(f), 'failed');
    expect(answer).toMatchObject({ type: 7 });
    expect(JSON.stringify(answer)).not.toContain('words');
    expect(discordCallbackViolations(answer)).toEqual([]);
    expect(laters).toEqual([]);
    // The close throws after the deferral: the user is told it failed.
    let failedThrow: (e: Error) => void = () => undefined;
    const held: HelpdeskPort = { ...fast, close: () => new Promise((_, reject) => (failedThrow = reject)) };
    const told = new Promise<FollowUp>((resolve) => {
      void answerWithin(
        actOnInteraction({ type: 3, data: { custom_id: 'ticket:close:42' }, ...member }, { ...deps, helpdesk: held }),
        5,
        resolve,
        'failed',
      ).then(() => failedThrow(new Error('db down')));
    });
    expect(await told).toEqual({ content: 'failed' });
  });

  it('an unreachable Discord API is said by its code, never by the URL holding the token', async () => {
    const r = await editOriginalResponse('http://127.0.0.1:1/api/v10', APP_ID, TOKEN, { content: 'x' });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });
});
