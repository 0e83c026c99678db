/**
 * The throughput benchmark's targets, one per system measured: by default in a process of their
 * own (sink-worker.ts), so that receiving 2,000 requests a second does not load the thread the
 * host and the peers run on; `BENCH_THROUGHPUT_SINKS=in-process` keeps them on it (the benchmark
 * before 2026-12-06 14:00).
 */
import { startCountingSink } from './counting-sink.js';
import { startWorker } from './worker-process.js';

/** What a round needs of its target. */
export interface RoundSink {
  url: string;
  distinct(): Promise<number>;
  /** Resolves once the sink holds `n` distinct deliveries; rejects past `limitMs`. */
  waitForDistinct(n: number, limitMs: number): Promise<void>;
}

export interface RoundSinks {
  sinks: RoundSink[];
  /** Per sink: deliveries that arrived twice, and the most requests to one path at once. */
  stats(): Promise<{ duplicates: number; maxInFlightPerPath: number }[]>;
  close(): Promise<void>;
  where: 'a process of their own' | "the benchmark's own thread";
}

export async function startRoundSinks(count: number): Promise<RoundSinks> {
  if (process.env.BENCH_THROUGHPUT_SINKS === 'in-process') {
    const local = await Promise.all(Array.from({ length: count }, () => startCountingSink()));
    return {
      sinks: local.map((s) => ({ url: s.url, distinct: async () => s.distinct(), waitForDistinct: (n, ms) => s.waitForDistinct(n, ms) })),
      stats: async () => local.map((s) => ({ duplicates: s.duplicates(), maxInFlightPerPath: s.maxInFlightPerPath() })),
      close: async () => void (await Promise.all(local.map((s) => s.close()))),
      where: "the benchmark's own thread",
    };
  }
  const worker = startWorker({ SINKS: String(count) }, 'sink-worker');
  const { urls } = await worker.next<{ urls: string[] }>('ready');
  // One question at a time: the answers are matched by type.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(msg: unknown, answer: string, limitMs?: number): Promise<T> => {
    const asked = queue.then(() => {
      worker.send(msg);
      return worker.next<T>(answer, limitMs);
    });
    queue = asked.catch(() => undefined);
    return asked;
  };
  return {
    sinks: urls.map((url, i) => ({
      url,
      distinct: async () => (await ask<{ n: number }>({ type: 'distinct', i }, 'distinct')).n,
      waitForDistinct: async (n, limitMs) => {
        const answer = await ask<{ error?: string }>({ type: 'wait-distinct', i, n, limitMs }, 'waited', limitMs + 10_000);
        if (answer.error) throw new Error(answer.error);
      },
    })),
    stats: async () => (await ask<{ sinks: { duplicates: number; maxInFlightPerPath: number }[] }>({ type: 'stats' }, 'stats')).sinks,
    close: async () => {
      worker.send({ type: 'stop' });
      await worker.next('stopped').catch(() => undefined);
      worker.kill();
    },
    where: 'a process of their own',
  };
}
