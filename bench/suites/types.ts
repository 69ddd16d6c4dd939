/** A suite starts its servers, runs its workloads side by side and returns table rows. */
import type { BenchConfig } from '../lib/config.js';
import type { Comparison } from '../lib/measure.js';

export interface SuiteContext {
  config: BenchConfig;
  /** Progress lines on stderr, so stdout holds only the table. */
  log(message: string): void;
  /** Where Larder writes `--cpu-prof` files for this suite when profiling is on. */
  cpuProfileDir(suite: string): string | undefined;
}

export interface Suite {
  name: string;
  run(context: SuiteContext): Promise<Comparison[]>;
}
