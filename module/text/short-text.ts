/** One line of at most `max` characters, for reasons and logs (whitespace collapsed, `…` when cut). */
export function short(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}
