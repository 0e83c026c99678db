/**
 * The requests to webhook targets on a thread of their own (piscina, one thread, many requests
 * at once), so got's request path, the sockets' reads and writes and their garbage stay off the
 * host's event loop: the host thread keeps only the queue's SQL and the classifying. Each request
 * and answer is plain data (http-exchange.ts). The thread starts with the first request and
 * stops after a while without one. When it cannot start (the module is not built) requests run
 * on the calling thread instead, and a request the thread dropped (it died) comes back as a
 * network failure, which the outbox retries: nothing is lost.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from '../../sdk/module-context.js';
import { GotExchange, type ExchangeOptions, type ExchangeRequest, type ExchangeResult, type HttpExchange } from './http-exchange.js';

export interface SendThreadOptions extends ExchangeOptions {
  /** The built worker script (default: send-worker.js beside this file). */
  workerFile?: string;
  /** The thread stops after this long without a request (default 30 s). */
  idleMs?: number;
  logger?: Logger;
  /** The thread's heap bounds (default: V8's own); a thread that runs out is replaced, its requests retried. */
  resourceLimits?: ResourceLimits;
}

/** Requests one thread runs at once; past this piscina queues them (the dispatcher's lanes bound it anyway). */
const REQUESTS_PER_THREAD = 256;

const defaultWorkerFile = () => fileURLToPath(new URL('./send-worker.js', import.meta.url));

export class SendThread implements HttpExchange {
  private pool: Piscina<ExchangeRequest, ExchangeResult> | null = null;
  private fallback: GotExchange | null = null;
  private closed = false;
  private readonly file: string;

  constructor(private readonly o: SendThreadOptions) {
    this.file = o.workerFile ?? defaultWorkerFile();
  }

  private target(): Piscina<ExchangeRequest, ExchangeResult> | GotExchange {
    const ready = this.pool ?? this.fallback;
    if (ready) return ready;
    if (!fs.existsSync(this.file)) {
      this.o.logger?.warn('webhooks: the send thread is missing (is the module built?); sending on the host thread', {
        file: this.file,
      });
      return (this.fallback = new GotExchange(this.o));
    }
    const { network, timeoutMs, userAgent } = this.o;
    return (this.pool = new Piscina<ExchangeRequest, ExchangeResult>({
      filename: this.file,
      workerData: { network, timeoutMs, userAgent } satisfies ExchangeOptions,
      minThreads: 0,
      maxThreads: 1,
      concurrentTasksPerWorker: REQUESTS_PER_THREAD,
      idleTimeout: this.o.idleMs ?? 30_000,
      // The thread waits on sockets between tasks: never block its event loop in Atomics.wait.
      atomics: 'async',
      resourceLimits: this.o.resourceLimits,
    }));
  }

  async exchange(req: ExchangeRequest): Promise<ExchangeResult> {
    if (this.closed) return { kind: 'failure', error: { code: 'ESENDSTOPPED', message: 'the module is stopping' } };
    const target = this.target();
    if (target instanceof GotExchange) return target.exchange(req);
    try {
      return await target.run(req);
    } catch (err) {
      // The thread died with the request in flight: the target may have it; the outbox retries.
      return { kind: 'failure', error: { code: 'ESENDTHREAD', message: `the send thread stopped: ${(err as Error).message}` } };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await Promise.all([pool?.destroy(), this.fallback?.close()]);
  }
}
