/**
 * Wires `maxmemory` into the command path, as Redis's processCommand does: before every top-level
 * command, while used memory is over the limit, keys are evicted by the policy; when nothing more
 * can go, a `denyoom` command (or an EXEC whose queue holds one) is refused with Redis's OOM text.
 * Reads, DEL and the like keep working over the limit.
 *
 * Each evicted key is deleted from the store (which counts `evicted_keys`), announced as an
 * `evicted` keyspace event, and handed to the append-only log as `DEL key`, joining the record
 * of the command that needed the memory.
 */
import { Errors } from '../errors.js';
import { isEvictionPolicy, type EvictionPolicy } from '../store/eviction.js';
import type { Store } from '../store/store.js';
import { integerParameter, memoryParameter } from './config-registry.js';
import type { Dispatcher } from './dispatcher.js';
import type { KeyspaceNotifier } from './notifications.js';
import type { ConfigRegistry } from './types.js';

export interface MemoryLimitOptions {
  /** 0: no limit. */
  maxBytes: number;
  policy: EvictionPolicy;
  /** Keys sampled per database per eviction round (Redis's maxmemory-samples, 1–64). */
  samples: number;
}

export const DEFAULT_MEMORY_LIMIT: MemoryLimitOptions = { maxBytes: 0, policy: 'noeviction', samples: 5 };

const INT_MAX = 2 ** 31 - 1;

export function installMemoryLimit(store: Store, dispatcher: Dispatcher, notifications: KeyspaceNotifier, config: ConfigRegistry, options: MemoryLimitOptions): void {
  const eviction = store.eviction;
  eviction.maxBytes = options.maxBytes;
  eviction.samples = options.samples;
  setPolicy(store, options.policy);
  store.onEviction((db, key, nowMs) => {
    notifications.keyEvicted(db, key);
    dispatcher.propagate(db, ['DEL', key], nowMs);
  });
  dispatcher.addGate((intent) => {
    if (eviction.maxBytes === 0) return undefined;
    const outcome = eviction.freeMemory(intent.nowMs);
    return outcome === 'full' && intent.denyOom ? Errors.oom() : undefined;
  });
  defineParameters(store, config);
}

function setPolicy(store: Store, policy: EvictionPolicy): void {
  store.eviction.policy = policy;
  store.eviction.resetPool();
  store.access.lfu = policy.endsWith('-lfu');
}

function defineParameters(store: Store, config: ConfigRegistry): void {
  const { eviction, access } = store;
  config.define(memoryParameter('maxmemory', { min: 0, max: Number.MAX_SAFE_INTEGER }, () => eviction.maxBytes, (bytes) => (eviction.maxBytes = bytes)));
  config.define({
    name: 'maxmemory-policy',
    get: () => eviction.policy,
    set: (text) => {
      const policy = text.toLowerCase();
      // Redis lists its enum in its own declaration order.
      if (!isEvictionPolicy(policy)) throw new Error(`argument(s) must be one of the following: ${REDIS_POLICY_ORDER.join(', ')}`);
      setPolicy(store, policy);
    },
  });
  config.define(integerParameter('maxmemory-samples', { min: 1, max: 64 }, () => eviction.samples, (n) => (eviction.samples = n)));
  config.define(integerParameter('lfu-log-factor', { min: 0, max: INT_MAX }, () => access.lfuLogFactor, (n) => (access.lfuLogFactor = n)));
  config.define(integerParameter('lfu-decay-time', { min: 0, max: INT_MAX }, () => access.lfuDecayMinutes, (n) => (access.lfuDecayMinutes = n)));
}

const REDIS_POLICY_ORDER: readonly EvictionPolicy[] = [
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction',
];