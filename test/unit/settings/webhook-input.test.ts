import { formToInput, parseWebhookInput } from '../../../module/settings/webhook-input.js';
import { generateSigningSecret } from '../../../module/settings/signing-secret.js';
import { describeSendResult, reasonWords } from '../../../module/settings/send-result-words.js';
import { networkFailureOf } from '../../../module/delivery/network-failure.js';

const ctx = {
  mode: 'create' as const,
  network: { allowLoopback: false, allowPrivate: false },
  detectPlatform: (u: string) =>
    u.includes('discord.com') ? ('discord' as const) : u.includes('hooks.slack.com') ? ('slack' as const) : null,
};

describe('parseWebhookInput', () => {
  it('detects the platform when "auto", falls back to signed JSON', () => {
    const d = parseWebhookInput({ name: 'a', url: 'https://discord.com/api/webhooks/1/x', events: ['order.paid'] }, ctx);
    expect(d).toMatchObject({ ok: true, value: { platform: 'discord' } });
    const j = parseWebhookInput({ name: 'a', url: 'https://example.com/in', events: ['order.paid'], platform: 'auto' }, ctx);
    expect(j).toMatchObject({ ok: true, value: { platform: 'json' } });
    const chosen = parseWebhookInput(
      { name: 'a', url: 'https://chat.example.com/hooks/x', events: ['order.paid'], platform: 'mattermost' },
      ctx,
    );
    expect(chosen).toMatchObject({ ok: true, value: { platform: 'mattermost' } });
  });

  it('dedupes events and trims the name', () => {
    const r = parseWebhookInput(
      { name: '  Shop  ', url: 'https://discord.com/api/webhooks/1/x', events: ['order.paid', 'order.paid'] },
      ctx,
    );
    expect(r).toMatchObject({ ok: true, value: { name: 'Shop', events: ['order.paid'] } });
  });

  it('requires a Telegram chat id for Telegram', () => {
    const r = parseWebhookInput(
      { name: 'a', url: 'https://api.telegram.org/bot1:x/sendMessage', events: ['order.paid'], platform: 'telegram' },
      ctx,
    );
    expect(r).toEqual({ ok: false, errors: [{ field: 'options.telegramChatId', reason: 'required' }] });
  });

  it('on update, an empty URL keeps the stored one and no field is required', () => {
    const r = parseWebhookInput({ url: '', name: 'b' }, { ...ctx, mode: 'update', currentPlatform: 'slack' });
    expect(r).toEqual({ ok: true, value: { name: 'b' } });
  });

  it('refuses what Discord refuses, naming the field: thread id with thread name, leading-zero snowflakes, invisible names', () => {
    const discord = { name: 'a', url: 'https://discord.com/api/webhooks/1/x', events: ['ticket.submit'] };
    const both = parseWebhookInput({ ...discord, options: { threadId: '123456789012345678', threadName: 'Ticket %id%' } }, ctx);
    expect(both).toEqual({ ok: false, errors: [{ field: 'options.threadName', reason: 'thread_id_and_name' }] });
    // A PATCH adding a name to a webhook that has a thread id is checked against what it would save.
    const patch = parseWebhookInput(
      { options: { threadName: 'Ticket %id%' } },
      { ...ctx, mode: 'update', currentPlatform: 'discord', currentOptions: { threadId: '123456789012345678' } },
    );
    expect(patch).toEqual({ ok: false, errors: [{ field: 'options.threadName', reason: 'thread_id_and_name' }] });
    const cleared = parseWebhookInput(
      { options: { threadName: 'Ticket %id%', threadId: '' } },
      { ...ctx, mode: 'update', currentPlatform: 'discord', currentOptions: { threadId: '123456789012345678' } },
    );
    expect(cleared.ok).toBe(true);
    for (const threadId of ['0123456789012345678', '12345', '1234567890123456789012'])
      expect(parseWebhookInput({ ...discord, options: { threadId } }, ctx)).toEqual({
        ok: false,
        errors: [{ field: 'options.threadId', reason: 'snowflake' }],
      });
    expect(
      parseWebhookInput({ ...discord, options: { rolePing: { roleIds: ['0123456789012345678'], priorities: [] } } }, ctx),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'options.rolePing.roleIds.0', reason: 'snowflake' }],
    });
    expect(parseWebhookInput({ ...discord, options: { username: '\u200B\u200D\uFEFF' } }, ctx)).toEqual({
      ok: false,
      errors: [{ field: 'options.username', reason: 'username_invisible' }],
    });
    expect(parseWebhookInput({ ...discord, options: { username: '\u200BShop' } }, ctx).ok).toBe(true);
  });

  it('refuses names that could pass for another: bidirectional controls, or nothing visible', () => {
    const discord = { url: 'https://discord.com/api/webhooks/1/x', events: ['order.paid'] };
    for (const name of ['\u202eevil\u200b', 'Shop\u202Elatot', 'a\u2066b\u2069', 'x\u200Fy', 'y\u061Cz']) {
      expect([name, parseWebhookInput({ ...discord, name }, ctx)]).toEqual([
        name,
        { ok: false, errors: [{ field: 'name', reason: 'bidi_controls' }] },
      ]);
    }
    for (const name of ['\u200B\u200D\uFEFF', '\u3164', '\u2060\u00AD', '\u115F\u200C']) {
      expect([name, parseWebhookInput({ ...discord, name }, ctx)]).toEqual([
        name,
        { ok: false, errors: [{ field: 'name', reason: 'name_invisible' }] },
      ]);
    }
    // Scripts written right to left are names like any other; only the invisible controls are refused.
    for (const name of ['Boutique متجر', 'חנות', 'Shop 🛒', 'Équipe support'])
      expect(parseWebhookInput({ ...discord, name }, ctx).ok).toBe(true);
  });

  it('takes at most 5 forum tags, as Discord applies at most 5 to a post', () => {
    const tags = (n: number) => Array.from({ length: n }, (_v, i) => ({ when: `t${i}`, tagId: `12345678901234567${i}` }));
    const discord = { name: 'a', url: 'https://discord.com/api/webhooks/1/x', events: ['ticket.submit'] };
    expect(parseWebhookInput({ ...discord, options: { threadTags: tags(5) } }, ctx).ok).toBe(true);
    expect(parseWebhookInput({ ...discord, options: { threadTags: tags(6) } }, ctx)).toEqual({
      ok: false,
      errors: [{ field: 'options.threadTags', reason: 'too_many' }],
    });
  });

  it('names every bad field', () => {
    const r = parseWebhookInput({ name: '', url: 'ftp://x', events: [], options: { color: 'red' } }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(['events', 'name', 'options.color', 'url']);
  });
});

