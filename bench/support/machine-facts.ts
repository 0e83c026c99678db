/** What the figures were measured on, printed at the top of every run. */
import os from 'node:os';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  nodeVersion: string;
  totalMemory: string;
  platform: string;
  date: string;
}

export function machineFacts(now = new Date()): MachineFacts {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    nodeVersion: process.version,
    totalMemory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: now.toISOString(),
  };
}

export function describeMachine(f: MachineFacts): string {
  return [
    `date:    ${f.date}`,
    `cores:   ${f.cores} (${f.cpuModel})`,
    `memory:  ${f.totalMemory}`,
    `node:    ${f.nodeVersion}`,
    `os:      ${f.platform}`,
  ].join('\n');
}
