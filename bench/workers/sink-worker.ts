/**
 * The throughput benchmark's webhook targets in a process of their own, as a platform is never
 * inside the host: `SINKS` counting sinks on 127.0.0.1 (counting-sink.ts), one per system
 * measured. `fork(dist/bench/workers/sink-worker.js)`; over IPC:
 *   child  -> {type:'ready', urls}
 *   parent -> {type:'distinct', i}             answers {type:'distinct', i, n}
 *   parent -> {type:'wait-distinct', i, n, limitMs}  answers {type:'waited', i, n} once sink i holds n
 *             distinct deliveries (or {type:'waited', i, error} past the limit)
 *   parent -> {type:'stats'}                   answers {type:'stats', sinks: [{duplicates, maxInFlightPerPath}]}
 *   parent -> {type:'stop'}                    closes the sinks, answers {type:'stopped'}, exits
 */
import { startCountingSink, type CountingSink } from '../support/counting-sink.js';

type Command =
  { type: 'distinct'; i: number } | { type: 'wait-distinct'; i: number; n: number; limitMs: number } | { type: 'stats' } | { type: 'stop' };

async function main(): Promise<void> {
  if (!process.send) throw new Error('sink-worker: run me with fork()');
  const send = (msg: unknown) => process.send!(msg);
  const sinks: CountingSink[] = [];
  for (let i = 0; i < Number(process.env.SINKS ?? 1); i++) sinks.push(await startCountingSink());
  process.on('message', (cmd: Command) => {
    void (async () => {
      if (cmd.type === 'distinct') send({ type: 'distinct', i: cmd.i, n: sinks[cmd.i].distinct() });
      else if (cmd.type === 'wait-distinct')
        await sinks[cmd.i].waitForDistinct(cmd.n, cmd.limitMs).then(
          () => send({ type: 'waited', i: cmd.i, n: sinks[cmd.i].distinct() }),
          (err: Error) => send({ type: 'waited', i: cmd.i, error: err.message }),
        );
      else if (cmd.type === 'stats')
        send({ type: 'stats', sinks: sinks.map((s) => ({ duplicates: s.duplicates(), maxInFlightPerPath: s.maxInFlightPerPath() })) });
      else if (cmd.type === 'stop') {
        for (const s of sinks) await s.close();
        send({ type: 'stopped' });
        process.disconnect();
      }
    })().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
  send({ type: 'ready', urls: sinks.map((s) => s.url) });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
