/**
 * Customer HTML built to be slow (deep nesting of several tags, 1 MB, many entities, long
 * attributes, huge tables, tags that never close) converts to bounded, correct Markdown: the
 * rewritten HTML is never deeper than MAX_NESTING nor longer than HTML_CONVERT_CAP, the text is
 * kept, and every platform's body stays within its limits.
 */
import fc from 'fast-check';
import {
  HTML_CONVERT_CAP,
  MAX_NESTING,
  decodeEntities,
  htmlToMarkdown,
  htmlToPlainText,
  prepareHtml,
} from '../../../module/text/html-to-markdown.js';
import { discordProblems, renderMessage, slackProblems, telegramProblems, teamsProblems } from '../../../module/rendering/index.js';
import { escapeMarkdown, untrustedForms } from '../../../module/text/untrusted-text.js';
import { defaultOptions, type Platform } from '../../../module/webhooks/webhook.js';
import { hostileCorpus } from '../../../bench/support/hostile-corpus.js';
import { sample } from './helpers.js';

const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** The hostile benchmark's corpus (bench/support/hostile-corpus.ts), by name. */
const hostileHtml: Record<string, string> = Object.fromEntries(hostileCorpus.map((c) => [c.name, c.content]));

/** Deepest element nesting of well-formed HTML (as prepareHtml writes it). */
function depthOf(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/g)) {
    if (['br', 'hr', 'img'].includes(m[2])) continue;
    depth += m[1] ? -1 : 1;
    max = Math.max(max, depth);
  }
  expect(depth).toBe(0);
  return max;
}

describe('hostile HTML is converted in bounded time and size', () => {
  it.each(Object.keys(hostileHtml))('%s', (name) => {
    const html = hostileHtml[name];
    const t0 = performance.now();
    const prepared = prepareHtml(html);
    const forms = untrustedForms(html);
    const ms = performance.now() - t0;
    expect(prepared.length).toBeLessThanOrEqual(HTML_CONVERT_CAP);
    expect(depthOf(prepared)).toBeLessThanOrEqual(MAX_NESTING);
    // Unbounded, 6000 nested <b> took 3 s and 4000 <div> 4 s; bounded, these take milliseconds
    // (the bound is loose for shared machines).
    expect(ms).toBeLessThan(1500);
    expect(forms.markdown.length).toBeLessThanOrEqual(2 * 40_000);
  });

  it('keeps the text under deep nesting, with the formatting the first levels carry', () => {
    expect(htmlToMarkdown('<b>'.repeat(6000) + 'deep text')).toBe('**deep text**');
    expect(htmlToMarkdown('<div>'.repeat(4000) + 'deep text')).toBe('deep text');
    expect(htmlToMarkdown('<blockquote>'.repeat(50) + 'quoted')).toBe(Array(MAX_NESTING).fill('>').join(' ') + ' quoted');
    expect(htmlToMarkdown('<b><i><b><em><strong>x</strong></em></b></i></b>')).toBe('**_x_**');
  });

  it('keeps the Markdown of ordinary ticket HTML', () => {
    const md = htmlToMarkdown(
      '<p>Bonjour,</p><p>Le <strong>serveur</strong> <em>web</em> ne répond plus :</p>' +
        '<ul><li>depuis 9h<li>sur <a href="https://example.com/status" title="état">la page</a></ul>' +
        '<ol><li>un</li><li>deux<ul><li>deux.un</li></ul></li></ol>' +
        '<pre><code>curl -I https://example.com</code></pre><p>Merci&nbsp;!<br>Jean &amp; Marie</p>',
    );
    expect(md).toBe(
      [
        'Bonjour,',
        '',
        'Le **serveur** _web_ ne répond plus :',
        '',
        '-   depuis 9h',
        '-   sur [la page](https://example.com/status "état")',
        '',
        '1.  un',
        '2.  deux',
        '    -   deux.un',
        '',
        '```',
        'curl -I https://example.com',
        '```',
        '',
        'Merci\u00A0!',
        'Jean & Marie',
      ].join('\n'),
    );
  });

  it('drops scripts, styles, frames, SVG and comments with their content, and unsafe or over-long links', () => {
    const md = htmlToMarkdown(
      '<p>a<script>alert(1)</script><style>p{}</style><iframe src="x">in</iframe><svg><text>s</text></svg><!-- hidden -->b</p>' +
        '<a href="javascript:alert(1)">js</a> <a href="https://x.test/' +
        'a'.repeat(5000) +
        '">long</a> <img src="data:image/png;base64,AAAA" alt="pic">',
    );
    expect(md).toBe('ab\n\njs long');
  });

  it('writes table rows as lines, their cells separated by " | ", closed or not', () => {
    expect(htmlToMarkdown('<table><tr><th>Plan</th><th>Prix</th></tr><tr><td>VPS</td><td>5 €</td></tr></table>')).toBe(
      'Plan | Prix\n\nVPS | 5 €',
    );
    expect(htmlToMarkdown('<table><tr><td>a<td>b<tr><td>c<td>d</table>')).toBe('a | b\n\nc | d');
  });

  it('closes what the HTML parser would close: a long list is not a deep one', () => {
    const md = htmlToMarkdown('<ul>' + '<li>item'.repeat(500) + '</ul>');
    expect(md.split('\n').filter((l) => l === '-   item')).toHaveLength(500);
  });

  it('cuts at HTML_CONVERT_CAP without splitting an entity, a surrogate pair or leaving a tag open', () => {
    const md = htmlToMarkdown(fill('<p>😀 &amp; x</p>', 200_000));
    expect(md).not.toMatch(/&am?$|\uD83D$/);
    expect(prepareHtml(fill('<p>😀 &amp; x</p>', 200_000))).toMatch(/<\/div>$/);
  });
});

