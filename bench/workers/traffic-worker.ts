/**
 * What surrounds a host in the hostile benchmark, in its own process so that its work never shows
 * in the host's event-loop delay: the webhook targets (a counting sink on 127.0.0.1) and an admin
 * who loads a page of the host every 50 ms. `fork(dist/bench/workers/traffic-worker.js)`; over IPC:
 *   child  -> {type:'ready', sinkUrl}
 *   parent -> {type:'admin-start', url, token, everyMs}  starts loading `url`, one request at a time
 *   parent -> {type:'admin-stop'}     answers {type:'admin', latencies} (ms, one per request)
 *   parent -> {type:'probe-start', url, everyMs}  requests `url` (no credentials) every `everyMs`,
 *             on a fixed schedule whether or not the last one answered (a steady rate)
 *   parent -> {type:'probe-stop'}     answers {type:'probe', latencies} (ms, one per request)
 *   parent -> {type:'wait-distinct', n, limitMs}  answers {type:'distinct', n} once the sink holds n
 *   parent -> {type:'stop'}           closes the sink, answers {type:'stopped', requests}, exits
 */
import got from 'got';
import { startCountingSink } from '../support/counting-sink.js';

type Command =
  | { type: 'admin-start'; url: string; token: string; everyMs: number }
  | { type: 'admin-stop' }
  | { type: 'probe-start'; url: string; everyMs: number }
  | { type: 'probe-stop' }
  | { type: 'wait-distinct'; n: number; limitMs: number }
  | { type: 'stop' };

async function main(): Promise<void> {
  if (!process.send) throw new Error('traffic-worker: run me with fork()');
  const send = (msg: unknown) => process.send!(msg);
  const sink = await startCountingSink();
  let loop: Promise<number[]> | null = null;
  let measuring = false;

  const adminLoop = async (url: string, token: string, everyMs: number): Promise<number[]> => {
    const latencies: number[] = [];
    while (measuring) {
      const t0 = performance.now();
      const res = await got.get(url, { headers: { authorization: `Bearer ${token}` }, throwHttpErrors: false, retry: { limit: 0 } });
      if (res.statusCode !== 200) throw new Error(`admin page answered ${res.statusCode}`);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return latencies;
  };

  // The steady probe: one request every everyMs on the clock (open loop), each timed on its own.
  let probe: { timer: NodeJS.Timeout; pending: Promise<void>[]; latencies: number[] } | null = null;
  const probeOnce = async (url: string, latencies: number[]): Promise<void> => {
    const t0 = performance.now();
    const res = await got.get(url, { throwHttpErrors: false, retry: { limit: 0 }, followRedirect: false });
    if (res.statusCode !== 200) throw new Error(`probed page answered ${res.statusCode}`);
    latencies.push(performance.now() - t0);
  };

  process.on('message', (cmd: Command) => {
    void (async () => {
      if (cmd.type === 'admin-start') {
        measuring = true;
        loop = adminLoop(cmd.url, cmd.token, cmd.everyMs);
      } else if (cmd.type === 'admin-stop') {
        measuring = false;
        send({ type: 'admin', latencies: loop ? await loop : [] });
        loop = null;
      } else if (cmd.type === 'probe-start') {
        const p = { pending: [] as Promise<void>[], latencies: [] as number[], timer: null as unknown as NodeJS.Timeout };
        p.timer = setInterval(() => p.pending.push(probeOnce(cmd.url, p.latencies)), cmd.everyMs);
        probe = p;
      } else if (cmd.type === 'probe-stop') {
        const p = probe!;
        clearInterval(p.timer);
        await Promise.all(p.pending);
        probe = null;
        send({ type: 'probe', latencies: p.latencies });
      } else if (cmd.type === 'wait-distinct') {
        await sink.waitForDistinct(cmd.n, cmd.limitMs);
        send({ type: 'distinct', n: sink.distinct() });
      } else if (cmd.type === 'stop') {
        await sink.close();
        send({ type: 'stopped', requests: sink.requests() });
        process.disconnect();
      }
    })().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
  send({ type: 'ready', sinkUrl: sink.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
