/**
 * Memory per key: N keys x 100-byte values loaded over RESP into a fresh Larder and a fresh
 * redis-server, then each server's own `used_memory` (INFO memory) and the RSS of its process
 * (read from /proc the same way for both), before and after. Per key = (after - before) / N, so the
 * fixed cost of an empty server (Node's runtime, Fastify, Redis's own structures) is left out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isSelected } from '../lib/config.js';
import { compareValues, sideOf, type Comparison } from '../lib/measure.js';
import { rssBytes } from '../lib/processes.js';
import { infoNumber, loadKeys, RespClient } from '../lib/resp-client.js';
import { startLarder, startRedis, type ServerHandle } from '../servers/catalog.js';
import type { Suite, SuiteContext } from './types.js';

const VALUE_BYTES = 100;
const MIB = 2 ** 20;
/**
 * After a bulk load V8 still holds the garbage of the last few batches (request buffers, parsed
 * argv) until its next collection; a short quiet spell lets the idle-time GC run before reading.
 */
const SETTLE_MS = 2000;

interface MemoryReading {
  usedMemoryBytes: number;
  rssBytes: number;
}

interface MemoryFigures {
  before: MemoryReading;
  after: MemoryReading;
}

async function read(client: RespClient, server: ServerHandle): Promise<MemoryReading> {
  return { usedMemoryBytes: await infoNumber(client, 'memory', 'used_memory'), rssBytes: rssBytes(server.pid) };
}

/** Loads `keyCount` keys into `server` and reads its memory before and after. */
export async function measureMemory(server: ServerHandle, keyCount: number): Promise<MemoryFigures> {
  const client = await RespClient.connect(server.respPort ?? 0);
  try {
    const before = await read(client, server);
    await loadKeys(client, { prefix: 'memkey:', from: 0, to: keyCount, value: 'v'.repeat(VALUE_BYTES) });
    const dbsize = await client.call('DBSIZE');
    if (dbsize !== keyCount) throw new Error(`${server.name}: DBSIZE ${String(dbsize)} after loading ${keyCount} keys`);
    await sleep(SETTLE_MS);
    return { before, after: await read(client, server) };
  } finally {
    client.close();
  }
}

async function measureOn(start: () => Promise<ServerHandle>, keyCount: number, context: SuiteContext): Promise<MemoryFigures> {
  const server = await start();
  try {
    const figures = await measureMemory(server, keyCount);
    const perKey = (figures.after.usedMemoryBytes - figures.before.usedMemoryBytes) / keyCount;
    context.log(`  ${server.name.padEnd(14)} used_memory ${perKey.toFixed(0)} B/key, RSS ${(figures.after.rssBytes / MIB).toFixed(1)} MiB`);
    return figures;
  } finally {
    await server.stop();
  }
}

function rows(keyCount: number, larder: MemoryFigures, redis: MemoryFigures): Comparison[] {
  const perKey = (figures: MemoryFigures, pick: (reading: MemoryReading) => number): number => (pick(figures.after) - pick(figures.before)) / keyCount;
  const label = `${keyCount.toLocaleString('en-US')} keys x ${VALUE_BYTES} B`;
  const row = (figure: string, unit: string, values: [number, number], target?: Comparison['target']): Comparison =>
    compareValues({ suite: 'memory', figure, unit, larder: sideOf('larder', [values[0]]), reference: sideOf('redis-server', [values[1]]), ...(target === undefined ? {} : { target }) });
  const used = (reading: MemoryReading): number => reading.usedMemoryBytes;
  const rss = (reading: MemoryReading): number => reading.rssBytes;
  return [
    row(`memory: used_memory per key, ${label}`, 'B/key', [perKey(larder, used), perKey(redis, used)], { kind: 'ratio-at-most', value: 1.2 }),
    row(`memory: RSS growth per key, ${label}`, 'B/key', [perKey(larder, rss), perKey(redis, rss)]),
    row(`memory: RSS of the process, ${label}`, 'MiB', [larder.after.rssBytes / MIB, redis.after.rssBytes / MIB], { kind: 'ratio-at-most', value: 1.3 }),
  ];
}

export const memorySuite: Suite = {
  name: 'memory',
  async run(context) {
    const { config } = context;
    if (!isSelected(config, 'memory: used_memory per key')) return [];
    const keyCount = config.memory.keyCount;
    context.log(`memory: ${keyCount} keys x ${VALUE_BYTES} B into a fresh server each, one at a time`);
    const larder = await measureOn(() => startLarder({ cpus: config.serverCpus, cpuProfileDir: context.cpuProfileDir('memory', 'larder') }), keyCount, context);
    const redis = await measureOn(() => startRedis({ cpus: config.serverCpus }), keyCount, context);
    return rows(keyCount, larder, redis);
  },
};
