/**
 * Growth: GET and SET throughput and p99 as the keyspace grows 10 k -> 100 k -> 1 M -> 10 M keys,
 * Larder beside redis-server. Both servers get the same keys (`key:%012d`, 100-byte values, the
 * names redis-benchmark's `-r` draws from), grown in steps; at each size redis-benchmark -P 16
 * reads and overwrites random keys of the whole keyspace, so lookups miss the CPU caches as a
 * large cache does. Larder runs with a heap big enough for 10 M keys.
 */
import { isSelected } from '../lib/config.js';
import { alternate, compare, compareValues, sideOf, withServerCpu, type Comparison, type Sample } from '../lib/measure.js';
import { runRedisBenchmark } from '../lib/redis-benchmark.js';
import { loadKeys, RespClient } from '../lib/resp-client.js';
import { startLarder, startRedis, type ServerHandle } from '../servers/catalog.js';
import type { Suite, SuiteContext } from './types.js';

const VALUE_BYTES = 100;
const TESTS = ['get', 'set'] as const;
const PIPELINE = 16;

const sizeLabel = (keys: number): string => (keys >= 1e6 ? `${keys / 1e6} M` : keys >= 1e3 ? `${keys / 1e3} k` : String(keys));
const figureOf = (test: string, keys: number): string => `growth: ${test.toUpperCase()} -P ${PIPELINE} over ${sizeLabel(keys)} keys`;

async function grow(server: ServerHandle, from: number, to: number): Promise<void> {
  const client = await RespClient.connect(server.respPort ?? 0);
  try {
    await loadKeys(client, { prefix: 'key:', digits: 12, from, to, value: 'v'.repeat(VALUE_BYTES) });
    const dbsize = await client.call('DBSIZE');
    if (dbsize !== to) throw new Error(`${server.name}: DBSIZE ${String(dbsize)} after growing to ${to} keys`);
  } finally {
    client.close();
  }
}

async function sample(context: SuiteContext, server: ServerHandle, test: string, keys: number): Promise<Sample> {
  const { config } = context;
  const requests = config.growth.requests;
  const { result, serverCpuS } = await withServerCpu(server.cpuPids, () =>
    runRedisBenchmark({ port: server.respPort ?? 0, test, clients: config.resp.clients, pipeline: PIPELINE, requests, randomKeys: keys, valueBytes: VALUE_BYTES, cpus: config.loadCpus, timeoutMs: 300_000 }),
  );
  context.log(`  ${server.name.padEnd(14)} ${Math.round(result.requestsPerS)} req/s, p99 ${result.p99LatencyMs} ms`);
  return { requestsPerS: result.requestsPerS, requests, serverCpuS, p50LatencyMs: result.p50LatencyMs, p99LatencyMs: result.p99LatencyMs };
}

async function measureSize(context: SuiteContext, larder: ServerHandle, redis: ServerHandle, keys: number): Promise<Map<string, Comparison[]>> {
  const rowsByTest = new Map<string, Comparison[]>();
  for (const test of TESTS) {
    const figure = figureOf(test, keys);
    context.log(`${figure}: ${context.config.runs} x ${context.config.growth.requests} requests alternating`);
    const [larderSamples, redisSamples] = await alternate(context.config.runs, () => sample(context, larder, test, keys), () => sample(context, redis, test, keys));
    const input = { suite: 'growth', figure, names: { larder: larder.name, reference: redis.name }, samples: { larder: larderSamples, reference: redisSamples } };
    rowsByTest.set(test, [
      compare({ ...input, unit: 'req/s', pick: (one) => one.requestsPerS }),
      compare({ ...input, figure: `${figure} p99`, unit: 'ms', pick: (one) => one.p99LatencyMs }),
    ]);
  }
  return rowsByTest;
}

/** How flat each server stayed: throughput at the largest size over throughput at the smallest. */
function flatness(test: string, sizes: readonly number[], byTest: ReadonlyArray<Map<string, Comparison[]>>): Comparison | undefined {
  const first = byTest[0]?.get(test)?.[0];
  const last = byTest[byTest.length - 1]?.get(test)?.[0];
  if (first === undefined || last === undefined || sizes.length < 2) return undefined;
  const figure = `growth: ${test.toUpperCase()} req/s at ${sizeLabel(sizes[sizes.length - 1] ?? 0)} keys / at ${sizeLabel(sizes[0] ?? 0)} keys`;
  return compareValues({ suite: 'growth', figure, unit: 'x', larder: sideOf(first.larder.server, [last.larder.median / first.larder.median]), reference: sideOf(first.reference.server, [last.reference.median / first.reference.median]) });
}

export const growthSuite: Suite = {
  name: 'growth',
  async run(context) {
    const { config } = context;
    const sizes = config.growth.sizes;
    if (!sizes.some((keys) => TESTS.some((test) => isSelected(config, figureOf(test, keys))))) return [];
    const servers: ServerHandle[] = [];
    try {
      const larder = await startLarder({ cpus: config.serverCpus, nodeArgs: [`--max-old-space-size=${config.growth.larderHeapMiB}`], cpuProfileDir: context.cpuProfileDir('growth', 'larder') });
      servers.push(larder);
      const redis = await startRedis({ cpus: config.serverCpus });
      servers.push(redis);
      const byTest: Array<Map<string, Comparison[]>> = [];
      let loaded = 0;
      for (const keys of sizes) {
        const startedMs = Date.now();
        await Promise.all([grow(larder, loaded, keys), grow(redis, loaded, keys)]);
        context.log(`growth: ${keys} keys loaded in both servers in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
        loaded = keys;
        byTest.push(await measureSize(context, larder, redis, keys));
      }
      const rows = byTest.flatMap((rowsByTest) => TESTS.flatMap((test) => rowsByTest.get(test) ?? []));
      const flat = TESTS.map((test) => flatness(test, sizes, byTest)).filter((row): row is Comparison => row !== undefined);
      return [...rows.filter((row) => isSelected(config, row.figure)), ...flat];
    } finally {
      for (const server of servers.reverse()) await server.stop();
    }
  },
};
