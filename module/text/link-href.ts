/**
 * The event's link as the platforms' URI fields want it (Discord embed `url`, Teams
 * `Action.OpenUrl`): the WHATWG `href` (host in punycode, path and query percent-encoded), http(s)
 * only. Events are normalised this way at the boundary already (sdk/events.ts); this keeps an
 * event stored before that rule from sending a URL the platform refuses.
 */
export function linkHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
