/**
 * `npm run bench`: machine facts, then each benchmark in turn, then one summary table with
 * every goal and whether it was met. `npm run bench -- overhead burst` runs only those ids.
 * The whole output of a full run is also written to bench/results/latest.txt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineFacts } from './support/machine-facts.js';
import type { Benchmark, BenchResult } from './support/bench-types.js';
import { benchmarks } from './benchmarks.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lines: string[] = [];
const log = (line: string): void => {
  lines.push(line);
  console.log(line);
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected: Benchmark[] = wanted.length ? benchmarks.filter((b) => wanted.includes(b.id)) : benchmarks;
  if (wanted.length && selected.length === 0) {
    console.error(`no benchmark named ${wanted.join(', ')}; known: ${benchmarks.map((b) => b.id).join(', ')}`);
    return 2;
  }
  const started = Date.now();
  log('# clientx-webhooks benchmarks');
  log(describeMachine(machineFacts()));
  log(`command: npm run bench${wanted.length ? ' -- ' + wanted.join(' ') : ''}`);
  const results: { bench: Benchmark; result: BenchResult | null; error?: string; seconds: number }[] = [];
  for (const bench of selected) {
    log('');
    log(`## ${bench.title} [${bench.id}]`);
    const t0 = Date.now();
    try {
      const result = await bench.run((l) => log('  ' + l));
      for (const f of result.figures) log(`  ${f.name}: ${f.value}`);
      for (const n of result.notes ?? []) log(`  note: ${n}`);
      results.push({ bench, result, seconds: (Date.now() - t0) / 1000 });
    } catch (err) {
      const message = ((err as Error).stack ?? String(err)).slice(0, 1500);
      log(`  FAILED: ${message}`);
      results.push({ bench, result: null, error: (err as Error).message, seconds: (Date.now() - t0) / 1000 });
    }
    log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  log('');
  log('## Summary');
  log('| benchmark | goal | measured | met |');
  log('|---|---|---|---|');
  for (const { bench, result, error } of results) {
    if (!result) {
      log(`| ${bench.id} | (did not run) | error: ${error} | no |`);
      continue;
    }
    for (const g of result.goals)
      log(`| ${bench.id} | ${g.goal} | ${g.measured} | ${g.met === null ? 'not measured' : g.met ? 'yes' : 'no'} |`);
  }
  log(`total time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Only a full run replaces the published figures; a partial run is for development.
  if (!wanted.length) {
    const out = path.join(repoRoot, 'bench', 'results', 'latest.txt');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, lines.join('\n') + '\n');
    console.log(`(written to ${path.relative(process.cwd(), out)})`);
  }
  return results.some((r) => !r.result) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
