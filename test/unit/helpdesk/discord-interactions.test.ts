/**
 * The Discord side of the two-way helpdesk, without a host: the Ed25519 check (Discord's own
 * scheme, with a key pair made here as Discord makes its), and every answer against Discord's
 * published OpenAPI body for an interaction's response. Who acts is the signed user's link,
 * never the button's custom_id.
 */
import crypto from 'node:crypto';
import type { HelpdeskPort } from '../../../sdk/helpdesk.js';
import { answerInteraction, REPLY_MAX, ticketButtonId } from '../../../module/helpdesk/discord-interactions.js';
import { checkDiscordSignature, discordPublicKey } from '../../../module/helpdesk/discord-signature.js';
import { discordCallbackViolations } from '../../support/platform-contracts.js';

const pair = crypto.generateKeyPairSync('ed25519');
const publicHex = (pair.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12).toString('hex');
const sign = (timestamp: string, body: string, key = pair.privateKey) =>
  crypto.sign(null, Buffer.from(timestamp + body), key).toString('hex');

describe('Discord request signatures', () => {
  const key = discordPublicKey(publicHex)!;
  const now = Date.UTC(2026, 11, 4, 12);
  const ts = String(now / 1000);
  const body = '{"type":1}';

  it('accepts what the application key signed, and nothing else', () => {
    expect(
      checkDiscordSignature(key, { 'x-signature-ed25519': sign(ts, body), 'x-signature-timestamp': ts }, Buffer.from(body), now),
    ).toEqual({ ok: true });
    const other = crypto.generateKeyPairSync('ed25519').privateKey;
    for (const [headers, raw] of [
      [{ 'x-signature-ed25519': sign(ts, body), 'x-signature-timestamp': ts }, '{"type":1} '],
      [{ 'x-signature-ed25519': sign(ts, body, other), 'x-signature-timestamp': ts }, body],
      [{ 'x-signature-ed25519': sign(ts, body), 'x-signature-timestamp': String(Number(ts) + 1) }, body],
      [{ 'x-signature-timestamp': ts }, body],
      [{ 'x-signature-ed25519': 'zz', 'x-signature-timestamp': ts }, body],
    ] as const) {
      expect(checkDiscordSignature(key, headers, Buffer.from(raw), now).ok).toBe(false);
    }
  });

  it('refuses a signed request replayed more than five minutes later', () => {
    const check = checkDiscordSignature(
      key,
      { 'x-signature-ed25519': sign(ts, body), 'x-signature-timestamp': ts },
      Buffer.from(body),
      now + 301_000,
    );
    expect(check).toEqual({ ok: false, reason: 'request timestamp too old or in the future' });
  });

  it('reads the key as the developer portal shows it (64 hex digits) and refuses anything else', () => {
    expect(discordPublicKey(publicHex.toUpperCase())).not.toBeNull();
    expect(discordPublicKey(publicHex.slice(2))).toBeNull();
    expect(discordPublicKey('g'.repeat(64))).toBeNull();
  });
});

