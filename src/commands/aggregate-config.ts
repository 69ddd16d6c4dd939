/**
 * Redis's compact-encoding thresholds (`hash-max-listpack-entries`, `zset-max-ziplist-value` …).
 *
 * Larder keeps exactly one representation per type (hash and set: a dense index over a Map; list:
 * a ring-buffer deque; sorted set: a skip list plus an index), so these change nothing here. They
 * are accepted and remembered because clients, deployment scripts and Redis's own test suite set
 * them, and refusing would break those scripts for no benefit. The README says so.
 */
import { integerParameter } from './config-registry.js';
import type { ConfigRegistry } from './types.js';

const INT_MAX = 2 ** 31 - 1;
const LONG_MAX = Number.MAX_SAFE_INTEGER;

interface Threshold {
  names: readonly string[];
  initial: number;
  min: number;
  max: number;
}

/** Redis 7.0's defaults and ranges; the old `ziplist` spellings are aliases of the same value. */
const THRESHOLDS: readonly Threshold[] = [
  { names: ['hash-max-listpack-entries', 'hash-max-ziplist-entries'], initial: 128, min: 0, max: LONG_MAX },
  { names: ['hash-max-listpack-value', 'hash-max-ziplist-value'], initial: 64, min: 0, max: LONG_MAX },
  { names: ['list-max-listpack-size', 'list-max-ziplist-size'], initial: -2, min: -INT_MAX, max: INT_MAX },
  { names: ['list-compress-depth'], initial: 0, min: 0, max: INT_MAX },
  { names: ['set-max-intset-entries'], initial: 512, min: 0, max: LONG_MAX },
  { names: ['zset-max-listpack-entries', 'zset-max-ziplist-entries'], initial: 128, min: 0, max: LONG_MAX },
  { names: ['zset-max-listpack-value', 'zset-max-ziplist-value'], initial: 64, min: 0, max: LONG_MAX },
];

export function defineEncodingParameters(config: ConfigRegistry): void {
  for (const { names, initial, min, max } of THRESHOLDS) {
    let value = initial;
    for (const name of names) {
      config.define(integerParameter(name, { min, max }, () => value, (next) => (value = next)));
    }
  }
}