describe('formToInput', () => {
  it('turns form fields into the API shape', () => {
    const input = formToInput({
      name: 'Support',
      url: 'https://discord.com/api/webhooks/1/x',
      platform: 'auto',
      events: ['ticket.submit', 'ticket.close'],
      templateTicket: '%subject%',
      mode: 'embed',
      color: '#FF0000',
      rolePingIds: '123456789012345678, 223456789012345678',
      rolePingPriorities: ['high', 'urgent'],
      coalesce: 'on',
      filterDepartments: 'Support technique, Facturation',
      filterPriorities: 'urgent',
      filterMinOrderTotal: '12,50',
      filterGateways: 'PayPal',
      filterReplyAuthors: 'staff',
      enabled: ['0', '1'],
    });
    expect(input).toMatchObject({
      events: ['ticket.submit', 'ticket.close'],
      templates: { order: '', ticket: '%subject%' },
      options: {
        mode: 'embed',
        color: 0xff0000,
        rolePing: { roleIds: ['123456789012345678', '223456789012345678'], priorities: ['high', 'urgent'] },
        coalesce: true,
        slackBlocks: false,
        threadId: null,
      },
      filters: {
        departments: ['Support technique', 'Facturation'],
        priorities: ['urgent'],
        minOrderTotal: 12.5,
        paymentGateways: ['PayPal'],
        replyAuthors: 'staff',
      },
      enabled: true,
    });
    expect(parseWebhookInput(input, ctx).ok).toBe(true);
    expect(formToInput({ enabled: '0' }).enabled).toBe(false);
  });
});

describe('the awaiting-staff delay (filters.awaitingStaffMinutes)', () => {
  const base = { name: 'Support', url: 'https://discord.com/api/webhooks/1/x', events: ['ticket.awaiting_staff'] };
  it('takes whole minutes from 1 to 30 days, and says which field is wrong', () => {
    expect(parseWebhookInput({ ...base, filters: { awaitingStaffMinutes: 90 } }, ctx)).toMatchObject({
      ok: true,
      value: { filters: { awaitingStaffMinutes: 90 } },
    });
    expect(parseWebhookInput({ ...base, filters: { awaitingStaffMinutes: 0 } }, ctx)).toEqual({
      ok: false,
      errors: [{ field: 'filters.awaitingStaffMinutes', reason: 'too_small' }],
    });
    expect(parseWebhookInput({ ...base, filters: { awaitingStaffMinutes: 1.5 } }, ctx)).toEqual({
      ok: false,
      errors: [{ field: 'filters.awaitingStaffMinutes', reason: 'integer' }],
    });
    expect(parseWebhookInput({ ...base, filters: { awaitingStaffMinutes: 43_201 } }, ctx)).toEqual({
      ok: false,
      errors: [{ field: 'filters.awaitingStaffMinutes', reason: 'too_big' }],
    });
  });
  it('comes from the form field, and a blank field keeps the stored delay', () => {
    expect(formToInput({ filterAwaitingStaffMinutes: '60' }).filters).toMatchObject({ awaitingStaffMinutes: 60 });
    expect(formToInput({ filterAwaitingStaffMinutes: '' }).filters).not.toHaveProperty('awaitingStaffMinutes');
  });
});