describe('answers to interactions', () => {
  const calls: string[] = [];
  const helpdesk: HelpdeskPort = {
    reply: async (id, input) => (calls.push(`reply ${id} ${input.staffId} ${input.content}`), { ok: true, ticketId: id }),
    close: async (id, input) => (
      calls.push(`close ${id} ${input.staffId}`),
      { ok: false, reason: 'forbidden', message: 'Bob may not do this (needs tickets.close)' }
    ),
    assign: async (id, staffId) => (calls.push(`assign ${id} ${staffId}`), { ok: true, ticketId: id }),
    staff: { get: async () => null, list: async () => [] },
  };
  const t = (key: string, vars: Record<string, string | number> = {}) =>
    `${key}${Object.keys(vars).length ? ' ' + JSON.stringify(vars) : ''}`;
  const deps = { helpdesk, links: { '80351110224678912': 'bob' }, t };
  const member = { member: { user: { id: '80351110224678912' } } };
  const expectValid = (body: Record<string, unknown>) => expect(discordCallbackViolations(body)).toEqual([]);

  it('is checked against a contract that can fail (a modal title past 45, no components)', () => {
    expect(discordCallbackViolations({ type: 9, data: { custom_id: 'x', title: 'y'.repeat(46), components: [] } })).not.toEqual([]);
  });

  it('answers PING with PONG', async () => {
    const body = await answerInteraction({ type: 1 }, deps);
    expect(body).toEqual({ type: 1 });
    expectValid(body);
  });

  it('Reply opens a modal; its submit answers the ticket as the linked staff member', async () => {
    const modal = await answerInteraction({ type: 3, data: { custom_id: ticketButtonId('reply', '42') }, ...member }, deps);
    expect(modal).toMatchObject({ type: 9, data: { custom_id: 'ticket:reply-modal:42' } });
    expectValid(modal);
    const submit = {
      type: 5,
      data: {
        custom_id: 'ticket:reply-modal:42',
        components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value: 'Restarted.' }] }],
      },
      ...member,
    };
    const done = await answerInteraction(submit, deps);
    expect(done).toEqual({
      type: 4,
      data: { content: 'helpdesk.discord.done_reply {"id":"42"}', flags: 64, allowed_mentions: { parse: [] } },
    });
    expectValid(done);
    // The newer modal layout (a label holding the input) is read too.
    const labelled = {
      ...submit,
      data: { ...submit.data, components: [{ type: 18, component: { type: 4, custom_id: 'content', value: 'Again.' } }] },
    };
    await answerInteraction(labelled, deps);
    expect(calls.slice(-2)).toEqual(['reply 42 bob Restarted.', 'reply 42 bob Again.']);
  });

  it('Close refused by the host says why; Claim assigns the linked member', async () => {
    const closed = await answerInteraction({ type: 3, data: { custom_id: ticketButtonId('close', '42') }, ...member }, deps);
    expect((closed.data as { content: string }).content).toBe(
      'helpdesk.discord.refused_forbidden {"id":"42","message":"Bob may not do this (needs tickets.close)"}',
    );
    expectValid(closed);
    const claimed = await answerInteraction(
      { type: 3, data: { custom_id: ticketButtonId('claim', '42') }, user: { id: '80351110224678912' } },
      deps,
    );
    expect((claimed.data as { content: string }).content).toBe('helpdesk.discord.done_claim {"id":"42"}');
    expect(calls.slice(-2)).toEqual(['close 42 bob', 'assign 42 bob']);
  });

  it('an unlinked user, a forged custom_id, an empty answer or no helpdesk: nothing is done, and Discord is told why', async () => {
    const before = calls.length;
    const cases: Array<[unknown, string]> = [
      [
        { type: 3, data: { custom_id: ticketButtonId('close', '42') }, member: { user: { id: '11111111111111111' } } },
        'helpdesk.discord.not_linked',
      ],
      [{ type: 3, data: { custom_id: 'ticket:close:42;staff=admin' }, ...member }, 'helpdesk.discord.unsupported'],
      [{ type: 3, data: { custom_id: 'ticket:delete:42' }, ...member }, 'helpdesk.discord.unsupported'],
      [{ type: 5, data: { custom_id: 'ticket:reply-modal:42', components: [] }, ...member }, 'helpdesk.discord.empty_reply'],
      [{ type: 2, data: { name: 'ping' }, ...member }, 'helpdesk.discord.unsupported'],
      [null, 'helpdesk.discord.unsupported'],
    ];
    for (const [body, key] of cases) {
      const answer = await answerInteraction(body, deps);
      expect((answer.data as { content: string }).content.startsWith(key)).toBe(true);
      expectValid(answer);
    }
    const none = await answerInteraction(
      { type: 3, data: { custom_id: ticketButtonId('close', '42') }, ...member },
      { ...deps, helpdesk: null },
    );
    expect((none.data as { content: string }).content).toBe('helpdesk.discord.no_helpdesk');
    expect(calls.length).toBe(before);
  });

  it('keeps a long answer within the modal’s own limit', async () => {
    const long = 'x'.repeat(REPLY_MAX + 500);
    await answerInteraction(
      {
        type: 5,
        data: {
          custom_id: 'ticket:reply-modal:7',
          components: [{ type: 1, components: [{ type: 4, custom_id: 'content', value: long }] }],
        },
        ...member,
      },
      deps,
    );
    expect(calls.at(-1)).toBe(`reply 7 bob ${'x'.repeat(REPLY_MAX)}`);
  });
});
