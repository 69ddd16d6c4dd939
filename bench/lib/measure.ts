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

/** One row of the table: a figure for Larder beside the same figure for a reference. */
export interface Comparison {
  suite: string;
  figure: string;
  unit: string;
  larder: SideFigures;
  reference: SideFigures;
  /** larder.median / reference.median */
  ratio: number;
  /** The ratio the issue asks for, when it sets one. */
  target?: number;
  /** Samples in full, for comparing commits later. */
  samples: { larder: Sample[]; reference: Sample[] };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Runs `load` and returns what it measured plus the server CPU seconds it cost. */
export async function withServerCpu<T>(serverPid: number, load: () => Promise<T>): Promise<{ result: T; serverCpuS: number }> {
  const beforeS = cpuSeconds(serverPid);
  const result = await load();
  return { result, serverCpuS: cpuSeconds(serverPid) - beforeS };
}

/**
 * Runs the two sides `runs` times each, alternating which goes first (A B, B A, A B …), so drift
 * on a shared machine (another job starting, thermal changes) lands on both sides alike.
 */
export async function alternate(runs: number, sideA: () => Promise<Sample>, sideB: () => Promise<Sample>): Promise<[Sample[], Sample[]]> {
  const [samplesA, samplesB]: [Sample[], Sample[]] = [[], []];
  for (let run = 0; run < runs; run++) {
    if (run % 2 === 0) {
      samplesA.push(await sideA());
      samplesB.push(await sideB());
    } else {
      samplesB.push(await sideB());
      samplesA.push(await sideA());
    }
  }
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
  target?: number;
}

export function compare(input: CompareInput): Comparison {
  const side = (server: string, samples: Sample[]): SideFigures => {
    const values = samples.map(input.pick);
    return { server, median: median(values), values };
  };
  const larder = side(input.names.larder, input.samples.larder);
  const reference = side(input.names.reference, input.samples.reference);
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

/** The two rows every workload yields: throughput (with the target) and CPU efficiency. */
export function throughputAndEfficiency(input: Omit<CompareInput, 'pick' | 'unit'>): Comparison[] {
  return [
    compare({ ...input, unit: 'req/s', pick: (sample) => sample.requestsPerS }),
    compare({ ...input, figure: `${input.figure} per server core`, unit: 'req/s/core', pick: requestsPerCpuS, target: undefined }),
  ];
}
