/**
 * The outbound half of the two-way helpdesk, without a host: ticket messages rendered with the
 * helpdeskButtons option carry Reply, Claim and Close (Discord: an action row sent with
 * `?with_components=true`; Slack: an actions block and an answer field), every body checked
 * against the published contracts (Discord's OpenAPI and components rules, Block Kit's limits)
 * on the rendering corpus (random and hostile events); and after a claim or a close the message
 * comes back in its new state (Discord's UPDATE_MESSAGE, Slack's replace_original blocks), and
 * Slack's Reply opens a modal that passes Block Kit's modal rules.
 */
import type { HelpdeskPort } from '../../../sdk/helpdesk.js';
import { definitionOf, knownEventNames } from '../../../module/events/index.js';
import { answerInteraction } from '../../../module/helpdesk/discord-interactions.js';
import { actOnSlack } from '../../../module/helpdesk/slack-interactions.js';
import { combineBodies } from '../../../module/rendering/index.js';
import {
  discordCallbackViolations,
  discordViolations,
  slackLikeViolations,
  slackModalViolations,
  type Violation,
} from '../../support/platform-contracts.js';
import { fixedCases, randomCases, render, valid, type Case } from '../rendering/corpus.js';
import { sample } from '../rendering/helpers.js';

const ticketEvents = knownEventNames().filter((e) => definitionOf(e).family === 'ticket');
const everyTicketEvent: Case[] = ticketEvents.flatMap((event) =>
  [1, 2].map((seq) => ({ event, payload: sample(event, seq), options: {}, locale: 'en' as const })),
);
const withButtons = (c: Case, on = true): Case => ({ ...c, options: { ...c.options, helpdeskButtons: on } });
/** Open ticket events whose id a button can name (random ids with spaces or colons get none, tested below). */
const carriesButtons = (c: Case) =>
  definitionOf(c.event).family === 'ticket' &&
  definitionOf(c.event).thread !== 'close' &&
  /^[A-Za-z0-9_-]{1,64}$/.test(String((c.payload as { ticket: { id: unknown } }).ticket.id));

