/**
 * Issue 5's figures: `redis-benchmark -t set -c 50 -P 1 -r 100000` against Larder with its
 * append-only log on, beside `redis-server --appendonly yes` with the same fsync policy: `always`
 * (every reply waits for the fsync covering its write; both servers group-commit one event-loop
 * turn per fsync) and `everysec`. Both keep their data in a fresh directory under os.tmpdir(), so
 * on one filesystem; its type is printed, because on a tmpfs an fsync costs nothing and the
 * `always` figure would measure nothing. A third server, Larder with the log off, runs the same
 * load in the same rotation: on a busy machine the log's own cost (Larder with / without it) is
 * the figure that stays readable when both throughputs swing.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { isSelected } from '../lib/config.js';
import { alternateAll, compare, throughputAndEfficiency, withServerCpu, type Comparison, type Sample, type Target } from '../lib/measure.js';
import { respCommand } from '../lib/net.js';
import { runRedisBenchmark } from '../lib/redis-benchmark.js';
import { startLarder, startRedis, type ServerHandle } from '../servers/catalog.js';
import type { Suite, SuiteContext } from './types.js';

const POLICIES = ['always', 'everysec'] as const;
type Policy = (typeof POLICIES)[number];
/** Issue 5: at least 0.8x redis-server with the same appendfsync policy. */
const TARGET: Target = { kind: 'ratio-at-least', value: 0.8 };
/** -r: SETs spread over this many keys, so the log holds distinct writes, not one key rewritten. */
const KEYSPACE = 100_000;
const PIPELINE = 1;

const figureOf = (policy: Policy, clients: number): string => `AOF appendfsync ${policy}: RESP SET -c ${clients} -P ${PIPELINE}`;

/** The filesystem type holding os.tmpdir() (`df -T`), or 'unknown'. */
function filesystemType(): string {
  try {
    return execFileSync('df', ['--output=fstype', tmpdir()], { encoding: 'utf8' }).split('\n')[1]?.trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

async function sample(context: SuiteContext, server: ServerHandle, requests: number): Promise<Sample> {
  const { config } = context;
  const { result, serverCpuS } = await withServerCpu(server.cpuPids, () =>
    runRedisBenchmark({
      port: server.respPort ?? 0,
      test: 'set',
      clients: config.resp.clients,
      pipeline: PIPELINE,
      requests,
      randomKeys: KEYSPACE,
      cpus: config.loadCpus,
      timeoutMs: 300_000,
    }),
  );
  context.log(`  ${server.name.padEnd(14)} ${Math.round(result.requestsPerS)} req/s, p99 ${result.p99LatencyMs} ms, server CPU ${serverCpuS.toFixed(2)} s`);
  return { requestsPerS: result.requestsPerS, requests, serverCpuS, p50LatencyMs: result.p50LatencyMs, p99LatencyMs: result.p99LatencyMs };
}

/** redis-benchmark counts error replies as throughput, and a log that is off costs nothing: check both. */
async function checkLogging(server: ServerHandle, policy: Policy): Promise<void> {
  const port = server.respPort ?? 0;
  const setReply = await respCommand(port, ['SET', 'bench:check', 'value']);
  const info = await respCommand(port, ['INFO', 'persistence']);
  const fsync = await respCommand(port, ['CONFIG', 'GET', 'appendfsync']);
  if (setReply !== '+OK\r\n' || !info.includes('aof_enabled:1') || !fsync.includes(policy)) {
    throw new Error(`${server.name}: expected SET to work with the log on and appendfsync ${policy}: ${JSON.stringify([setReply, fsync])}`);
  }
}

interface Trio {
  larder: ServerHandle;
  redis: ServerHandle;
  /** Larder with the log off: what the log itself costs. */
  unlogged: ServerHandle;
}

async function startTrio(context: SuiteContext, policy: Policy, servers: ServerHandle[]): Promise<Trio> {
  const { config } = context;
  const larder = await startLarder({
    cpus: config.serverCpus,
    cpuProfileDir: context.cpuProfileDir('aof', `larder-${policy}`),
    larderArgs: ['--persistence.aof=true', `--persistence.appendfsync=${policy}`],
  });
  servers.push(larder);
  const redis = await startRedis({ cpus: config.serverCpus, redisArgs: ['--appendonly', 'yes', '--appendfsync', policy] });
  servers.push(redis);
  for (const server of [larder, redis]) await checkLogging(server, policy);
  const unlogged = await startLarder({ cpus: config.serverCpus });
  servers.push(unlogged);
  return { larder, redis, unlogged: { ...unlogged, name: 'larder without the log' } };
}

async function measurePolicy(context: SuiteContext, policy: Policy, filesystem: string): Promise<Comparison[]> {
  const { config } = context;
  const figure = figureOf(policy, config.resp.clients);
  const requests = config.resp.requestsPerPipeline[PIPELINE] ?? config.resp.warmupRequests;
  const servers: ServerHandle[] = [];
  try {
    const { larder, redis, unlogged } = await startTrio(context, policy, servers);
    context.log(`${figure}: data on ${filesystem}; warm-up, then ${config.runs} x ${requests} requests rotating`);
    for (const server of [larder, redis, unlogged]) await sample(context, server, config.resp.warmupRequests);
    const [larderSamples = [], redisSamples = [], unloggedSamples = []] = await alternateAll(
      config.runs,
      [larder, redis, unlogged].map((server) => () => sample(context, server, requests)),
    );
    const note = `-r ${KEYSPACE}; both data dirs under ${tmpdir()} (${filesystem})${filesystem === 'tmpfs' ? ': fsync is free on tmpfs, this figure says nothing about disks' : ''}`;
    const [throughput, perCore] = throughputAndEfficiency({
      suite: 'aof',
      figure,
      names: { larder: larder.name, reference: `redis-server appendonly ${policy}` },
      samples: { larder: larderSamples, reference: redisSamples },
      target: TARGET,
    });
    const cost = compare({
      suite: 'aof',
      figure: `${figure}, Larder with the log / without`,
      unit: 'req/s',
      names: { larder: larder.name, reference: unlogged.name },
      samples: { larder: larderSamples, reference: unloggedSamples },
      pick: (measured) => measured.requestsPerS,
    });
    return [...(throughput === undefined ? [] : [{ ...throughput, note }]), ...(perCore === undefined ? [] : [perCore]), cost];
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}

export const aofSuite: Suite = {
  name: 'aof',
  async run(context) {
    const policies = POLICIES.filter((policy) => isSelected(context.config, figureOf(policy, context.config.resp.clients)));
    const filesystem = filesystemType();
    const rows: Comparison[] = [];
    for (const policy of policies) rows.push(...(await measurePolicy(context, policy, filesystem)));
    return rows;
  },
};