describe('generateSigningSecret', () => {
  it('is whsec_ and base64 of 24 random bytes', () => {
    expect(generateSigningSecret(() => Buffer.alloc(24, 1))).toBe('whsec_' + Buffer.alloc(24, 1).toString('base64'));
    expect(generateSigningSecret()).not.toBe(generateSigningSecret());
  });
});

describe('describeSendResult', () => {
  const t = (key: string, vars: Record<string, string | number> = {}) => `${key}|${Object.values(vars).join('|')}`;
  it.each([
    ['discord', { outcome: 'ok', statusCode: 204, error: null }, 'settings.test.ok'],
    ['discord', { outcome: 'dead', statusCode: 404, error: 'Unknown Webhook', platformCode: 10015 }, 'settings.test.discord.not_found'],
    // Discord's own code wins over the status it came with.
    ['discord', { outcome: 'dead', statusCode: 400, error: 'x', platformCode: 10015 }, 'settings.test.discord.not_found'],
    [
      'discord',
      { outcome: 'dead', statusCode: 401, error: 'Invalid Webhook Token', platformCode: 50027 },
      'settings.test.discord.unauthorized',
    ],
    ['discord', { outcome: 'dead', statusCode: 403, error: 'Missing Access' }, 'settings.test.discord.forbidden'],
    ['discord', { outcome: 'dead', statusCode: 400, error: 'Invalid Form Body', platformCode: 50035 }, 'settings.test.invalid_body'],
    ['discord', { outcome: 'rate_limited', statusCode: 429, error: null }, 'settings.test.rate_limited'],
    ['slack', { outcome: 'dead', statusCode: 404, error: 'no_service' }, 'settings.test.slack.not_found'],
    ['slack', { outcome: 'dead', statusCode: 410, error: 'channel_is_archived' }, 'settings.test.slack.gone'],
    ['slack', { outcome: 'dead', statusCode: 403, error: 'action_prohibited' }, 'settings.test.slack.forbidden'],
    ['mattermost', { outcome: 'dead', statusCode: 404, error: 'x' }, 'settings.test.not_found'],
    ['teams', { outcome: 'dead', statusCode: 404, error: null }, 'settings.test.teams.not_found'],
    ['teams', { outcome: 'dead', statusCode: 401, error: null }, 'settings.test.teams.unauthorized'],
    ['telegram', { outcome: 'dead', statusCode: 400, error: 'Bad Request: chat not found' }, 'settings.test.telegram.chat'],
    ['telegram', { outcome: 'dead', statusCode: 400, error: 'Bad Request: message is too long' }, 'settings.test.invalid_body'],
    ['telegram', { outcome: 'dead', statusCode: 403, error: 'Forbidden: bot was blocked by the user' }, 'settings.test.telegram.forbidden'],
    ['json', { outcome: 'dead', statusCode: 401, error: null }, 'settings.test.json.unauthorized'],
    ['json', { outcome: 'retry', statusCode: 503, error: 'Service Unavailable' }, 'settings.test.server_error'],
    // No HTTP answer: the sender's structured failure picks the words, whatever the error text says.
    ['json', { outcome: 'retry', statusCode: null, error: 'timeout', failure: 'timeout' }, 'settings.test.timeout'],
    ['json', { outcome: 'retry', statusCode: null, error: 'getaddrinfo', failure: 'dns' }, 'settings.test.dns'],
    ['discord', { outcome: 'retry', statusCode: null, error: 'connect', failure: 'refused' }, 'settings.test.refused'],
    ['json', { outcome: 'retry', statusCode: null, error: 'self-signed', failure: 'tls' }, 'settings.test.tls'],
    ['json', { outcome: 'retry', statusCode: null, error: 'socket hang up', failure: 'reset' }, 'settings.test.unreachable'],
    ['json', { outcome: 'dead', statusCode: null, error: 'address not allowed', failure: 'blocked' }, 'settings.test.blocked'],
    ['json', { outcome: 'retry', statusCode: null, error: 'ETIMEDOUT' }, 'settings.test.unreachable'],
    ['json', { outcome: 'dead', statusCode: 418, error: 'teapot' }, 'settings.test.other'],
  ] as const)('%s %j -> %s', (platform, r, key) => {
    const answer = describeSendResult(platform, { durationMs: 1, ...r }, t, 'fr');
    expect(answer.message.split('|')[0]).toBe(key);
    expect(answer.ok).toBe(r.outcome === 'ok');
  });
});

