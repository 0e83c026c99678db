/** Slack (typed by @slack/types), Mattermost, Rocket.Chat, Teams, Telegram and JSON bodies. */
import type { KnownBlock, SectionBlock } from '@slack/types';
import { slackBody, sectionBlocks, slackStyle } from '../../../module/platforms/slack/slack-format.js';
import { mattermostStyle } from '../../../module/platforms/mattermost/index.js';
import { rocketchatStyle } from '../../../module/platforms/rocketchat/index.js';
import { formatTelegram } from '../../../module/platforms/telegram/telegram-format.js';
import { formatTeams } from '../../../module/platforms/teams/teams-format.js';
import { formatJson } from '../../../module/platforms/json/json-format.js';
import {
  defaultTemplates,
  signStandardWebhook,
  slackProblems,
  teamsProblems,
  telegramProblems,
  SLACK,
} from '../../../module/rendering/index.js';
import { telegramVisibleText } from '../../../module/platforms/limits.js';
import { ctxFor, sample } from './helpers.js';

const withContent = (content: string) => {
  const p = sample('ticket.submit');
  return { ...p, message: { ...p.message, content } };
};

describe('Slack', () => {
  it('mrkdwn: **bold** becomes *bold*, customer &, <, > are escaped, shortcodes stay', () => {
    const body = slackBody(
      slackStyle,
      ctxFor('ticket.submit', ':memo: **Message :** %content%', { payload: withContent('a < b && c > d') }),
    );
    expect(body).toEqual({ text: ':memo: *Message :* a &lt; b &amp;&amp; c &gt; d' });
  });

  it("keeps the admin's own Slack links and mentions in the template, escapes the rest", () => {
    const body = slackBody(slackStyle, ctxFor('order.paid', '<!here> <https://x.example|Facture %id%> & co <not a link', {}));
    expect(body.text).toBe('<!here> <https://x.example|Facture 1001> &amp; co &lt;not a link');
    expect(slackBody(slackStyle, ctxFor('order.paid', '<%url%|Facture %id%>')).text).toBe(
      '<https://billing.example.com/invoices/1001|Facture 1001>',
    );
  });

  it("a customer value can never complete an admin's <...> into a mention", () => {
    const p = sample('ticket.submit');
    const body = slackBody(
      slackStyle,
      ctxFor('ticket.submit', '<%subject%> <@%user%> <!%author%> <!here> <#C123|%author%>', {
        payload: {
          ...p,
          ticket: { ...p.ticket, subject: '!channel', customer: { ...p.ticket.customer, firstName: 'U1', lastName: '' } },
          message: { ...p.message, author: { name: 'channel', staff: false } },
        },
      }),
    );
    // The admin's own <!here> and a value in a label stay; a value inside a mention token never pings
    // (a customer value starting with a mention word also gets a zero-width space before it).
    expect(body.text).toBe('&lt;!channel&gt; &lt;@U1&gt; &lt;!\u200Bchannel&gt; <!here> <#C123|\u200Bchannel>');
  });

  it('Block Kit: section blocks typed by @slack/types, each within 3000, text kept as the fallback', () => {
    const body = slackBody(
      slackStyle,
      ctxFor('ticket.submit', '%subject%\n%content%', { payload: withContent('line\n'.repeat(2000)), options: { slackBlocks: true } }),
    );
    const blocks: KnownBlock[] = body.blocks!;
    expect(blocks.length).toBeGreaterThan(3);
    for (const b of blocks as SectionBlock[]) {
      expect(b.type).toBe('section');
      expect(b.text!.type).toBe('mrkdwn');
      expect(b.text!.text.length).toBeLessThanOrEqual(SLACK.sectionText);
    }
    expect(blocks.map((b) => (b as SectionBlock).text!.text).join('\n')).toBe(body.text);
    expect(slackProblems(body as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('sectionBlocks hard-splits a single line longer than 3000', () => {
    const blocks = sectionBlocks('x'.repeat(7000));
    expect(blocks.map((b) => b.text!.text.length)).toEqual([3000, 3000, 1000]);
  });

  it('text over 40 000 is shortened in the untrusted variable first', () => {
    const body = slackBody(
      slackStyle,
      ctxFor('ticket.submit', 'Sujet : %subject%\n%content%\nfin', { payload: withContent('z'.repeat(39_990)) }),
    );
    expect(body.text.length).toBeLessThanOrEqual(SLACK.text);
    expect(body.text.startsWith('Sujet : Mon serveur ne démarre plus\nzzz')).toBe(true);
    expect(body.text.endsWith('z…\nfin')).toBe(true);
  });

  it('Mattermost keeps **bold** and gets Unicode emoji; Rocket.Chat gets *bold* within 5000', () => {
    expect(slackBody(mattermostStyle, ctxFor('order.paid', ':moneybag: **Prix :** %price%')).text).toBe('💰 **Prix :** 39,98\u00A0€');
    const rc = slackBody(
      rocketchatStyle,
      ctxFor('ticket.submit', ':memo: **Message :** %content%', { payload: withContent('r'.repeat(9000)) }),
    );
    expect(rc.text.startsWith('📝 *Message :* rrr')).toBe(true);
    expect(rc.text.length).toBeLessThanOrEqual(5000);
  });
});

describe('Teams', () => {
  it('an Adaptive Card in the Workflows message envelope, heading, one TextBlock per line, Open button', () => {
    const { body } = formatTeams(ctxFor('order.paid', defaultTemplates('en').order, { locale: 'en' }));
    const attachments = body.attachments as {
      contentType: string;
      content: { type: string; version: string; body: { text: string; weight?: string }[]; actions: unknown[] };
    }[];
    expect(body.type).toBe('message');
    expect(attachments).toHaveLength(1);
    expect(attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachments[0].content;
    expect(card.type).toBe('AdaptiveCard');
    expect(card.body[0]).toMatchObject({ text: '📌 New order #1001', weight: 'Bolder' });
    expect(card.body[1].text).toBe('💰 **Price:** €39.98');
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open', url: 'https://billing.example.com/invoices/1001' }]);
  });

  it('stays under 28 KB', () => {
    const { body } = formatTeams(ctxFor('ticket.submit', '%content%\n%content%', { payload: withContent('é'.repeat(100_000)) }));
    expect(teamsProblems(body)).toEqual([]);
    expect(JSON.stringify(body)).toContain('é…');
  });
});

describe('Telegram', () => {
  it('HTML: escapes &, <, > in everything, bold is <b>', () => {
    const { body } = formatTelegram(
      ctxFor('ticket.submit', '**Sujet <%id%> :** %content%', { payload: withContent('<b>x</b> & y'), options: { telegramChatId: '42' } }),
    );
    // The content was HTML: converted to Markdown first (**x**), then escaped for Telegram.
    expect(body).toEqual({ chat_id: '42', parse_mode: 'HTML', text: '<b>Sujet &lt;501&gt; :</b> **x** &amp; y' });
  });

  it('MarkdownV2: every special character escaped', () => {
    const { body } = formatTelegram(
      ctxFor('ticket.submit', '**Ticket %id%.** %content%', {
        payload: withContent('a_b*c[d](e)~f`g>h#i+j-k=l|m{n}o.p!q\\r'),
        options: { telegramParseMode: 'MarkdownV2' },
      }),
    );
    expect(body.text).toBe('*Ticket 501\\.* a\\_b\\*c\\[d\\]\\(e\\)\\~f\\`g\\>h\\#i\\+j\\-k\\=l\\|m\\{n\\}o\\.p\\!q\\\\r');
    expect(body.parse_mode).toBe('MarkdownV2');
  });

  it('4096 counts the text after entity parsing: escapes do not count, the untrusted text is cut first', () => {
    const { body } = formatTelegram(ctxFor('ticket.submit', '**A :** %content%', { payload: withContent('&'.repeat(10_000)) }));
    const visible = telegramVisibleText(body.text as string, 'HTML');
    expect(visible.length).toBeLessThanOrEqual(4096);
    expect(visible.length).toBeGreaterThan(4000);
    expect((body.text as string).length).toBeGreaterThan(4096);
    expect(telegramProblems(body)).toEqual([]);
  });

  it('a template longer than 4096 on its own is sent as plain text, cut, without parse_mode', () => {
    const { body } = formatTelegram(ctxFor('order.paid', '**' + 'x'.repeat(5000) + '** %id%'));
    expect(body.parse_mode).toBeUndefined();
    expect((body.text as string).length).toBeLessThanOrEqual(4096);
    expect(telegramProblems(body)).toEqual([]);
  });
});

describe('generic JSON', () => {
  it('{type, timestamp, data: {...variables, message, payload}}', () => {
    const payload = sample('order.paid');
    const { body } = formatJson(ctxFor('order.paid', ':pushpin: **Commande %id%**', { payload }));
    expect(body).toEqual({
      type: 'order.paid',
      timestamp: '2026-11-29T09:30:00.000Z',
      data: {
        id: '1001',
        price: '39,98\u00A0€',
        user: 'Jean Dupont',
        paymentType: 'Stripe',
        transactionId: 'txn_5F3A91',
        comment: 'Merci de livrer le serveur en France.',
        url: 'https://billing.example.com/invoices/1001',
        message: '📌 Commande 1001',
        payload,
      },
    });
  });

  it('Standard Webhooks signature matches the specification example', () => {
    expect(
      signStandardWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    ).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });
});
