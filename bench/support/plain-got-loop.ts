/**
 * The physical limit the throughput benchmark compares against: `concurrency` loops POSTing
 * the same kind of body to the sink with got, no database, no rendering, no bookkeeping.
 */
import got from 'got';
import http from 'node:http';

export interface LoopResult {
  sent: number;
  seconds: number;
  perSecond: number;
}

export async function plainGotLoop(url: string, total: number, concurrency: number, body: unknown): Promise<LoopResult> {
  // Same keep-alive behaviour a long-running sender gets from its agent.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      await got.post(url, { json: body, retry: { limit: 0 }, followRedirect: false, agent: { http: agent }, timeout: { request: 10_000 } });
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { sent: total, seconds, perSecond: total / seconds };
}
