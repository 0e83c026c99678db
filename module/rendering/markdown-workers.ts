/**
 * Where delivery converts customer HTML to Markdown: a small pool of worker threads (piscina), so
 * no conversion runs on the host's event loop, each within a time budget. A conversion that does
 * not finish in time (its worker is stopped), or fails, resolves to null: the value is then sent
 * as escaped plain text (untrusted-text.ts), never dropped. Threads start on the first HTML value
 * and stop after a while without work.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Logger } from '../../sdk/module-context.js';
import { convertHere } from './untrusted-text.js';

export interface MarkdownConverter {
  /** The Markdown of one HTML value, or null when it could not be had in time. */
  toMarkdown(html: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Converts on the calling thread: previews, and tests that do not exercise the threads. */
export const markdownHere: MarkdownConverter = {
  toMarkdown: async (html) => convertHere(html),
  close: async () => undefined,
};

export const DEFAULT_CONVERT_BUDGET_MS = 2000;

export interface MarkdownWorkersOptions {
  /** Longest a conversion may take, waiting for a free thread included (default 2000 ms). */
  budgetMs?: number;
  /** Threads at most (default: half the cores, at least 1). */
  maxThreads?: number;
  /** An idle thread stops after this long (default 30 s). */
  idleMs?: number;
  /** The built worker script (default: markdown-worker.js beside this file). */
  workerFile?: string;
  logger?: Logger;
}

const defaultWorkerFile = () => fileURLToPath(new URL('./markdown-worker.js', import.meta.url));

export class MarkdownWorkers implements MarkdownConverter {
  private pool: Piscina<string, string> | null = null;
  private readonly budgetMs: number;
  private readonly file: string;
  private closed = false;
  /** Conversions that ran out of time or failed (the settings page and tests read it). */
  fallbacks = 0;

  constructor(private readonly o: MarkdownWorkersOptions = {}) {
    this.budgetMs = o.budgetMs ?? DEFAULT_CONVERT_BUDGET_MS;
    this.file = o.workerFile ?? defaultWorkerFile();
  }

  private start(): Piscina<string, string> {
    if (!fs.existsSync(this.file)) throw new Error(`the Markdown worker ${this.file} is missing (is the module built?)`);
    return new Piscina<string, string>({
      filename: this.file,
      minThreads: 0,
      maxThreads: this.o.maxThreads ?? Math.max(1, Math.floor(os.availableParallelism() / 2)),
      idleTimeout: this.o.idleMs ?? 30_000,
      // A conversion is bounded in size; this bounds its memory as well.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
      // Below the host's own thread: a conversion never takes a core the host needs (Linux, via @napi-rs/nice).
      niceIncrement: 10,
    });
  }

  async toMarkdown(html: string): Promise<string | null> {
    if (this.closed) return null;
    const t0 = performance.now();
    try {
      this.pool ??= this.start();
      return await this.pool.run(html, { signal: AbortSignal.timeout(this.budgetMs) });
    } catch (err) {
      this.fallbacks++;
      const timedOut = (err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError';
      this.o.logger?.warn('webhooks: customer HTML not converted to Markdown; sent as plain text', {
        reason: timedOut ? `over the ${this.budgetMs} ms budget` : (err as Error).message,
        htmlLength: html.length,
        ms: Math.round(performance.now() - t0),
      });
      return null;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