function tally(found: Violation[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of found) for (const kind of new Set(v.map((x) => x.kind))) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('ticket messages with buttons', () => {
  const corpus = (platform: 'discord' | 'slack') => [...randomCases, ...fixedCases(platform), ...everyTicketEvent];

  it('Discord: an action row of Reply, Claim, Close on every open ticket message, and every body conforms', () => {
    const found: Violation[][] = [];
    let withRow = 0;
    for (const c of corpus('discord').map((x) => withButtons(x))) {
      const { body, query } = render('discord', c);
      found.push(discordViolations(body, query));
      const rows = body.components as { components: { custom_id: string; label: string }[] }[] | undefined;
      if (!carriesButtons(c)) {
        expect([c.event, rows, query.with_components]).toEqual([c.event, undefined, undefined]);
        continue;
      }
      withRow++;
      const id = String((c.payload as { ticket: { id: string | number } }).ticket.id);
      expect(query.with_components).toBe('true');
      expect(rows?.[0].components.map((b) => b.custom_id)).toEqual([`ticket:reply:${id}`, `ticket:claim:${id}`, `ticket:close:${id}`]);
    }
    expect(withRow).toBeGreaterThan(50);
    expect(tally(found)).toEqual({});
  });

  it('Discord: the contract check fails without with_components, a label past 80 or a repeated custom_id', () => {
    const { body, query } = render('discord', withButtons(everyTicketEvent[0]));
    const { with_components: _w, ...noFlag } = query;
    void _w;
    expect(discordViolations(body, noFlag).map((v) => v.kind)).toEqual(['discord: components without ?with_components=true (ignored)']);
    const row = (body.components as { components: Record<string, unknown>[] }[])[0];
    const long = { ...body, components: [{ ...row, components: [{ ...row.components[0], label: 'x'.repeat(81) }] }] };
    expect(discordViolations(long, query).map((v) => v.kind)).toEqual(['discord: OpenAPI request body']);
    const twice = { ...body, components: [{ ...row, components: [row.components[0], row.components[0]] }] };
    expect(discordViolations(twice, query).map((v) => v.kind)).toEqual(['discord: custom_id repeated in a message']);
  });

  it('Slack: Reply, Claim, Close and an answer field under every open ticket message, and every body conforms', () => {
    const found: Violation[][] = [];
    let interactive = 0;
    for (const c of corpus('slack').map((x) => withButtons(x))) {
      const { body } = render('slack', c);
      found.push(slackLikeViolations('slack', body));
      const blocks = (body.blocks ?? []) as { type: string; elements?: { action_id: string }[]; element?: { action_id: string } }[];
      if (!carriesButtons(c)) {
        expect(blocks.filter((b) => b.type !== 'section')).toEqual([]);
        continue;
      }
      interactive++;
      const id = String((c.payload as { ticket: { id: string | number } }).ticket.id);
      const [actions, input] = blocks.slice(-2);
      expect(actions.elements?.map((e) => e.action_id)).toEqual([`ticket:reply:${id}`, `ticket:claim:${id}`, `ticket:close:${id}`]);
      expect([input.type, input.element?.action_id]).toEqual(['input', `ticket:reply:${id}`]);
      expect(blocks.length).toBeLessThanOrEqual(50);
      // The message's text is in its blocks too (a message with blocks shows only them).
      expect(blocks[0].type).toBe('section');
    }
    expect(interactive).toBeGreaterThan(50);
    expect(tally(found)).toEqual({});
  });

  it('off by default: no component, no block, no with_components', () => {
    for (const c of everyTicketEvent) {
      const d = render('discord', c);
      const s = render('slack', withButtons(c, false));
      expect([d.body.components, d.query.with_components, s.body.blocks]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('a ticket id a button cannot carry gets no buttons rather than a broken custom_id', () => {
    const base = sample('ticket.submit');
    for (const id of ['a b', 'é', 'ticket:1']) {
      const payload = valid('ticket.submit', { ...base, ticket: { ...base.ticket, id } });
      const c = withButtons({ event: 'ticket.submit', payload, options: {}, locale: 'fr' });
      expect([id, render('discord', c).body.components, render('slack', c).body.blocks]).toEqual([id, undefined, undefined]);
    }
    const longest = valid('ticket.submit', { ...base, ticket: { ...base.ticket, id: 'x'.repeat(64) } });
    const { body, query } = render('discord', withButtons({ event: 'ticket.submit', payload: longest, options: {}, locale: 'fr' }));
    expect(discordViolations(body, query)).toEqual([]);
  });

  it('coalescing: one ticket’s messages share one row; two tickets’ never share one; Slack never packs interactive messages', () => {
    const submit = (seq: number) => ({
      event: 'ticket.submit' as const,
      payload: sample('ticket.submit', seq),
      options: {},
      locale: 'en' as const,
    });
    const reply = (seq: number) => ({
      event: 'ticket.reply' as const,
      payload: sample('ticket.reply', seq),
      options: {},
      locale: 'en' as const,
    });
    const bodies = (platform: 'discord' | 'slack', cases: Case[]) => cases.map((c) => render(platform, withButtons(c)).body);
    const same = combineBodies('discord', bodies('discord', [submit(3), reply(3)]));
    expect(same).toHaveLength(1);
    const other = combineBodies('discord', bodies('discord', [submit(3), submit(4)]));
    expect(other).toHaveLength(2);
    expect(combineBodies('slack', bodies('slack', [submit(3), reply(3)]))).toHaveLength(2);
  });
});

describe('the message after an action', () => {
  const calls: string[] = [];
  const helpdesk: HelpdeskPort = {
    reply: async (id, i) => (calls.push(`reply ${id} ${i.staffId} ${i.content}`), { ok: true, ticketId: id }),
    close: async (id, i) => (calls.push(`close ${id} ${i.staffId}`), { ok: true, ticketId: id }),
    assign: async (id, s) => (calls.push(`assign ${id} ${s}`), { ok: true, ticketId: id }),
    staff: {
      // A hostile display name: long, with markup and a lone surrogate cut away by the label limits.
      get: async (id) => ({
        id,
        name: id === 'bob' ? 'Bob' : `<!channel> **${'A'.repeat(300)}**`,
        email: null,
        permissions: ['*'],
        active: true,
      }),
      list: async () => [],
    },
  };
  const words: Record<string, string> = {
    'helpdesk.buttons.reply': 'Reply',
    'helpdesk.buttons.claim': 'Claim',
    'helpdesk.buttons.close': 'Close',
    'helpdesk.buttons.answer': 'Answer',
    'helpdesk.buttons.claimed_by': 'Claimed by {name}',
    'helpdesk.buttons.closed_by': 'Closed by {name}',
  };
  const t = (key: string, vars: Record<string, string | number> = {}) =>
    (words[key] ?? `${key}${Object.keys(vars).length ? ' ' + JSON.stringify(vars) : ''}`).replace(/\{(\w+)\}/g, (w, n: string) =>
      String(vars[n] ?? w),
    );

  it('Discord: Claim then Close answer UPDATE_MESSAGE with the row in its new state, valid for the callback spec', async () => {
    const deps = { helpdesk, links: { '80351110224678912': 'bob', '80351110224678913': 'eve' }, t };
    const { body } = render(
      'discord',
      withButtons({ event: 'ticket.submit', payload: sample('ticket.submit'), options: {}, locale: 'en' }),
    );
    const id = String(sample('ticket.submit').ticket.id);
    const claimed = await answerInteraction(
      {
        type: 3,
        data: { custom_id: `ticket:claim:${id}` },
        member: { user: { id: '80351110224678912' } },
        message: { components: body.components },
      },
      deps,
    );
    expect(discordCallbackViolations(claimed)).toEqual([]);
    const row = (claimed.data as { components: { components: { label: string; disabled: boolean }[] }[] }).components[0].components;
    expect(row.map((b) => [b.label, b.disabled])).toEqual([
      ['Reply', false],
      ['Claimed by Bob', true],
      ['Close', false],
    ]);
    expect(claimed.type).toBe(7);
    const closed = await answerInteraction(
      {
        type: 3,
        data: { custom_id: `ticket:close:${id}` },
        member: { user: { id: '80351110224678913' } },
        message: { components: (claimed.data as { components: unknown }).components },
      },
      deps,
    );
    expect(discordCallbackViolations(closed)).toEqual([]);
    const after = (closed.data as { components: { components: { label: string; disabled: boolean }[] }[] }).components[0].components;
    expect(after.map((b) => b.disabled)).toEqual([true, true, true]);
    expect(after[1].label).toBe('Claimed by Bob');
    expect(after[2].label.length).toBeLessThanOrEqual(80);
    expect(after[2].label.startsWith('Closed by <!channel> **AAA')).toBe(true);
    // Without the message (a button Discord did not send with one), the user is told instead.
    const told = await answerInteraction(
      { type: 3, data: { custom_id: `ticket:claim:${id}` }, member: { user: { id: '80351110224678912' } } },
      deps,
    );
    expect(told.type).toBe(4);
  });

  it('Slack: Claim then Close replace the message: the done buttons go, a context line says who, and it stays valid', async () => {
    const deps = { helpdesk, links: { U0BOB0001: 'bob', U0EVE0001: 'eve' }, t, canOpenModals: false };
    const { body } = render('slack', withButtons({ event: 'ticket.submit', payload: sample('ticket.submit'), options: {}, locale: 'en' }));
    const id = String(sample('ticket.submit').ticket.id);
    const act = (action_id: string, user: string, message: { text: unknown; blocks: unknown }) =>
      actOnSlack(
        {
          type: 'block_actions',
          user: { id: user },
          response_url: 'https://hooks.slack.com/actions/T/1/x',
          actions: [{ action_id, type: 'button' }],
          message,
        },
        deps,
      );
    const claimed = await act(`ticket:claim:${id}`, 'U0BOB0001', { text: body.text, blocks: body.blocks });
    expect(claimed?.replace).toBeDefined();
    expect(slackLikeViolations('slack', claimed!.replace as unknown as Record<string, unknown>)).toEqual([]);
    const types = (
      claimed!.replace!.blocks as { type: string; block_id?: string; elements?: { action_id?: string; text?: string }[] }[]
    ).map((b) => b.block_id ?? b.type);
    expect(types.slice(-3)).toEqual(['ticket-claimed', 'ticket-actions', 'ticket-answer']);
    const actions = claimed!.replace!.blocks.find((b) => b.block_id === 'ticket-actions') as { elements: { action_id: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual([`ticket:reply:${id}`, `ticket:close:${id}`]);

    const closed = await act(`ticket:close:${id}`, 'U0EVE0001', { text: body.text, blocks: claimed!.replace!.blocks });
    expect(slackLikeViolations('slack', closed!.replace as unknown as Record<string, unknown>)).toEqual([]);
    const last = closed!.replace!.blocks.slice(-2) as { block_id: string; elements: { text: string }[] }[];
    expect(last.map((b) => [b.block_id, b.elements[0].text.slice(0, 20)])).toEqual([
      ['ticket-claimed', 'Claimed by Bob'],
      ['ticket-closed', 'Closed by <!channel>'],
    ]);
    expect(closed!.replace!.blocks.some((b) => b.type === 'actions' || b.type === 'input')).toBe(false);
  });

  it('Slack: Reply opens a modal that Block Kit accepts; its submit answers, a refusal stays in the modal', async () => {
    const deps = { helpdesk, links: { U0BOB0001: 'bob' }, t, canOpenModals: true };
    const open = await actOnSlack(
      {
        type: 'block_actions',
        user: { id: 'U0BOB0001' },
        trigger_id: '123.456.abc',
        actions: [{ action_id: 'ticket:reply:42', type: 'button' }],
      },
      deps,
    );
    expect(open?.openModal?.triggerId).toBe('123.456.abc');
    expect(slackModalViolations(open!.openModal!.view as unknown as Record<string, unknown>)).toEqual([]);
    expect(slackModalViolations({ ...open!.openModal!.view, title: { type: 'plain_text', text: 'x'.repeat(25) } })).not.toEqual([]);
    const submission = (user: string, value: string) => ({
      type: 'view_submission',
      user: { id: user },
      view: {
        callback_id: 'ticket:reply-modal:42',
        state: { values: { 'ticket-answer': { content: { type: 'plain_text_input', value } } } },
      },
    });
    expect(await actOnSlack(submission('U0BOB0001', ' Done. '), deps)).toEqual({ responseUrl: null, text: null });
    expect(calls.at(-1)).toBe('reply 42 bob Done.');
    const before = calls.length;
    const refused = await actOnSlack(submission('U0NOBODY1', 'x'), deps);
    expect(refused?.ack).toEqual({
      response_action: 'errors',
      errors: { 'ticket-answer': expect.stringMatching(/^helpdesk\.slack\.not_linked/) },
    });
    expect((await actOnSlack(submission('U0BOB0001', '   '), deps))?.ack).toMatchObject({ response_action: 'errors' });
    expect(calls.length).toBe(before);
    // Without a bot token, Reply points at the answer field.
    const noToken = await actOnSlack(
      { type: 'block_actions', user: { id: 'U0BOB0001' }, trigger_id: 't', actions: [{ action_id: 'ticket:reply:42', type: 'button' }] },
      { ...deps, canOpenModals: false },
    );
    expect([noToken?.openModal, noToken?.text]).toEqual([undefined, 'helpdesk.slack.use_answer_field {"id":"42"}']);
  });
});
