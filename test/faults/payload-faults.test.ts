/**
 * Payloads of each wrong shape and size fired through the simulator over HTTP, on every database
 * kind: a bad one is refused with a 4xx naming the field and nothing is queued; a good one (even
 * 1 MB) is delivered; nothing makes the host answer 5xx or stop answering.
 */
import got from 'got';
import { startBenchHost, type BenchHost } from '../../bench/support/bench-host.js';
import { startCountingSink, type CountingSink } from '../../bench/support/counting-sink.js';
import { eventNames } from '../../sdk/events.js';
import { createDatabaseUrl, testDatabaseKinds } from '../support/databases.js';
import { payloadCases, type PayloadCase } from './payload-cases.js';
import { waitUntil } from './wait-until.js';

const HOOK_PATH = '/payload-faults';
/** A bound on a hang (jest's project timeout does not apply per project), not a speed claim. */
const CASE_LIMIT_MS = 90_000;

function mustHold(c: PayloadCase): string {
  if (c.expect.kind === 'rejected') return `refused with 4xx naming ${c.expect.field}, nothing queued, host up`;
  if (c.expect.kind === 'accepted') return 'accepted and delivered once, host up';
  return `4xx naming ${c.expect.field} or accepted and delivered, never 5xx, host up`;
}

describe.each(testDatabaseKinds())('payload faults through the simulator (%s)', (kind) => {
  let sink: CountingSink;
  let bh: BenchHost;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    sink = await startCountingSink({ keepBodies: true });
    const db = await createDatabaseUrl(kind);
    drop = db.drop;
    bh = await startBenchHost({ databaseUrl: db.url });
    await bh.createWebhook({ name: 'payload faults', url: sink.url + HOOK_PATH, platform: 'json', events: [...eventNames] });
  }, CASE_LIMIT_MS);

  afterAll(async () => {
    await bh?.close();
    await sink?.close();
    await drop?.();
  });

  // PostgreSQL cannot even compare a text with a NUL in it; the intake stores NUL as U+FFFD.
  const stored = (eventId: string): string => eventId.split('\u0000').join('\uFFFD');
  const queued = async (eventId: string): Promise<number> => {
    const row = await bh.host
      .db('wh_deliveries')
      .where({ event_id: stored(eventId) })
      .count<{ n: number | string }[]>({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  };

  const hostAnswers = async (): Promise<number> =>
    (
      await got.get(`${bh.host.url}/admin/simulate`, {
        headers: { authorization: `Bearer ${bh.host.adminToken}` },
        throwHttpErrors: false,
        retry: { limit: 0 },
      })
    ).statusCode;

  for (const c of payloadCases()) {
    test(
      `${c.name}: ${mustHold(c)}`,
      async () => {
        const res = await bh.simulate(c.event, c.body);
        expect(res.status).toBeLessThan(500);
        const accepted = res.status >= 200 && res.status < 300;
        if (c.expect.kind === 'rejected' || (c.expect.kind === 'either' && !accepted)) {
          const field = c.expect.field;
          expect(res.status).toBeGreaterThanOrEqual(400);
          if (c.expect.kind === 'rejected') expect(c.expect.statuses ?? [400]).toContain(res.status);
          // The error is readable JSON that names the field.
          const answer = JSON.parse(res.body) as { error?: string; message?: string; issues?: { path: string }[] };
          const text = [answer.error, answer.message, ...(answer.issues ?? []).map((i) => i.path)].join(' ');
          expect(text).toContain(field);
          if (c.eventId) expect(await queued(c.eventId)).toBe(0);
        } else {
          expect(res.status).toBe(202);
          const eventId = (JSON.parse(res.body) as { eventId: string }).eventId;
          expect(typeof eventId).toBe('string');
          await waitUntil(
            () => sink.count(HOOK_PATH, eventId) > 0,
            async () =>
              `event ${JSON.stringify(eventId).slice(0, 80)} not at the sink; rows: ${JSON.stringify(
                await bh.host
                  .db('wh_deliveries')
                  .where({ event_id: stored(eventId) })
                  .select('status', 'attempts', 'last_error'),
              )}`,
          );
          expect(sink.count(HOOK_PATH, eventId)).toBe(1);
          // What arrives is valid UTF-8 JSON (no raw invalid bytes are passed on).
          const raw = sink.body(HOOK_PATH, eventId)!;
          expect(() => new TextDecoder('utf-8', { fatal: true }).decode(raw)).not.toThrow();
          expect(() => JSON.parse(raw.toString('utf8'))).not.toThrow();
        }
        expect(await hostAnswers()).toBe(200);
      },
      CASE_LIMIT_MS,
    );
  }
});
