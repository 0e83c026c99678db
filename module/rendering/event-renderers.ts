/**
 * Where delivery renders an event's bodies. In production a small pool of worker threads
 * (piscina) does the whole render (HTML to Markdown, templates, fitting each body to its
 * platform's limits), so none of it runs on the host's event loop, within a time budget. A render
 * that does not finish in time, or fails, is done again as plain text (customer HTML escaped, not
 * converted) on a thread, and as a last resort on the calling thread: a message is never dropped.
 * Threads start on the first event and stop after a while without work.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Logger } from '../../sdk/module-context.js';
import { bodiesFor, renderEventBodies, type EventRenderJob } from './event-bodies.js';
import { eventVariables, type MarkdownConverter } from './event-variables.js';
import type { RenderTask } from './render-worker.js';
import type { RenderedMessage } from './types.js';
import { convertHere } from '../text/untrusted-text.js';

export interface EventRenderer {
  /** The bodies of `job`'s targets, in order. Never rejects. */
  render(job: EventRenderJob): Promise<RenderedMessage[]>;
  close(): Promise<void>;
}

/** Renders on the calling thread, converting HTML with `converter`: tests that hold or count conversions. */
export class RenderOnCallingThread implements EventRenderer {
  constructor(private readonly converter: MarkdownConverter) {}

  async render(job: EventRenderJob): Promise<RenderedMessage[]> {
    const vars = await eventVariables(job.event, job.payload as never, job.locale, job.timeZone, this.converter);
    return bodiesFor(job, vars);
  }

  async close(): Promise<void> {}
}

/**
 * Renders on the calling thread, converting customer HTML, and as plain text when that fails: the
 * engine's own thread, off the host's already. A conversion is bounded by the input caps
 * (untrusted-text.ts), so there is no time budget to keep here.
 */
export class RenderOnThisThread implements EventRenderer {
  constructor(private readonly logger?: Logger) {}

  async render(job: EventRenderJob): Promise<RenderedMessage[]> {
    try {
      return renderEventBodies(job, convertHere);
    } catch (err) {
      this.logger?.warn('webhooks: customer HTML not converted to Markdown; sent as plain text', {
        event: job.event,
        eventId: job.payload.eventId,
        reason: (err as Error).message,
      });
      return renderEventBodies(job, () => null);
    }
  }

  async close(): Promise<void> {}
}

export const DEFAULT_RENDER_BUDGET_MS = 2000;

export interface RenderWorkersOptions {
  /** Longest one render may take, waiting for a free thread included (default 2000 ms). */
  budgetMs?: number;
  /** Threads at most (default: half the cores, at least 1). */
  maxThreads?: number;
  /** An idle thread stops after this long (default 30 s). */
  idleMs?: number;
  /** The built worker script (default: render-worker.js beside this file). */
  workerFile?: string;
  logger?: Logger;
}

const defaultWorkerFile = () => fileURLToPath(new URL('./render-worker.js', import.meta.url));

export class RenderWorkers implements EventRenderer {
  private pool: Piscina<RenderTask, RenderedMessage[]> | null = null;
  private readonly budgetMs: number;
  private readonly file: string;
  private closed = false;
  /** Events whose render ran out of time or failed, sent as plain text (the tests read it). */
  fallbacks = 0;

  constructor(private readonly o: RenderWorkersOptions = {}) {
    this.budgetMs = o.budgetMs ?? DEFAULT_RENDER_BUDGET_MS;
    this.file = o.workerFile ?? defaultWorkerFile();
  }

  private start(): Piscina<RenderTask, RenderedMessage[]> {
    if (!fs.existsSync(this.file)) throw new Error(`the render worker ${this.file} is missing (is the module built?)`);
    return new Piscina<RenderTask, RenderedMessage[]>({
      filename: this.file,
      minThreads: 0,
      maxThreads: this.o.maxThreads ?? Math.max(1, Math.floor(os.availableParallelism() / 2)),
      idleTimeout: this.o.idleMs ?? 30_000,
      // A render is bounded in size; this bounds its memory as well.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
      // Below the host's own thread: a render never takes a core the host needs (Linux, via @napi-rs/nice).
      niceIncrement: 10,
    });
  }

  private run(job: EventRenderJob, convertHtml: boolean): Promise<RenderedMessage[]> {
    if (this.closed) return Promise.reject(new Error('the render threads are stopped'));
    this.pool ??= this.start();
    return this.pool.run({ job, convertHtml }, { signal: AbortSignal.timeout(this.budgetMs) });
  }

  async render(job: EventRenderJob): Promise<RenderedMessage[]> {
    const t0 = performance.now();
    const why = (err: unknown) => {
      const e = err as Error;
      return e.name === 'AbortError' || e.name === 'TimeoutError' ? `over the ${this.budgetMs} ms budget` : e.message;
    };
    try {
      return await this.run(job, true);
    } catch (err) {
      this.fallbacks++;
      this.o.logger?.warn('webhooks: customer HTML not converted to Markdown; sent as plain text', {
        event: job.event,
        eventId: job.payload.eventId,
        reason: why(err),
        ms: Math.round(performance.now() - t0),
      });
    }
    try {
      return await this.run(job, false);
    } catch (err) {
      // Plain text is bounded (untrusted-text.ts caps every value): safe on the calling thread.
      this.o.logger?.error('webhooks: event rendered as plain text on the host thread', {
        event: job.event,
        eventId: job.payload.eventId,
        reason: why(err),
      });
      return renderEventBodies(job, () => null);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
