/**
 * The delivery log's query string: the filters a page link, a pager link and a Resend keep, so
 * an action on one row brings the admin back to the list as they had it (issue 29).
 */

/** The log's filters, in the order the form shows them (`q`: an order or ticket number). */
export const logFilterKeys = ['q', 'webhook', 'event', 'status', 'from', 'to'] as const;

/** The filters of `source` (a query or a posted form) that are set, as a query string's pairs. */
export function keptLogFilters(source: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of logFilterKeys) {
    const v = source[k];
    if (typeof v === 'string' && v !== '' && v.length <= 200) out[k] = v;
  }
  return out;
}

/** Where a Resend without script returns: the log as it was filtered, saying what was queued. */
export function afterReplayQuery(form: Record<string, unknown>, id: number): string {
  return new URLSearchParams({ ...keptLogFilters(form), replayed: String(id) }).toString();
}
