import { compileTemplate, compiledCacheSize, renderText } from '../../../module/text/template.js';
import { discordDialect } from '../../../module/platforms/discord/discord-format.js';
import { escapeMarkdown, looksLikeHtml, neutralizeCustomerText, truncate, untrustedForms } from '../../../module/text/untrusted-text.js';
import { shortcodesToUnicode } from '../../../module/text/emoji.js';
import type { Variables } from '../../../module/rendering/variables.js';

const v = (text: string): Variables[string] => ({ text, untrusted: null });
const vars: Variables = { a: v('A'), empty: v(''), b: v('B') };
const render = (t: string) => renderText(compileTemplate(t), vars, discordDialect);

describe('templates', () => {
  it('are compiled once per template string', () => {
    const source = `cache probe ${Math.PI}`;
    const first = compileTemplate(source);
    const size = compiledCacheSize();
    expect(compileTemplate(source)).toBe(first);
    expect(compiledCacheSize()).toBe(size);
  });

  it.each([
    ['%a% and %b%', 'A and B'],
    ['x\n%empty%\ny', 'x\ny'],
    ['label: %empty%\nnext', 'next'],
    ['%a% %empty%', 'A'],
    ['**%empty%** tail %a%', ' tail A'],
    ['**bold %a%** rest', '**bold A** rest'],
    ['odd ** marker %a%', 'odd ** marker A'],
    ['**one** **two** **', '**one** **two** **'],
    ['%unknown% %empty%', '%unknown%'],
    ['\n\nfirst\n\n\nlast\n\n', 'first\n\n\nlast'],
    ['line with spaces   \n%a%', 'line with spaces\nA'],
    ['no vars, blank kept\n\n%a%', 'no vars, blank kept\n\nA'],
    ['\r\nwindows %a%\r\n', 'windows A'],
  ])('%j -> %j', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});

describe('untrusted text', () => {
  it('HTML becomes Markdown, script and style bodies are dropped', () => {
    expect(
      untrustedForms('<p>Bonjour <strong>vous</strong></p><script>alert(1)</script><style>x{}</style><ul><li>un</li></ul>').markdown,
    ).toBe('Bonjour **vous**\n\n-   un');
  });
  it('the plain form has no Markdown escapes', () => {
    expect(untrustedForms('<p>a_b *c*</p>').plain).toBe('a_b *c*');
    expect(untrustedForms('<p>a_b *c*</p>').markdown).toBe('a\\_b \\*c\\*');
  });
  it('plain text keeps its line breaks and gets its Markdown characters escaped', () => {
    expect(untrustedForms('a *b*\n> quote\n# title\n||spoiler||').markdown).toBe('a \\*b\\*\n\\> quote\n\\# title\n\\|\\|spoiler\\|\\|');
    expect(escapeMarkdown('- item')).toBe('\\- item');
  });
  it.each([
    ['@everyone', '@\u200Beveryone'],
    ['@here', '@\u200Bhere'],
    ['@Channel', '@\u200BChannel'],
    ['<@123>', '<\u200B@123>'],
    ['<@!123>', '<\u200B@!123>'],
    ['<@&123>', '<\u200B@&123>'],
    ['<#123>', '<\u200B#123>'],
    ['<!channel>', '<\u200B!channel>'],
    ['<!here>', '<\u200B!here>'],
    ['<!everyone>', '<\u200B!everyone>'],
    // Word boundaries: an e-mail address or a word holding "@all…" is no mention and stays as is.
    ['mail me@here.com', 'mail me@here.com'],
    ['jean@allo.fr', 'jean@allo.fr'],
    ['@allo @everyones', '@allo @everyones'],
    ['see https://x.example/u/@here/t/1', 'see https://x.example/u/@\u200Bhere/t/1'],
    ['(@everyone)', '(@\u200Beveryone)'],
    ['here is my problem', '\u200Bhere is my problem'],
    ['a <b> c', 'a <b> c'],
    ['ends with @', 'ends with @\u200B'],
    ['ends with <', 'ends with <\u200B'],
  ])('neutralizeCustomerText(%j)', (input, expected) => {
    expect(neutralizeCustomerText(input)).toBe(expected);
  });
  it('HTML detection', () => {
    expect(looksLikeHtml('<p>x</p>')).toBe(true);
    expect(looksLikeHtml('a &amp; b')).toBe(true);
    expect(looksLikeHtml('a < b > c')).toBe(false);
    expect(looksLikeHtml('<@123> <!channel>')).toBe(false);
  });
  it('truncate ends with an ellipsis, never splits a surrogate pair, an escape or an entity', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab\\*cd', 4)).toBe('ab…');
    expect(truncate('ab &amp; cd', 6)).toBe('ab…');
    // A cut must not make a mention: `@here𐀀` is none, `@here…` would be one (found by the property test).
    expect(truncate('x @here\u{10000} y', 8)).toBe('x @\u200Bhere…');
    expect(truncate('x @everyonez!', 12)).toBe('x @\u200Beveryone…');
    expect(truncate('x @herald', 8)).toBe('x @hera…');
    expect(truncate('abc', 1)).toBe('…');
  });
  it('emoji shortcodes become Unicode, unknown ones stay', () => {
    expect(shortcodesToUnicode(':pushpin: :envelope: :not_an_emoji: 10:30:00')).toBe('📌 ✉️ :not_an_emoji: 10:30:00');
  });
});
