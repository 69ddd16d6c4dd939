/**
 * Issue 3's figures: `redis-benchmark -c 50 -t set,get -P 1` and `-P 16` against Larder's RESP
 * listener and against Debian's redis-server (`--save '' --appendonly no`), one test per
 * redis-benchmark run so each run's server CPU time belongs to one command.
 */
import { isSelected } from '../lib/config.js';
import { alternate, throughputAndEfficiency, withServerCpu, type Comparison, type Sample, type Target } from '../lib/measure.js';
import { LATENCY_LOAD_FRACTION, latencyAtRate, type PacedTarget } from '../lib/latency.js';
import { respCommand } from '../lib/net.js';
import { respFramer } from '../lib/paced.js';
import { encodeCommand, loadKeys, RespClient } from '../lib/resp-client.js';
import { runRedisBenchmark } from '../lib/redis-benchmark.js';
import { startLarder, startRedis, type ServerHandle } from '../servers/catalog.js';
import type { Suite, SuiteContext } from './types.js';

const TESTS = ['set', 'get'] as const;
/** Issue 6: at least 0.9x redis-server without pipelining, 0.7x with 16 commands per round trip. */
const TARGET_BY_PIPELINE: Record<number, Target> = { 1: { kind: 'ratio-at-least', value: 0.9 }, 16: { kind: 'ratio-at-least', value: 0.7 } };

interface RespRun {
  test: (typeof TESTS)[number];
  pipeline: number;
  requests: number;
}

async function sample(context: SuiteContext, server: ServerHandle, run: RespRun): Promise<Sample> {
  const { config } = context;
  const { result, serverCpuS } = await withServerCpu(server.cpuPids, () =>
    runRedisBenchmark({
      port: server.respPort ?? 0,
      test: run.test,
      clients: config.resp.clients,
      pipeline: run.pipeline,
      requests: run.requests,
      cpus: config.loadCpus,
      timeoutMs: 120_000,
    }),
  );
  const measured: Sample = { requestsPerS: result.requestsPerS, requests: run.requests, serverCpuS, p50LatencyMs: result.p50LatencyMs, p99LatencyMs: result.p99LatencyMs };
  context.log(`  ${server.name.padEnd(14)} ${Math.round(measured.requestsPerS)} req/s, server CPU ${serverCpuS.toFixed(2)} s`);
  return measured;
}

/** redis-benchmark counts error replies as throughput: prove SET and GET really work first. */
async function checkRoundTrip(server: ServerHandle): Promise<void> {
  const port = server.respPort ?? 0;
  const setReply = await respCommand(port, ['SET', 'bench:check', 'value']);
  const getReply = await respCommand(port, ['GET', 'bench:check']);
  if (setReply !== '+OK\r\n' || getReply !== '$5\r\nvalue\r\n') {
    throw new Error(`${server.name}: SET/GET round trip failed: ${JSON.stringify([setReply, getReply])}`);
  }
}

const figureOf = (run: Omit<RespRun, 'requests'>, clients: number): string => `RESP ${run.test.toUpperCase()} -c ${clients} -P ${run.pipeline}`;

async function measureRun(context: SuiteContext, larder: ServerHandle, redis: ServerHandle, run: RespRun): Promise<Comparison[]> {
  const figure = figureOf(run, context.config.resp.clients);
  context.log(`${figure}: warm-up, then ${context.config.runs} x ${run.requests} requests alternating`);
  const warmup: RespRun = { ...run, requests: context.config.resp.warmupRequests };
  for (const server of [larder, redis]) await sample(context, server, warmup);
  const [larderSamples, redisSamples] = await alternate(
    context.config.runs,
    () => sample(context, larder, run),
    () => sample(context, redis, run),
  );
  return throughputAndEfficiency({
    suite: 'resp',
    figure,
    names: { larder: larder.name, reference: redis.name },
    samples: { larder: larderSamples, reference: redisSamples },
    target: TARGET_BY_PIPELINE[run.pipeline],
  });
}

const LATENCY_FIGURE = 'RESP GET -c 50 at 50% of peak';
const LATENCY_KEYS = 10_000;

/** Larder's GET -P 1 peak: the median just measured, or one run now when that figure was filtered out. */
async function getPeak(context: SuiteContext, larder: ServerHandle, rows: readonly Comparison[]): Promise<number> {
  const measured = rows.find((row) => row.figure === figureOf({ test: 'get', pipeline: 1 }, context.config.resp.clients) && row.unit === 'req/s');
  if (measured !== undefined) return measured.larder.median;
  return (await sample(context, larder, { test: 'get', pipeline: 1, requests: context.config.resp.requestsPerPipeline[1] ?? 50_000 })).requestsPerS;
}

/** p50 / p99 of GET on 10,000 keys x 100 B at half of Larder's peak, open loop, both servers alike. */
async function measureLatency(context: SuiteContext, larder: ServerHandle, redis: ServerHandle, rows: readonly Comparison[]): Promise<Comparison[]> {
  for (const server of [larder, redis]) {
    const client = await RespClient.connect(server.respPort ?? 0);
    await loadKeys(client, { prefix: 'lat:', from: 0, to: LATENCY_KEYS, value: 'v'.repeat(100) }).finally(() => client.close());
  }
  const ratePerS = (await getPeak(context, larder, rows)) * LATENCY_LOAD_FRACTION;
  const target = (server: ServerHandle): PacedTarget => ({
    server,
    port: server.respPort ?? 0,
    framer: respFramer,
    request: (index) => encodeCommand(['GET', `lat:${(index * 7919) % LATENCY_KEYS}`]),
  });
  return latencyAtRate(context, { suite: 'resp', figure: LATENCY_FIGURE, ratePerS, connections: context.config.resp.clients, targets: [target(larder), target(redis)] });
}

export const respSuite: Suite = {
  name: 'resp',
  async run(context) {
    const { config } = context;
    const runs = config.resp.pipelines
      .flatMap((pipeline) => TESTS.map((test) => ({ test, pipeline, requests: config.resp.requestsPerPipeline[pipeline] ?? config.resp.warmupRequests })))
      .filter((run) => isSelected(config, figureOf(run, config.resp.clients)));
    const withLatency = isSelected(config, LATENCY_FIGURE);
    if (runs.length === 0 && !withLatency) return [];
    const servers: ServerHandle[] = [];
    try {
      const larder = await startLarder({ cpus: config.serverCpus, cpuProfileDir: context.cpuProfileDir('resp', 'larder') });
      servers.push(larder);
      const redis = await startRedis({ cpus: config.serverCpus });
      servers.push(redis);
      for (const server of servers) await checkRoundTrip(server);
      const rows: Comparison[] = [];
      for (const run of runs) rows.push(...(await measureRun(context, larder, redis, run)));
      if (withLatency) rows.push(...(await measureLatency(context, larder, redis, rows)));
      return rows;
    } finally {
      for (const server of servers.reverse()) await server.stop();
    }
  },
};
