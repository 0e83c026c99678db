/**
 * graphile-worker 0.17.3 (0.18 wants Node 22.18) doing the module's job on PostgreSQL: one job
 * per delivery, the same got POST, inserted one statement per event (`addJobs`, one job per
 * webhook). Two modes, each in a schema of its own so neither takes the other's jobs:
 *  - ordered: a `queueName` per webhook, so each webhook's jobs run one at a time, in order, as
 *    the module's lanes do. Its batched fetch (`localQueue`) stays off: in 0.17.3 it can run two
 *    jobs of one named queue at once (graphile/worker#621).
 *  - unordered: no queue names, `localQueue` on and completion batched, as its performance docs
 *    advise for throughput: its ceiling, with no order kept.
 * Jobs wake the workers through its own LISTEN/NOTIFY on insert.
 */
import http from 'node:http';
import got from 'got';
import { Logger, makeWorkerUtils, run, runMigrations, type Runner, type WorkerUtils } from 'graphile-worker';
import type { RoundSink } from './round-sinks.js';

/** Its warnings and errors on stderr (a runner that stops itself says why), the rest dropped. */
const quiet = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning') console.error(`graphile-worker ${scope.label ?? ''}: ${message}`);
});

export interface GraphilePeer {
  round(prefix: string, events: number, sink: RoundSink, goal: number, drainLimitMs: number): Promise<number>;
  stop(): Promise<void>;
}

const schemaOf = (ordered: boolean) => (ordered ? 'gw_ordered' : 'gw_unordered');

/**
 * Both modes' schemas, migrated before either runner starts: a runner shuts itself down when any
 * schema's breaking migration is announced (its `jobs:migrate` notification names no schema).
 */
export async function migrateGraphileWorker(connectionString: string): Promise<void> {
  for (const ordered of [true, false]) await runMigrations({ connectionString, schema: schemaOf(ordered), logger: quiet });
}

export async function startGraphileWorker(
  connectionString: string,
  sinkUrl: string,
  opts: { ordered: boolean; webhooks: number; body: (eventId: string) => unknown },
): Promise<GraphilePeer> {
  const schema = schemaOf(opts.ordered);
  const path = opts.ordered ? 'gw' : 'gwu';
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.webhooks });
  const runner: Runner = await run({
    connectionString,
    schema,
    concurrency: opts.webhooks,
    maxPoolSize: opts.webhooks + 2,
    noHandleSignals: true,
    pollInterval: 500,
    logger: quiet,
    preset: {
      worker: opts.ordered
        ? { concurrentJobs: opts.webhooks }
        : { concurrentJobs: opts.webhooks, localQueue: { size: 4 * opts.webhooks }, completeJobBatchDelay: 0, failJobBatchDelay: 0 },
    },
    taskList: {
      deliver: async (payload) => {
        const { webhook, body } = payload as { webhook: number; body: unknown };
        await got.post(`${sinkUrl}/${path}/${webhook}`, {
          json: body,
          retry: { limit: 0 },
          agent: { http: agent },
          timeout: { request: 10_000 },
        });
      },
    },
  });
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString, schema, logger: quiet });
  return {
    async round(prefix, events, sink, goal, drainLimitMs) {
      const t0 = performance.now();
      for (let e = 0; e < events; e++) {
        const body = opts.body(`${prefix}_${e}`);
        await utils.addJobs(
          Array.from({ length: opts.webhooks }, (_, w) => ({
            identifier: 'deliver',
            payload: { webhook: w + 1, body },
            maxAttempts: 1,
            ...(opts.ordered ? { queueName: `webhook-${w + 1}` } : {}),
          })),
        );
      }
      await sink.waitForDistinct(goal, drainLimitMs);
      return (events * opts.webhooks) / ((performance.now() - t0) / 1000);
    },
    async stop() {
      // A runner that stopped itself (and said why on stderr) is not stopped twice.
      await runner.stop().catch(() => undefined);
      await utils.release();
      agent.destroy();
    },
  };
}
