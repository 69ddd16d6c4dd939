/**
 * Eviction hit rate: a Zipf(0.99) cache-aside workload (GET, SET on a miss) of R requests over K
 * keys x 100 B, with `maxmemory` = 25% of what the K keys take in redis-server (its used_memory,
 * measured first in the same run), for allkeys-lru and allkeys-lfu. Larder and redis-server get
 * the same maxmemory in bytes, the same policy, the same request sequence, each from an empty
 * fresh process; hit rates side by side, and each process's peak RSS against maxmemory.
 */
import { isSelected } from '../lib/config.js';
import { runCacheAside, type CacheRunResult } from '../lib/cache-driver.js';
import { compareValues, sideOf, type Comparison } from '../lib/measure.js';
import { infoNumber, loadKeys, RespClient } from '../lib/resp-client.js';
import { zipfSequence } from '../lib/zipf.js';
import { startLarder, startRedis, type ServerHandle } from '../servers/catalog.js';
import type { Suite, SuiteContext } from './types.js';

const POLICIES = ['allkeys-lru', 'allkeys-lfu'] as const;
const VALUE = 'v'.repeat(100);
const KEY_PREFIX = 'zipf:';
const ZIPF_EXPONENT = 0.99;
const MAXMEMORY_SHARE = 0.25;
const SEED = 20_260_601;

type Policy = (typeof POLICIES)[number];

/** 25% of the bytes K keys take in redis-server (used_memory after - before). */
async function maxmemoryFor(context: SuiteContext, keys: number): Promise<number> {
  const redis = await startRedis({ cpus: context.config.serverCpus });
  const client = await RespClient.connect(redis.respPort ?? 0);
  try {
    const beforeBytes = await infoNumber(client, 'memory', 'used_memory');
    await loadKeys(client, { prefix: KEY_PREFIX, from: 0, to: keys, value: VALUE });
    return Math.round((await infoNumber(client, 'memory', 'used_memory')) - beforeBytes) * MAXMEMORY_SHARE;
  } finally {
    client.close();
    await redis.stop();
  }
}

interface PolicyRun {
  result?: CacheRunResult;
  /** Why the server could not run the workload (Larder before maxmemory existed). */
  refused?: string;
}

async function runOn(context: SuiteContext, server: ServerHandle, policy: Policy, maxmemoryBytes: number, sequence: Int32Array): Promise<PolicyRun> {
  const client = await RespClient.connect(server.respPort ?? 0);
  try {
    const settings = await client.pipeline([['CONFIG', 'SET', 'maxmemory', String(maxmemoryBytes)], ['CONFIG', 'SET', 'maxmemory-policy', policy]]);
    const refusal = settings.find((reply) => reply instanceof Error);
    if (refusal !== undefined) return { refused: `${server.name} refused CONFIG SET: ${String(refusal)}` };
    const result = await runCacheAside(client, { serverPid: server.pid, sequence, keyPrefix: KEY_PREFIX, value: VALUE });
    const evicted = await infoNumber(client, 'stats', 'evicted_keys');
    context.log(`  ${server.name.padEnd(14)} ${policy}: hit rate ${result.hitRatePercent.toFixed(2)}%, ${evicted} evicted, ${result.refusedSets} SETs refused (OOM), peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(1)} MiB, ${Math.round(result.requests / result.elapsedS)} req/s`);
    return { result };
  } finally {
    client.close();
  }
}

async function runFresh(context: SuiteContext, start: () => Promise<ServerHandle>, policy: Policy, maxmemoryBytes: number, sequence: Int32Array): Promise<PolicyRun> {
  const server = await start();
  try {
    return await runOn(context, server, policy, maxmemoryBytes, sequence);
  } finally {
    await server.stop();
  }
}

function rows(policy: Policy, label: string, maxmemoryBytes: number, larder: PolicyRun, redis: PolicyRun): Comparison[] {
  const values = (run: PolicyRun, pick: (result: CacheRunResult) => number): number[] => (run.result === undefined ? [] : [pick(run.result)]);
  const note = larder.refused;
  const noted = (comparison: Comparison): Comparison => (note === undefined ? comparison : { ...comparison, note });
  const row = (figure: string, unit: string, pick: (result: CacheRunResult) => number, target: Comparison['target']): Comparison =>
    compareValues({ suite: 'eviction', figure, unit, larder: sideOf('larder', values(larder, pick)), reference: sideOf('redis-server', values(redis, pick)), target });
  return [
    noted(row(`eviction ${policy}: hit rate, ${label}`, '%', (result) => result.hitRatePercent, { kind: 'trails-by-at-most', value: 2 })),
    row(`eviction ${policy}: peak RSS / maxmemory (${(maxmemoryBytes / 2 ** 20).toFixed(0)} MiB)`, 'x', (result) => result.peakRssBytes / maxmemoryBytes, { kind: 'value-at-most', value: 1.2 }),
  ];
}

export const evictionSuite: Suite = {
  name: 'eviction',
  async run(context) {
    const { config } = context;
    const { keys, requests } = config.eviction;
    const label = `Zipf ${ZIPF_EXPONENT}, ${requests.toLocaleString('en-US')} requests over ${keys.toLocaleString('en-US')} keys`;
    const policies = POLICIES.filter((policy) => isSelected(config, `eviction ${policy}: hit rate, ${label}`));
    if (policies.length === 0) return [];
    const sequence = zipfSequence({ keys, requests, exponent: ZIPF_EXPONENT, seed: SEED });
    const maxmemoryBytes = await maxmemoryFor(context, keys);
    context.log(`eviction: ${label}; maxmemory ${maxmemoryBytes} B (25% of the keys in redis-server)`);
    const result: Comparison[] = [];
    for (const policy of policies) {
      const larder = await runFresh(context, () => startLarder({ cpus: config.serverCpus, cpuProfileDir: context.cpuProfileDir('eviction', 'larder') }), policy, maxmemoryBytes, sequence);
      const redis = await runFresh(context, () => startRedis({ cpus: config.serverCpus }), policy, maxmemoryBytes, sequence);
      result.push(...rows(policy, label, maxmemoryBytes, larder, redis));
    }
    return result;
  },
};
