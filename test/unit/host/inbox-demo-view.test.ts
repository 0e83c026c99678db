/**
 * The inbox draws the interactive parts of what it received: whatever a message holds (customer
 * text reaches labels and ids through templates), it is escaped, and only buttons and fields of
 * the kinds the platforms draw become controls.
 */
import { discordButtons, slackActions } from '../../../host/inbox/demo-chat-view.js';
import type { InboxMessage } from '../../../host/inbox/inbox-store.js';

const msg = (kind: 'discord' | 'slack', body: Record<string, unknown>): InboxMessage => ({ seq: 7, at: 0, kind, receiver: 'x', body });
const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>';

describe('the inbox draws ticket buttons', () => {
  it('Discord: one button per type-2 component, label and custom_id escaped, disabled kept', () => {
    const html = discordButtons(
      msg('discord', {
        components: [
          {
            type: 1,
            components: [
              { type: 2, style: 1, label: hostile, custom_id: hostile },
              { type: 2, style: 3, label: 'Claimed by Bob', custom_id: 'ticket:claim:1', disabled: true },
              { type: 3, custom_id: 'select-menu' },
            ],
          },
          { type: 9, components: [{ type: 2, label: 'not in a row' }] },
        ],
      }),
    );
    expect(html).not.toMatch(/<img|<script/);
    expect(html.match(/<button/g)).toHaveLength(2);
    expect(html).toContain('data-id="&quot;&gt;&lt;img');
    expect(html).toContain('data-seq="7"');
    expect(html).toMatch(/class="dbtn ok"[^>]*disabled>Claimed by Bob</);
  });

  it('Discord: a body without components, or with nonsense there, draws nothing', () => {
    for (const components of [undefined, null, 'x', [null], [{ type: 1, components: 'x' }]])
      expect(discordButtons(msg('discord', { components }))).toBe('');
  });

  it('Slack: actions buttons, the answer field with its label, context lines; all escaped', () => {
    const html = slackActions(
      msg('slack', {
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'already drawn from text' } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: hostile }] },
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'ticket:reply:1', style: 'primary', value: '1', text: { type: 'plain_text', text: hostile } },
              { type: 'static_select', action_id: 'menu' },
            ],
          },
          {
            type: 'input',
            label: { type: 'plain_text', text: 'Answer' },
            element: { type: 'plain_text_input', action_id: 'ticket:reply:1', max_length: 3000 },
          },
        ],
      }),
    );
    expect(html).not.toMatch(/<img|<script/);
    expect(html).not.toContain('already drawn from text');
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toMatch(
      /<form class="sin" data-demo="slack" data-seq="7" data-id="ticket:reply:1"><label for="sin-7-3">Answer<\/label><input id="sin-7-3"/,
    );
  });
});
