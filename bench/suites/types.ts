/** A suite starts its servers, runs its workloads side by side and returns table rows. */
import type { BenchConfig } from '../lib/config.js';
import type { Comparison } from '../lib/measure.js';

export interface SuiteContext {
  config: BenchConfig;
  /** Progress lines on stderr, so stdout holds only the table. */
  log(message: string): void;
  /** Where a Node server writes `--cpu-prof` files in this suite when profiling is on. */
  cpuProfileDir(suite: string, server: string): string | undefined;
}

export interface Suite {
  name: string;
  run(context: SuiteContext): Promise<Comparison[]>;
}
