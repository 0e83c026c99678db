/**
 * Hostile and random payloads on the interaction handlers, after the signature (a signed payload
 * is still untrusted data): 1,000 random values each, shaped like the real ones with every field
 * replaced by anything (fast-check), never throw, never act for an unlinked user, and every answer
 * the module would send back passes Discord's callback spec or Block Kit's rules.
 */
import fc from 'fast-check';
import type { HelpdeskPort } from '../../../sdk/helpdesk.js';
import { answerInteraction } from '../../../module/helpdesk/discord-interactions.js';
import { actOnSlack } from '../../../module/helpdesk/slack-interactions.js';
import { discordCallbackViolations, slackLikeViolations, slackModalViolations } from '../../support/platform-contracts.js';
import { anyOr } from '../../support/hostile-arbitraries.js';

const acted: string[] = [];
const helpdesk: HelpdeskPort = {
  reply: async (id, i) => (acted.push(`reply ${id} ${i.staffId}`), { ok: true, ticketId: id }),
  close: async (id, i) => (acted.push(`close ${id} ${i.staffId}`), { ok: true, ticketId: id }),
  assign: async (id, s) => (acted.push(`assign ${id} ${s}`), { ok: true, ticketId: id }),
  staff: { get: async (id) => ({ id, name: `N${id}`, email: null, permissions: ['*'], active: true }), list: async () => [] },
};
const t = (key: string) => key;
const customId = fc.oneof(
  fc.constantFrom('ticket:reply:1', 'ticket:claim:1', 'ticket:close:1', 'ticket:reply-modal:1', 'ticket:claim:1:x', 'ticket:claim:'),
  fc.string(),
);
const SEED = 2612;

describe('hostile interactions', () => {
  it('a chat user named like an Object member (constructor, __proto__, toString) is not linked, and acts on nothing', async () => {
    const links = { '80351110224678912': 'bob', U0BOB0001: 'bob' };
    for (const user of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      acted.length = 0;
      const discord = await answerInteraction(
        { type: 3, data: { custom_id: 'ticket:claim:1' }, member: { user: { id: user } } },
        { helpdesk, links, t: (key, vars) => `${key} ${JSON.stringify(vars)}` },
      );
      const slack = await actOnSlack(
        { type: 'block_actions', user: { id: user }, actions: [{ action_id: 'ticket:close:1', type: 'button' }] },
        { helpdesk, links, t, canOpenModals: false },
      );
      expect([user, (discord.data as { content: string }).content, slack?.text, acted]).toEqual([
        user,
        `helpdesk.discord.not_linked ${JSON.stringify({ user })}`,
        'helpdesk.slack.not_linked',
        [],
      ]);
    }
  });

  it('Discord: 1,000 random interactions never throw; only a linked user acts; every answer passes the callback spec', async () => {
    const interaction = fc.record(
      {
        type: anyOr(fc.constantFrom(1, 2, 3, 5)),
        data: anyOr(fc.record({ custom_id: anyOr(customId), components: fc.anything() }, { requiredKeys: [] })),
        member: anyOr(fc.record({ user: anyOr(fc.record({ id: anyOr(fc.constantFrom('80351110224678912', '1')) })) })),
        message: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const bad: string[] = [];
    await fc.assert(
      fc.asyncProperty(interaction, async (i) => {
        acted.length = 0;
        const answer = await answerInteraction(i, { helpdesk, links: { '80351110224678912': 'bob' }, t });
        const v = discordCallbackViolations(answer);
        if (v.length) bad.push(`${JSON.stringify(i).slice(0, 200)} -> ${JSON.stringify(v)}`);
        const user = (i.member as { user?: { id?: unknown } } | undefined)?.user?.id;
        if (acted.length && user !== '80351110224678912') bad.push(`acted for ${String(user)}`);
      }),
      { seed: SEED, numRuns: 1000 },
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('Slack: 1,000 random payloads never throw; only a linked user acts; updates and modals pass Block Kit', async () => {
    const payload = fc.record(
      {
        type: anyOr(fc.constantFrom('block_actions', 'view_submission')),
        user: anyOr(fc.record({ id: anyOr(fc.constantFrom('U0BOB0001', 'U0EVE0001')) })),
        trigger_id: fc.anything(),
        response_url: fc.anything(),
        actions: anyOr(
          fc.array(
            fc.record({ action_id: anyOr(customId), type: anyOr(fc.constantFrom('button', 'plain_text_input')), value: fc.anything() }),
          ),
        ),
        message: anyOr(fc.record({ text: fc.anything(), blocks: anyOr(fc.array(fc.anything())) })),
        view: anyOr(fc.record({ callback_id: anyOr(customId), state: fc.anything() })),
      },
      { requiredKeys: [] },
    );
    const bad: string[] = [];
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        acted.length = 0;
        const out = await actOnSlack(p, { helpdesk, links: { U0BOB0001: 'bob' }, t, canOpenModals: true });
        const user = (p.user as { id?: unknown } | undefined)?.id;
        if (acted.length && user !== 'U0BOB0001') bad.push(`acted for ${String(user)}`);
        if (out?.openModal)
          bad.push(...slackModalViolations(out.openModal.view as unknown as Record<string, unknown>).map((v) => v.detail));
        // A replaced message keeps the blocks Slack sent back (not ours to judge); ours must pass.
        if (out?.replace) {
          const ours = out.replace.blocks.filter((b) => typeof b.block_id === 'string' && b.block_id.startsWith('ticket-'));
          bad.push(...slackLikeViolations('slack', { text: 'x', blocks: ours }).map((v) => `${v.kind}: ${v.detail}`));
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
