/**
 * The week, hour by hour (168 scenario hours, compressed into the run's length): which target
 * fails how and when, and the operations done to the hosts. Pure data: soak-week.ts plays it.
 * Targets are named by role; soak-week.ts gives each role one of the 30 webhooks on the platform
 * named here.
 */
import type { Fault } from '../support/sink-server.js';
import type { Platform } from '../../module/webhooks/webhook.js';

export type Role = 'slow' | 'paused' | 'outage' | 'spell' | 'hang' | 'reset' | 'limited' | 'limitedSlack' | 'limitedOther' | 'deleted';

/** Which platform each role's webhook is on. */
export const rolePlatforms: Record<Role, Platform> = {
  slow: 'discord',
  paused: 'slack',
  outage: 'teams',
  spell: 'json',
  hang: 'discord',
  reset: 'mattermost',
  limited: 'discord',
  limitedSlack: 'slack',
  limitedOther: 'telegram',
  deleted: 'discord',
};

export type Operation =
  | { kind: 'hold'; role: Role; fault: Fault }
  | { kind: 'release'; role: Role }
  | { kind: 'inject'; role: Role; faults: Fault[] }
  | { kind: 'pause'; role: Role }
  | { kind: 'resume'; role: Role }
  | { kind: 'deleteAtTarget'; role: Role }
  | { kind: 'sale' }
  | { kind: 'rotateAppKey' }
  | { kind: 'kill9AndRestart' }
  | { kind: 'terminatePgConnections' }
  | { kind: 'clockJumpDay' }
  | { kind: 'moduleUpdate' };

export interface Step {
  hour: number;
  what: string;
  op: Operation;
}

const tooMany = (headers: Record<string, string>, body: string | Record<string, unknown>): Fault => ({
  kind: 'status',
  status: 429,
  headers,
  body,
});

/** Retry-After in each form a server sends (and some it should not): at most 3 in a row per webhook, far from the pause at 10. */
const retryAfterForms = (now: number): { role: Role; faults: Fault[] }[] => [
  {
    role: 'limited',
    faults: [
      tooMany({ 'retry-after': '1' }, { message: 'You are being rate limited.', retry_after: 0.75, global: false }),
      tooMany({ 'retry-after': new Date(now + 2000).toUTCString() }, 'slow down'),
      tooMany({}, { message: 'You are being rate limited.', retry_after: 1.5, global: false }),
    ],
  },
  { role: 'limitedSlack', faults: [tooMany({ 'retry-after': '2' }, 'rate_limited'), tooMany({ 'retry-after': 'soon' }, 'rate_limited')] },
  {
    role: 'limitedOther',
    faults: [
      tooMany(
        { 'retry-after': '-5' },
        { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
      ),
      tooMany({ 'retry-after': '0.5' }, { ok: false, error_code: 429, description: 'Too Many Requests' }),
    ],
  },
];

export function weekSchedule(now: () => number, databaseKind: string): Step[] {
  const steps: Step[] = [
    {
      hour: 6,
      what: 'slow answers (800 ms) on a Discord webhook until hour 150',
      op: { kind: 'hold', role: 'slow', fault: { kind: 'slow', delayMs: 800 } },
    },
    { hour: 10, what: 'admin pauses a Slack webhook', op: { kind: 'pause', role: 'paused' } },
    {
      hour: 20,
      what: 'outage (every connection reset) of a Teams target for 6 hours',
      op: { kind: 'hold', role: 'outage', fault: { kind: 'reset' } },
    },
    { hour: 26, what: 'outage over', op: { kind: 'release', role: 'outage' } },
    { hour: 34, what: 'admin resumes the paused Slack webhook', op: { kind: 'resume', role: 'paused' } },
    {
      hour: 36,
      what: '502 spell on a JSON target for 4 hours',
      op: { kind: 'hold', role: 'spell', fault: { kind: 'status', status: 502, body: 'Bad Gateway' } },
    },
    { hour: 40, what: '502 spell over', op: { kind: 'release', role: 'spell' } },
    {
      hour: 44,
      what: '3 requests hang past the timeout on a Discord webhook',
      op: { kind: 'inject', role: 'hang', faults: [{ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }] },
    },
    {
      hour: 46,
      what: '3 connection resets on a Mattermost webhook',
      op: { kind: 'inject', role: 'reset', faults: [{ kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' }] },
    },
    ...retryAfterForms(now()).map((r, i) => ({
      hour: 52 + i,
      what: `429s with Retry-After forms on the ${r.role} webhook`,
      op: { kind: 'inject' as const, ...r },
    })),
    {
      hour: 60,
      what: '503 spell on the JSON target for 2 hours',
      op: { kind: 'hold', role: 'spell', fault: { kind: 'status', status: 503, body: { error: 'maintenance' } } },
    },
    { hour: 62, what: '503 spell over; a sale starts', op: { kind: 'release', role: 'spell' } },
    { hour: 62, what: 'sale: a burst of orders', op: { kind: 'sale' } },
    { hour: 75, what: 'a Discord webhook is deleted for good (404, code 10015)', op: { kind: 'deleteAtTarget', role: 'deleted' } },
    {
      hour: 84,
      what: 'APP_KEY rotation (each process restarted with the new key, the old one in APP_PREVIOUS_KEYS)',
      op: { kind: 'rotateAppKey' },
    },
    { hour: 90, what: 'module update 1.0.0 -> 1.1.0 from the local marketplace, while events flow', op: { kind: 'moduleUpdate' } },
    { hour: 100, what: 'kill -9 of a host process, then its restart', op: { kind: 'kill9AndRestart' } },
    { hour: 124, what: "the hosts' clock jumps a day ahead", op: { kind: 'clockJumpDay' } },
    { hour: 140, what: 'sale: a burst of orders', op: { kind: 'sale' } },
    { hour: 150, what: 'slow answers over', op: { kind: 'release', role: 'slow' } },
  ];
  if (databaseKind === 'postgres')
    steps.push({
      hour: 110,
      what: "the module's PostgreSQL connections terminated (pg_terminate_backend)",
      op: { kind: 'terminatePgConnections' },
    });
  return steps.sort((a, b) => a.hour - b.hour);
}
