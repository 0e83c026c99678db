/**
 * What the webhook list's rows show that changes while the page is open (last delivery, the
 * 14-day count, what a paused webhook holds, what a resume sent), in the admin's words, so the
 * page's script updates its rows without a reload (`GET …/api/webhooks/activity`).
 */
import type { AdminRequest, AdminResponse, Locale } from '../../sdk/module-context.js';
import { InputError } from './request-parsing.js';
import type { DeliveryStatus } from './ports.js';
import { stateOf } from './public-webhook.js';
import { plural } from './plural-words.js';
import type { SettingsDeps } from './settings-deps.js';
import { dateFormatter } from './view-models.js';

export interface RowActivity {
  id: number;
  state: 'active' | 'paused' | 'disabled' | null;
  last: { status: DeliveryStatus; statusText: string; when: string; code: number | null } | null;
  /** Deliveries in the last 14 days (the chart's caption). */
  caption: string;
  waiting: number;
  /** With `since`: what was delivered since then, said in words ("3 deliveries sent in 1 message"). */
  sent?: { deliveries: number; requests: number; text: string };
}

const DAY = 86_400_000;
const MAX_IDS = 100;

/** `1,2,3` -> ids (at most 100, positive integers); anything else -> null. */
export function parseIdList(raw: unknown): number[] | null {
  if (typeof raw !== 'string' || !/^\d{1,15}(,\d{1,15})*$/.test(raw)) return null;
  const ids = [...new Set(raw.split(',').map(Number))].filter((n) => n > 0);
  return ids.length > 0 && ids.length <= MAX_IDS ? ids : null;
}

export async function webhookActivity(deps: SettingsDeps, ids: number[], since: number | null, locale: Locale): Promise<RowActivity[]> {
  const t = deps.i18n.t.bind(deps.i18n);
  const fmt = dateFormatter(locale, deps.timeZone);
  const now = deps.clock.now();
  const from = Math.floor(now / DAY) * DAY - 13 * DAY;
  const [labels, last, counts, waiting, sent] = await Promise.all([
    deps.service.labels(ids),
    deps.deliveries.lastPerWebhook(ids),
    deps.deliveries.dailyCounts(from, ids),
    deps.deliveries.waitingPerWebhook(ids),
    since === null ? Promise.resolve(new Map<number, { deliveries: number; requests: number }>()) : deps.deliveries.sentSince(ids, since),
  ]);
  const webhooks = await Promise.all(ids.map((id) => (labels.has(id) ? deps.service.get(id) : Promise.resolve(null))));
  return ids.map((id, i) => {
    const total = counts.filter((c) => c.webhookId === id).reduce((n, c) => n + c.count, 0);
    const l = last.get(id);
    const w = webhooks[i];
    const s = sent.get(id) ?? { deliveries: 0, requests: 0 };
    return {
      id,
      state: w ? stateOf(w) : null,
      last: l
        ? { status: l.status, statusText: t(`settings.status.${l.status}`, {}, locale), when: fmt(l.updatedAt), code: l.lastStatusCode }
        : null,
      caption: plural(t, 'settings.chart.caption', total, locale),
      waiting: waiting.get(id) ?? 0,
      ...(since === null
        ? {}
        : {
            sent: {
              ...s,
              text: plural(t, 'settings.list.sent_since', s.deliveries, locale, {
                requests: plural(t, 'settings.list.requests', s.requests, locale),
              }),
            },
          }),
    };
  });
}

/** The API's answer for `?ids=…&since=…`; a bad parameter throws an InputError naming it (a 400). */
export async function activityAnswer(deps: SettingsDeps, req: AdminRequest): Promise<AdminResponse> {
  const ids = parseIdList(req.query.ids);
  if (!ids) throw new InputError('ids', 'id');
  const rawSince = req.query.since;
  const since = typeof rawSince === 'string' && /^\d{1,15}$/.test(rawSince) ? Number(rawSince) : rawSince === undefined ? null : NaN;
  if (Number.isNaN(since)) throw new InputError('since', 'date');
  // `now`: the server's clock, the `since` a page passes back after a resume.
  return { json: { now: deps.clock.now(), items: await webhookActivity(deps, ids, since, req.locale) } };
}
