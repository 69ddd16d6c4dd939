/**
 * The suites `npm run bench` knows, in the order they run. Each owns its servers and returns
 * rows for the one table. Issue 6 plugs in here without touching the harness:
 *   - `webdis`: Larder's `POST /commands` against webdis + redis-server (HTTP over Redis); start
 *     webdis from `servers/catalog.ts` with a generated config pointing at a `startRedis()` port.
 *   - `memory`: bytes per key after loading N x 100-byte values, Larder's INFO `used_memory` (or
 *     the process RSS delta) against redis-server's `used_memory`; a Comparison with unit `B/key`.
 */
import { aofSuite } from './aof.js';
import { evictionSuite } from './eviction.js';
import { expirySuite } from './expiry.js';
import { growthSuite } from './growth.js';
import { memorySuite } from './memory.js';
import { respSuite } from './resp.js';
import { restSuite } from './rest.js';
import type { Suite } from './types.js';

export const SUITES: readonly Suite[] = [
  restSuite,
  respSuite,
  memorySuite,
  growthSuite,
  expirySuite,
  evictionSuite,
  aofSuite,
];
