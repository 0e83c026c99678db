/** Starts and talks to the bench/workers/*.js child processes (host-worker, traffic-worker: see those files). */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workersDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workers');

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the next message of this type (or rejects if the child exits first). */
  next<T = Record<string, unknown>>(type: string, limitMs?: number): Promise<T>;
  send(msg: unknown): void;
  /** Kills the child if it is still running. */
  kill(): void;
}

export function startWorker(
  env: Record<string, string>,
  worker: 'host-worker' | 'traffic-worker' | 'sink-worker' = 'host-worker',
): WorkerProcess {
  const child = fork(path.join(workersDir, `${worker}.js`), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const inbox: Record<string, unknown>[] = [];
  const waiting: { type: string; resolve: (m: any) => void }[] = [];
  let exited: string | null = null;
  const rejecters = new Set<(e: Error) => void>();
  child.on('message', (m: Record<string, unknown>) => {
    const w = waiting.findIndex((x) => x.type === m.type);
    if (w >= 0) waiting.splice(w, 1)[0].resolve(m);
    else inbox.push(m);
  });
  child.on('exit', (code, signal) => {
    exited = `worker exited (code ${code}, signal ${signal})`;
    rejecters.forEach((r) => r(new Error(exited!)));
  });
  return {
    child,
    next(type, limitMs = 120_000) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as any);
      if (exited) return Promise.reject(new Error(exited));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker: no "${type}" within ${limitMs / 1000} s`)), limitMs);
        const fail = (e: Error) => {
          clearTimeout(timer);
          reject(e);
        };
        rejecters.add(fail);
        waiting.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            rejecters.delete(fail);
            resolve(m);
          },
        });
      });
    },
    send: (msg) => child.send(msg as never),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
