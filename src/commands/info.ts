import { arch, platform, release } from 'node:os';
import { formatHumanBytes } from './format.js';
import type { CommandContext } from './types.js';

/** The Redis version whose semantics and INFO fields Larder follows (clients key off it). */
export const REDIS_COMPAT_VERSION = '7.0.15';

type Section = Record<string, string | number>;

function serverSection(ctx: CommandContext): Section {
  const uptimeSeconds = Math.floor((Date.now() - ctx.server.startedAtMs) / 1000);
  return {
    redis_version: REDIS_COMPAT_VERSION,
    redis_mode: 'standalone',
    larder_version: process.env['npm_package_version'] ?? '0.1.0',
    os: `${platform()} ${release()} ${arch()}`,
    arch_bits: 64,
    process_id: process.pid,
    uptime_in_seconds: uptimeSeconds,
    uptime_in_days: Math.floor(uptimeSeconds / 86400),
    hz: 10,
    executable: process.argv[1] ?? '',
  };
}

/**
 * `used_memory` is the accounted figure `maxmemory` bounds: the dataset as the store counts it
 * (store/memory.ts), within a few percent of the heap it really takes. It moves with each write,
 * not with garbage collection. The runtime's own heap is not in it (`used_memory_startup` is 0,
 * the accounting's start); the live V8 heap and the process RSS are reported beside it.
 */
function memorySection(ctx: CommandContext): Section {
  const { store } = ctx;
  const usedBytes = store.usedMemoryBytes();
  const peakBytes = store.peakMemoryBytes;
  const runtime = process.memoryUsage();
  const maxBytes = store.eviction.maxBytes;
  return {
    used_memory: usedBytes,
    used_memory_human: formatHumanBytes(usedBytes),
    used_memory_rss: runtime.rss,
    used_memory_rss_human: formatHumanBytes(runtime.rss),
    used_memory_peak: peakBytes,
    used_memory_peak_human: formatHumanBytes(peakBytes),
    used_memory_startup: 0,
    used_memory_dataset: store.datasetBytes(),
    used_memory_heap: runtime.heapUsed,
    used_memory_heap_total: runtime.heapTotal,
    used_memory_external: runtime.external,
    maxmemory: maxBytes,
    maxmemory_human: formatHumanBytes(maxBytes),
    maxmemory_policy: store.eviction.policy,
    mem_fragmentation_ratio: usedBytes === 0 ? '0.00' : (runtime.rss / usedBytes).toFixed(2),
    mem_allocator: 'v8',
  };
}

function statsSection(ctx: CommandContext): Section {
  const stats = ctx.store.stats;
  return {
    expired_keys: stats.expiredKeys,
    evicted_keys: stats.evictedKeys,
    keyspace_hits: stats.keyspaceHits,
    keyspace_misses: stats.keyspaceMisses,
  };
}

function cpuSection(): Section {
  const usage = process.cpuUsage();
  return {
    used_cpu_sys: (usage.system / 1e6).toFixed(6),
    used_cpu_user: (usage.user / 1e6).toFixed(6),
    // Larder forks no children (snapshots are written in-process), so their CPU time is zero.
    used_cpu_sys_children: '0.000000',
    used_cpu_user_children: '0.000000',
  };
}

/** A master with no replicas and no replication stream: every offset stays 0. */
function replicationSection(): Section {
  return {
    role: 'master',
    connected_slaves: 0,
    master_failover_state: 'no-failover',
    master_repl_offset: 0,
    second_repl_offset: -1,
    repl_backlog_active: 0,
    repl_backlog_size: 0,
    repl_backlog_first_byte_offset: 0,
    repl_backlog_histlen: 0,
  };
}

function keyspaceSection(ctx: CommandContext): Section {
  const section: Section = {};
  for (const db of ctx.store.databases()) {
    if (db.size > 0) section[`db${db.index}`] = `keys=${db.size},expires=${db.volatileCount},avg_ttl=0`;
  }
  return section;
}

/** Section builders by lower-case name, in Redis's order for `INFO` / `INFO all`. */
function sections(ctx: CommandContext): Array<[string, Section]> {
  const extra = ctx.server.infoSections();
  const built: Array<[string, Section]> = [
    ['server', serverSection(ctx)],
    ['clients', extra['clients'] ?? {}],
    ['memory', memorySection(ctx)],
    ['persistence', extra['persistence'] ?? {}],
    ['stats', { ...statsSection(ctx), ...(extra['stats'] ?? {}) }],
    ['replication', replicationSection()],
    ['cpu', cpuSection()],
  ];
  for (const [name, section] of Object.entries(extra)) {
    if (!built.some(([known]) => known === name) && name !== 'keyspace') built.push([name, section]);
  }
  built.push(['keyspace', keyspaceSection(ctx)]);
  return built;
}

const DEFAULT_SECTIONS = new Set(['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'keyspace']);

/** INFO [section ...]: `default`, `all`, `everything` or named sections, case-insensitive. */
export function infoText(argv: readonly string[], ctx: CommandContext): string {
  const wanted = argv.slice(1).map((s) => s.toLowerCase());
  const all = wanted.includes('all') || wanted.includes('everything');
  const useDefault = wanted.length === 0 || wanted.includes('default');
  const lines: string[] = [];
  for (const [name, section] of sections(ctx)) {
    if (!all && !wanted.includes(name) && !(useDefault && DEFAULT_SECTIONS.has(name))) continue;
    if (lines.length > 0) lines.push('');
    lines.push(`# ${name[0]!.toUpperCase()}${name.slice(1)}`);
    for (const [field, value] of Object.entries(section)) lines.push(`${field}:${value}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}
