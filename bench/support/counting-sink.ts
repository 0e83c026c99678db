/**
 * An unthrottled webhook target on 127.0.0.1 that counts what it receives by (path, eventId),
 * so a benchmark can see when every delivery arrived and whether any arrived twice. It reads the
 * event id from the generic JSON platform's body (`data.payload.eventId`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingSink {
  /** Base URL; give each webhook its own path under it, e.g. `${url}/3`. */
  url: string;
  /** Requests answered. */
  requests(): number;
  /** Distinct (path, eventId) pairs received. */
  distinct(): number;
  /** Receptions beyond the first of a (path, eventId) pair. */
  duplicates(): number;
  /** Most requests to one path that were being answered at the same time. */
  maxInFlightPerPath(): number;
  /** The last body received for (path, eventId), kept only when started with `keepBodies`. */
  body(path: string, eventId: string): Buffer | undefined;
  /** How many times (path, eventId) arrived. */
  count(path: string, eventId: string): number;
  /** Resolves once `distinct()` reaches `n`, or rejects after `timeoutMs` (a bound, not a measurement). */
  waitForDistinct(n: number, timeoutMs: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** `latencyMs`: answer each request after this long (an I/O-bound target). */
export async function startCountingSink(opts: { keepBodies?: boolean; latencyMs?: number } = {}): Promise<CountingSink> {
  let requests = 0;
  const inFlight = new Map<string, number>();
  let maxInFlight = 0;
  let dupes = 0;
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  const bodies = new Map<string, Buffer>();
  let waiters: { n: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
    maxInFlight = Math.max(maxInFlight, inFlight.get(path)!);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      let eventId = '?';
      const raw = Buffer.concat(chunks);
      try {
        const body = JSON.parse(raw.toString('utf8')) as { data?: { payload?: { eventId?: string } } };
        eventId = String(body.data?.payload?.eventId ?? '?');
      } catch {
        // Counted as '?': the benchmark reports it through distinct() not reaching its target.
      }
      const key = `${(req.url ?? '').split('?')[0]} ${eventId}`;
      if (seen.has(key)) dupes += 1;
      else seen.add(key);
      if (opts.keepBodies) {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        bodies.set(key, raw);
      }
      const answer = () => {
        inFlight.set(path, inFlight.get(path)! - 1);
        res.writeHead(204).end();
      };
      if (opts.latencyMs) setTimeout(answer, opts.latencyMs);
      else answer();
      if (waiters.length) {
        const ready = waiters.filter((w) => seen.size >= w.n);
        waiters = waiters.filter((w) => seen.size < w.n);
        ready.forEach((w) => w.resolve());
      }
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    distinct: () => seen.size,
    duplicates: () => dupes,
    maxInFlightPerPath: () => maxInFlight,
    body: (path, eventId) => bodies.get(`${path} ${eventId}`),
    count: (path, eventId) => counts.get(`${path} ${eventId}`) ?? (seen.has(`${path} ${eventId}`) ? 1 : 0),
    waitForDistinct(n, timeoutMs) {
      if (seen.size >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== done);
          reject(new Error(`only ${seen.size} of ${n} deliveries arrived within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ n, resolve: done });
      });
    },
    reset() {
      requests = 0;
      dupes = 0;
      maxInFlight = 0;
      seen.clear();
      counts.clear();
      bodies.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