describe('plain-text fallback (a conversion over its time budget)', () => {
  it('keeps the visible text, blocks on their own lines, entities decoded, no markup', () => {
    expect(htmlToPlainText('<p>Hello <b>world</b></p><script>x()</script><ul><li>a &amp; b<li>c</ul>&#128512;&unknown;')).toBe(
      'Hello world\na & b\nc\n😀&unknown;',
    );
  });

  it('is sent escaped: an untrusted value whose conversion failed is plain text in Markdown', () => {
    const forms = untrustedForms('<p>**not bold** @everyone</p>', () => null);
    expect(forms.plain).toBe('**not bold** @\u200Beveryone');
    expect(forms.markdown).toBe('\\*\\*not bold\\*\\* @\u200Beveryone');
  });

  it.each(Object.keys(hostileHtml))('stays bounded: %s', (name) => {
    expect(htmlToPlainText(hostileHtml[name]).length).toBeLessThanOrEqual(HTML_CONVERT_CAP);
  });

  it('decodes numeric and common named entities only', () => {
    expect(decodeEntities('&lt;&#60;&#x3C;&amp;&nbsp;&#0;&#xD800;&copy;')).toBe('<<<&\u00A0\uFFFD\uFFFD&copy;');
  });
});

describe('plain text is escaped in linear time', () => {
  it('40 000 line breaks (one regex spanned lines: over a second)', () => {
    const t0 = performance.now();
    expect(escapeMarkdown('\n'.repeat(40_000) + '# x')).toBe('\n'.repeat(40_000) + '\\# x');
    expect(escapeMarkdown(' \n'.repeat(20_000))).toBe(' \n'.repeat(20_000));
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('escapes exactly as the line-spanning pattern did', () => {
    const before = (text: string) =>
      text.replace(/([\\*_~`|[\]])/g, '\\$1').replace(/^(\s*)([>#-]|\d+\.)/gm, (_w, space: string, mark: string) => `${space}\\${mark}`);
    const alphabet = fc.constantFrom(' ', '\n', '\t', '#', '>', '-', '1', '.', 'a', '*', '\u00A0', '\u2028');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        expect(escapeMarkdown(text)).toBe(before(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a ticket of hostile HTML renders within every platform limit', () => {
  const platforms: Platform[] = ['discord', 'slack', 'mattermost', 'rocketchat', 'teams', 'telegram'];
  it.each(Object.keys(hostileHtml))('%s', (name) => {
    const base = sample('ticket.submit');
    const payload = { ...base, message: { ...base.message!, content: hostileHtml[name] } };
    for (const platform of platforms) {
      for (const mode of ['plain', 'embed'] as const) {
        const { body } = renderMessage({
          webhook: { platform, templates: {}, options: { ...defaultOptions(), mode } },
          event: 'ticket.submit',
          payload,
          locale: 'fr',
          timeZone: 'Europe/Paris',
        });
        const problems =
          platform === 'discord'
            ? discordProblems(body)
            : platform === 'teams'
              ? teamsProblems(body)
              : platform === 'telegram'
                ? telegramProblems(body)
                : slackProblems(body, platform === 'slack' ? 40_000 : platform === 'mattermost' ? 16_383 : 5000);
        expect([platform, mode, problems]).toEqual([platform, mode, []]);
      }
    }
  });
});
