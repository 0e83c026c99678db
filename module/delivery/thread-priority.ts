/**
 * Lowers the calling thread's scheduling priority (its nice value), so that when the host's
 * thread and the delivery engine's thread want the same core, the host's pages go first: the
 * engine then uses what the host leaves. Linux only: there a thread is a task with its own id
 * (`/proc/thread-self` reads `<pid>/task/<tid>`), and setpriority() on that id changes that
 * thread alone. Elsewhere, or where it is refused, the thread keeps the process's priority.
 */
import fs from 'node:fs';
import os from 'node:os';

/** The thread's new nice value, or null when it could not be set here. */
export function lowerThisThreadPriority(nice: number): number | null {
  if (process.platform !== 'linux' || nice <= 0) return null;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return null;
    os.setPriority(tid, Math.min(19, nice));
    return os.getPriority(tid);
  } catch {
    return null;
  }
}
