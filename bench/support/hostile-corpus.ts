/**
 * Ticket contents built to be slow to turn into Markdown, each with a plain-text twin of the same
 * length: deep nesting of several tags, 1 MB of HTML, many entities, long attributes, huge
 * tables, tags that never close, and (for the escaping of plain text) a flood of line breaks.
 * The hostile benchmark fires them at a host; the rendering unit tests convert them.
 */
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
/** The most a ticket message may hold (sdk/events.ts): 1 000 000 characters. */
const MB = 1_000_000;

export interface HostileCase {
  name: string;
  /** What a customer typed (the ticket's message content). */
  content: string;
}

export const hostileCorpus: HostileCase[] = [
  { name: 'nested <b> x6000', content: '<b>'.repeat(6000) + 'deep text' },
  { name: 'nested <div> x4000', content: '<div>'.repeat(4000) + 'deep text' },
  {
    name: 'nested mixed tags (200 KB)',
    content: fill('<div><b><i><span><a href="https://example.com/x"><ul><li><blockquote><table><tr><td>', 200_000) + 'deep text',
  },
  { name: '1 MB of paragraphs', content: fill('<p>Hello <b>world</b> &amp; more</p>', MB) },
  { name: 'many entities (1 MB)', content: fill('&amp;&lt;&#x41;&eacute;&#128512;', MB) },
  {
    name: 'long attributes (1 MB)',
    content: fill(`<a href="https://example.com/${'a'.repeat(100_000)}" title="${'t'.repeat(50_000)}">link</a> `, MB),
  },
  { name: 'huge table (1 MB)', content: '<table>' + fill('<tr><td>cell a</td><td>cell b</td><th>head</th></tr>', MB - 15) + '</table>' },
  { name: 'table, cells never closed (1 MB)', content: '<table>' + fill('<tr><td>a<td>b<td>c', MB - 7) },
  { name: 'tags never closed (1 MB)', content: fill('<a b', MB) },
  { name: 'line breaks (plain text, 1 MB)', content: fill('\n', MB - 3) + '# x' },
];

/** Plain text of exactly `length` units: the twin a hostile case is compared with. */
export function plainTwin(length: number): string {
  return fill('Bonjour, le serveur ne répond plus depuis ce matin. ', length);
}