describe('networkFailureOf', () => {
  it.each([
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND discord.com' }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ name: 'TimeoutError' }, 'timeout'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ code: 'EINVALIDURL' }, 'invalid_url'],
    [{ code: 'ERR_X', message: 'address 10.0.0.1 is not allowed' }, 'blocked'],
    [{ code: 'EWHATEVER' }, 'other'],
  ] as const)('%j -> %s', (err, kind) => {
    expect(networkFailureOf(err)).toBe(kind);
  });
});

describe('reasonWords', () => {
  const t = (key: string) => key;
  it.each([
    ['json', 'HTTP 404: {"message":"Unknown Webhook","code":10015}', 'settings.test.json.not_found'],
    ['discord', 'Unknown Webhook (10015)', 'settings.test.discord.not_found'],
    ['slack', 'no_service', 'settings.test.slack.not_found'],
    ['discord', 'kept answering 429 for 15 min', 'kept answering 429 for 15 min'],
  ] as const)('%s %s -> %s', (platform, reason, words) => {
    expect(reasonWords(reason, platform, t, 'fr')).toBe(words);
  });
});

describe('thread-per-ticket options (issue 14)', () => {
  const base = { name: 'Forum', url: 'https://discord.com/api/webhooks/1/x', events: ['ticket.submit'] };

  it('a forum post per ticket keeps its state on the post unless the admin said otherwise', () => {
    const r = parseWebhookInput({ ...base, options: { threadPerTicket: true } }, ctx);
    expect(r.ok && r.value.options).toEqual({ threadPerTicket: true, statusCard: 'close' });
    const off = parseWebhookInput({ ...base, options: { threadPerTicket: true, statusCard: 'off' } }, ctx);
    expect(off.ok && off.value.options?.statusCard).toBe('off');
    // Turned on by a PATCH: the card too; a PATCH of a webhook already in threads keeps its choice.
    const update = (current: { threadPerTicket: boolean; statusCard: 'off' }) =>
      parseWebhookInput(
        { options: { threadPerTicket: true } },
        { ...ctx, mode: 'update', currentPlatform: 'discord', currentOptions: current },
      );
    const turnedOn = update({ threadPerTicket: false, statusCard: 'off' });
    expect(turnedOn.ok && turnedOn.value.options?.statusCard).toBe('close');
    const kept = update({ threadPerTicket: true, statusCard: 'off' });
    expect(kept.ok && kept.value.options?.statusCard).toBeUndefined();
  });

  it('refuses a tag id that is no Discord id and an unknown status card, naming the field', () => {
    const r = parseWebhookInput(
      {
        ...base,
        options: {
          threadTags: [
            { when: 'urgent', tagId: '12' },
            { when: '', tagId: '300000000000000001' },
          ],
          statusCard: 'always',
        },
      },
      ctx,
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => `${e.field} ${e.reason}`).sort()).toEqual([
      'options.statusCard choice',
      'options.threadTags.0.tagId snowflake',
      'options.threadTags.1.when required',
    ]);
  });

  it('reads the form: one tag rule a line (priority or department = tag id), the title and the card', () => {
    const input = formToInput({
      name: 'Forum',
      url: base.url,
      events: 'ticket.submit',
      threadPerTicket: 'on',
      threadTitle: '[%priority%] %subject%',
      threadTags: 'urgent = 300000000000000001\r\n\r\n  Facturation=300000000000000002  \nsans égal',
      statusCard: 'each',
    });
    expect(input.options).toMatchObject({
      threadPerTicket: true,
      threadTitle: '[%priority%] %subject%',
      statusCard: 'each',
      threadTags: [
        { when: 'urgent', tagId: '300000000000000001' },
        { when: 'Facturation', tagId: '300000000000000002' },
        { when: 'sans égal', tagId: '' },
      ],
    });
    const r = parseWebhookInput(input, ctx);
    expect(!r.ok && r.errors).toEqual([{ field: 'options.threadTags.2.tagId', reason: 'snowflake' }]);
  });
});
