/** What every benchmark file exports and returns, so the runner can print one summary table. */

export interface Figure {
  /** What was measured, e.g. "enqueue p50, target up". */
  name: string;
  /** The measured value, formatted with its unit. */
  value: string;
}

export interface GoalCheck {
  goal: string;
  /** What was measured against the goal, e.g. "0.021x". */
  measured: string;
  /** null when the benchmark could not measure it (then `measured` says why). */
  met: boolean | null;
}

export interface BenchResult {
  figures: Figure[];
  goals: GoalCheck[];
  notes?: string[];
}

export interface Benchmark {
  /** Short id used to pick benchmarks on the command line (`npm run bench -- burst`). */
  id: string;
  title: string;
  run(log: (line: string) => void): Promise<BenchResult>;
}
