/**
 * Latency at half of peak: every server gets the same fixed request rate (half of Larder's
 * measured peak), open loop (`paced.ts`), and the table shows p50 and p99 side by side. At the same
 * offered load a faster reference is less busy; that is the comparison a user makes ("at my
 * traffic, which answers sooner?").
 */
import type { SuiteContext } from '../suites/types.js';
import type { ServerHandle } from '../servers/catalog.js';
import { alternateAll, compare, withServerCpu, type Comparison, type Sample } from './measure.js';
import { runPaced, type PacedOptions } from './paced.js';

export interface PacedTarget {
  server: ServerHandle;
  port: number;
  request: PacedOptions['request'];
  framer: PacedOptions['framer'];
}

/** Fraction of the peak the latency runs offer. */
export const LATENCY_LOAD_FRACTION = 0.5;

/** A short unrecorded run first: the client's own code is JIT-compiled before anything is measured. */
const WARMUP_S = 1;

async function pacedSample(context: SuiteContext, target: PacedTarget, ratePerS: number, connections: number, durationS = context.config.latency.durationS): Promise<Sample> {
  const { result, serverCpuS } = await withServerCpu(target.server.cpuPids, () =>
    runPaced({ port: target.port, connections, ratePerS, durationS, request: target.request, framer: target.framer }),
  );
  if (result.failed > 0) throw new Error(`${target.server.name}: ${result.failed} failed replies in the paced run`);
  context.log(`  ${target.server.name.padEnd(14)} at ${Math.round(ratePerS)} req/s: p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms (achieved ${Math.round(result.achievedPerS)} req/s)`);
  return { requestsPerS: result.achievedPerS, requests: result.completed, serverCpuS, p50LatencyMs: result.latencyMs.p50, p99LatencyMs: result.latencyMs.p99 };
}

/** Paced runs at `ratePerS` on Larder (first target) and each reference; p50 and p99 rows per reference. */
export async function latencyAtRate(context: SuiteContext, input: { suite: string; figure: string; ratePerS: number; connections: number; targets: readonly PacedTarget[] }): Promise<Comparison[]> {
  const [larder, ...references] = input.targets;
  if (larder === undefined) return [];
  context.log(`${input.figure}: ${context.config.runs} x ${context.config.latency.durationS}s at ${Math.round(input.ratePerS)} req/s each, open loop`);
  for (const target of input.targets) await pacedSample(context, target, input.ratePerS, input.connections, WARMUP_S);
  const samples = await alternateAll(context.config.runs, input.targets.map((target) => () => pacedSample(context, target, input.ratePerS, input.connections)));
  const note = `open loop at ${Math.round(input.ratePerS).toLocaleString('en-US')} req/s for every server (${LATENCY_LOAD_FRACTION * 100}% of Larder's peak), latency from each request's due time`;
  return references.flatMap((reference, index) => {
    const names = { larder: larder.server.name, reference: reference.server.name };
    const pair = { larder: samples[0] ?? [], reference: samples[index + 1] ?? [] };
    return [
      compare({ suite: input.suite, figure: `${input.figure} p50`, unit: 'ms', names, samples: pair, pick: (sample) => sample.p50LatencyMs }),
      { ...compare({ suite: input.suite, figure: `${input.figure} p99`, unit: 'ms', names, samples: pair, pick: (sample) => sample.p99LatencyMs }), note },
    ];
  });
}
