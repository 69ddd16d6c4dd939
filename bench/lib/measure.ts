/** Samples, medians and side-by-side comparisons: the figures the table and the JSON file hold. */
import { cpuSeconds } from './processes.js';

/** One timed run of one workload against one server. */
export interface Sample {
  requestsPerS: number;
  requests: number;
  /** Server CPU time (user + system, all threads) spent during the run. */
  serverCpuS: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
}

export interface SideFigures {
  server: string;
  /** Median over the runs (what the table shows). */
  median: number;
  values: number[];
}

/**
 * What the issue asks of a figure. Throughput wants a ratio of at least `value`; memory and
 * latency ratios at most `value`; some figures have an absolute bar (p99 under 10 ms, reclaimed
 * within seconds) and hit rates may trail the reference by at most `value` percentage points.
 */
export type Target =
  | { kind: 'ratio-at-least'; value: number }
  | { kind: 'ratio-at-most'; value: number }
  | { kind: 'value-at-most'; value: number }
  | { kind: 'trails-by-at-most'; value: number };

/** One row of the table: a figure for Larder beside the same figure for a reference. */
export interface Comparison {
  suite: string;
  figure: string;
  unit: string;
  larder: SideFigures;
  reference: SideFigures;
  /** larder.median / reference.median */
  ratio: number;
  /** What the issue asks for, when it sets a bar. */
  target?: Target;
  /** Samples in full, for comparing commits later (absent for figures that are not request runs). */
  samples?: { larder: Sample[]; reference: Sample[] };
  /** One line the table prints under the row: how a figure was taken, or why it is missing. */
  note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Whether the row meets its target; undefined when it has none or a side has no figure. */
export function targetMet(row: Pick<Comparison, 'target' | 'ratio' | 'larder' | 'reference'>): boolean | undefined {
  const { target } = row;
  if (target === undefined || !Number.isFinite(row.larder.median)) return undefined;
  switch (target.kind) {
    case 'ratio-at-least':
      return Number.isFinite(row.ratio) ? row.ratio >= target.value : undefined;
    case 'ratio-at-most':
      return Number.isFinite(row.ratio) ? row.ratio <= target.value : undefined;
    case 'value-at-most':
      return row.larder.median <= target.value;
    case 'trails-by-at-most':
      return Number.isFinite(row.reference.median) ? row.reference.median - row.larder.median <= target.value : undefined;
  }
}

/** Runs `load` and returns what it measured plus the server CPU seconds it cost. */
export async function withServerCpu<T>(serverPids: number | readonly number[], load: () => Promise<T>): Promise<{ result: T; serverCpuS: number }> {
  const pids = typeof serverPids === 'number' ? [serverPids] : serverPids;
  const total = (): number => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const beforeS = total();
  const result = await load();
  return { result, serverCpuS: total() - beforeS };
}

/**
 * Runs every side `runs` times, reversing the order on every other run (A B C, C B A, A B C …), so
 * drift on a shared machine (another job starting, thermal changes) lands on all sides alike.
 */
export async function alternateAll<T = Sample>(runs: number, sides: ReadonlyArray<() => Promise<T>>): Promise<T[][]> {
  const samples: T[][] = sides.map(() => []);
  const order = sides.map((_, index) => index);
  for (let run = 0; run < runs; run++) {
    for (const index of run % 2 === 0 ? order : [...order].reverse()) {
      const [side, bucket] = [sides[index], samples[index]];
      if (side !== undefined && bucket !== undefined) bucket.push(await side());
    }
  }
  return samples;
}

/** Two sides, A B, B A, A B …: see `alternateAll`. */
export async function alternate(runs: number, sideA: () => Promise<Sample>, sideB: () => Promise<Sample>): Promise<[Sample[], Sample[]]> {
  const [samplesA = [], samplesB = []] = await alternateAll(runs, [sideA, sideB]);
  return [samplesA, samplesB];
}

/** Requests served per second of server CPU: throughput a core buys, independent of idle time. */
export function requestsPerCpuS(sample: Sample): number {
  return sample.serverCpuS > 0 ? sample.requests / sample.serverCpuS : Number.NaN;
}

interface CompareInput {
  suite: string;
  figure: string;
  unit: string;
  names: { larder: string; reference: string };
  samples: { larder: Sample[]; reference: Sample[] };
  pick: (sample: Sample) => number;
  target?: Target;
}

export function sideOf(server: string, values: readonly number[]): SideFigures {
  return { server, median: values.length === 0 ? Number.NaN : median(values), values: [...values] };
}

export function compare(input: CompareInput): Comparison {
  const larder = sideOf(input.names.larder, input.samples.larder.map(input.pick));
  const reference = sideOf(input.names.reference, input.samples.reference.map(input.pick));
  return {
    suite: input.suite,
    figure: input.figure,
    unit: input.unit,
    larder,
    reference,
    ratio: larder.median / reference.median,
    ...(input.target === undefined ? {} : { target: input.target }),
    samples: input.samples,
  };
}

/** A row from plain values (bytes, seconds, hit rates): medians, ratio and target, no request samples. */
export function compareValues(input: Omit<Comparison, 'larder' | 'reference' | 'ratio' | 'samples'> & { larder: SideFigures; reference: SideFigures }): Comparison {
  return { ...input, ratio: input.larder.median / input.reference.median };
}

/** The two rows every workload yields: throughput (with the target) and CPU efficiency. */
export function throughputAndEfficiency(input: Omit<CompareInput, 'pick' | 'unit'>): Comparison[] {
  return [
    compare({ ...input, unit: 'req/s', pick: (sample) => sample.requestsPerS }),
    compare({ ...input, figure: `${input.figure} per server core`, unit: 'req/s/core', pick: requestsPerCpuS, target: undefined }),
  ];
}
