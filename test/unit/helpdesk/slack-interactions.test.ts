/**
 * The Slack side of the two-way helpdesk, without a host: Slack's `v0=` signature (computed here
 * the way Slack's documentation spells it), the actions taken for a signed user, and where an
 * outcome may be posted.
 */
import crypto from 'node:crypto';
import type { HelpdeskPort } from '../../../sdk/helpdesk.js';
import { actOnSlack, responseUrlAllowed } from '../../../module/helpdesk/slack-interactions.js';
import { checkSlackSignature } from '../../../module/helpdesk/slack-signature.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[^0-9a-f]/g, '0');

describe('Slack request signatures', () => {
  const now = Date.UTC(2026, 11, 4, 12);
  const ts = String(now / 1000);
  const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
  // Slack's recipe: 'v0:' + timestamp + ':' + body, HMAC-SHA256 with the signing secret, hex.
  const sig = 'v0=' + crypto.createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex');

  it('accepts what the signing secret signed, and nothing else', () => {
    expect(checkSlackSignature(SECRET, { 'x-slack-signature': sig, 'x-slack-request-timestamp': ts }, Buffer.from(body), now)).toEqual({
      ok: true,
    });
    for (const [headers, raw, secret] of [
      [{ 'x-slack-signature': sig, 'x-slack-request-timestamp': ts }, body + '&x=1', SECRET],
      [{ 'x-slack-signature': sig, 'x-slack-request-timestamp': ts }, body, SECRET.replace(/^./, 'f')],
      [{ 'x-slack-signature': sig, 'x-slack-request-timestamp': String(Number(ts) - 1) }, body, SECRET],
      [{ 'x-slack-signature': sig.toUpperCase(), 'x-slack-request-timestamp': ts }, body, SECRET],
      [{ 'x-slack-request-timestamp': ts }, body, SECRET],
    ] as const) {
      expect(checkSlackSignature(secret, headers, Buffer.from(raw), now).ok).toBe(false);
    }
    expect(
      checkSlackSignature(SECRET, { 'x-slack-signature': sig, 'x-slack-request-timestamp': ts }, Buffer.from(body), now + 301_000),
    ).toEqual({
      ok: false,
      reason: 'request timestamp too old or in the future',
    });
  });
});

describe('Slack actions', () => {
  const calls: string[] = [];
  const helpdesk: HelpdeskPort = {
    reply: async (id, i) => (calls.push(`reply ${id} ${i.staffId} ${i.content}`), { ok: true, ticketId: id }),
    close: async (id, i) => (calls.push(`close ${id} ${i.staffId}`), { ok: false, reason: 'ticket_closed', message: 'closed' }),
    assign: async (id, s) => (calls.push(`assign ${id} ${s}`), { ok: true, ticketId: id }),
    staff: { get: async () => null, list: async () => [] },
  };
  const t = (key: string, vars: Record<string, string | number> = {}) => `${key} ${JSON.stringify(vars)}`;
  const deps = { helpdesk, links: { U012ABCDEF: 'alice' }, t, canOpenModals: false };
  const payload = (action: Record<string, unknown>, user = 'U012ABCDEF') => ({
    type: 'block_actions',
    user: { id: user },
    response_url: 'https://hooks.slack.com/actions/T1/2/abc',
    actions: [action],
  });

  it('answers with the typed text, claims, and says what the host refused', async () => {
    expect(await actOnSlack(payload({ action_id: 'ticket:reply:9', type: 'plain_text_input', value: '  On it.  ' }), deps)).toEqual({
      text: 'helpdesk.discord.done_reply {"id":"9"}',
      responseUrl: 'https://hooks.slack.com/actions/T1/2/abc',
    });
    expect((await actOnSlack(payload({ action_id: 'ticket:claim:9', type: 'button' }), deps))?.text).toBe(
      'helpdesk.discord.done_claim {"id":"9"}',
    );
    expect((await actOnSlack(payload({ action_id: 'ticket:close:9', type: 'button' }), deps))?.text).toBe(
      'helpdesk.discord.refused_ticket_closed {"id":"9","message":"closed"}',
    );
    expect(calls).toEqual(['reply 9 alice On it.', 'assign 9 alice', 'close 9 alice']);
  });

  it('does nothing for an unlinked user, a forged action id, an empty answer or another payload', async () => {
    const before = calls.length;
    expect((await actOnSlack(payload({ action_id: 'ticket:close:9' }, 'U999'), deps))?.text).toMatch(/^helpdesk\.slack\.not_linked/);
    expect((await actOnSlack(payload({ action_id: 'ticket:close:9:alice' }), deps))?.text).toMatch(/^helpdesk\.discord\.unsupported/);
    expect((await actOnSlack(payload({ action_id: 'ticket:reply:9', value: '   ' }), deps))?.text).toMatch(
      /^helpdesk\.discord\.empty_reply/,
    );
    expect(await actOnSlack({ type: 'view_closed' }, deps)).toBeNull();
    expect(calls.length).toBe(before);
  });

  it('posts outcomes only to Slack’s own response host (or loopback where the host allows it)', () => {
    expect(responseUrlAllowed('https://hooks.slack.com/actions/T1/2/abc', false)).toBe(true);
    for (const url of [
      'http://hooks.slack.com/actions/x',
      'https://hooks.slack.com.evil.example/x',
      'https://user@hooks.slack.com/x',
      'https://hooks.slack.com:8443/x',
      'http://127.0.0.1:9/x',
      'http://169.254.169.254/latest',
      'not a url',
    ])
      expect([url, responseUrlAllowed(url, false)]).toEqual([url, false]);
    expect(responseUrlAllowed('http://127.0.0.1:9/x', true)).toBe(true);
    expect(responseUrlAllowed('http://10.0.0.1/x', true)).toBe(false);
  });
});
