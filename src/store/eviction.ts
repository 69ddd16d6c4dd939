/**
 * `maxmemory` and its eviction policies, with Redis's names and semantics (evict.c):
 *
 * - `noeviction`: nothing is evicted; commands that would grow memory are refused.
 * - `allkeys-*` pick among every key, `volatile-*` only among keys with a TTL.
 * - `*-lru` evict the key idle longest, `*-lfu` the least frequently used (see access-clock.ts),
 *   `volatile-ttl` the key closest to expiring, `*-random` any key.
 *
 * LRU, LFU and TTL are approximated as Redis does: each round samples `samples` keys per
 * database into a pool of the 16 best candidates seen so far (kept across rounds, sorted
 * ascending by score, so the pool remembers good candidates from earlier samples), then evicts the
 * best one that still exists. Random policies take one random key, visiting databases in turn.
 */
import type { AccessClock } from './access-clock.js';
import type { Keyspace } from './keyspace.js';

export const EVICTION_POLICIES = [
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

export function isEvictionPolicy(text: string): text is EvictionPolicy {
  return (EVICTION_POLICIES as readonly string[]).includes(text);
}

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;
/**
 * Longest one command spends evicting (Redis's default maxmemory-eviction-tenacity of 10 gives
 * 500 µs): a limit lowered far below use is reached over the next commands, not in one stall.
 */
const EVICTION_BUDGET_MS = 0.5;
/** Evictions between two looks at the clock, as Redis checks every 16 keys. */
const KEYS_PER_CLOCK_CHECK = 16;

/**
 * `fits`: under the limit (or no limit). `evicting`: still over, but the time budget ran out while
 * keys could still go; commands go ahead and the next one evicts more. `full`: over the limit
 * and nothing the policy may evict.
 */
export type EvictionOutcome = 'fits' | 'evicting' | 'full';

interface Candidate {
  /** Higher is a better candidate: idle ms, 255 − frequency, or −expiry time. */
  score: number;
  db: number;
  key: string;
}

/** Where the evictor reads the keyspace and reports each eviction. */
export interface EvictionHost {
  databases(): readonly Keyspace[];
  /** Bytes counted against the limit (the store's used memory). */
  usedMemoryBytes(): number;
  readonly access: AccessClock;
  /** Deletes an evicted key and tells whoever listens (notifications, the append-only log). */
  evict(db: number, key: string, nowMs: number): void;
}

export class Evictor {
  /** 0: no limit. */
  maxBytes = 0;
  policy: EvictionPolicy = 'noeviction';
  /** Redis's maxmemory-samples: keys sampled per database per round. */
  samples = 5;
  private pool: Candidate[] = [];
  private nextRandomDb = 0;

  constructor(
    private readonly host: EvictionHost,
    private readonly random: () => number = Math.random,
  ) {}

  /** True while used memory is over a configured limit. */
  overLimit(): boolean {
    return this.maxBytes !== 0 && this.host.usedMemoryBytes() > this.maxBytes;
  }

  /**
   * Evicts keys until used memory is back under the limit or the time budget is spent. `full`
   * (noeviction, or no key the policy can pick) tells the caller to refuse commands that would
   * add memory.
   */
  freeMemory(nowMs: number, elapsedMs: () => number = stopwatch()): EvictionOutcome {
    let evicted = 0;
    while (this.overLimit()) {
      if (this.policy === 'noeviction') return 'full';
      const victim = this.policy.endsWith('-random') ? this.randomVictim() : this.pooledVictim(nowMs);
      if (victim === undefined) return 'full';
      this.host.evict(victim.db, victim.key, nowMs);
      if (++evicted % KEYS_PER_CLOCK_CHECK === 0 && elapsedMs() > EVICTION_BUDGET_MS) return 'evicting';
    }
    return 'fits';
  }

  private get volatileOnly(): boolean {
    return this.policy.startsWith('volatile-');
  }

  private randomVictim(): { db: number; key: string } | undefined {
    const dbs = this.host.databases();
    for (let i = 0; i < dbs.length; i++) {
      this.nextRandomDb = (this.nextRandomDb + 1) % dbs.length;
      const db = dbs[this.nextRandomDb]!;
      let picked: string | undefined;
      db.sampleKeys(1, this.volatileOnly, this.random, (key) => (picked = key));
      if (picked !== undefined) return { db: db.index, key: picked };
    }
    return undefined;
  }

  /** Refills the pool from every database, then takes its best candidate that still qualifies. */
  private pooledVictim(nowMs: number): Candidate | undefined {
    for (;;) {
      let sampled = 0;
      for (const db of this.host.databases()) {
        sampled += db.sampleKeys(this.samples, this.volatileOnly, this.random, (key, entry) => {
          this.offer({ score: this.score(entry.access, entry.expiresAtMs, nowMs), db: db.index, key });
        });
      }
      if (sampled === 0) return undefined;
      while (this.pool.length > 0) {
        const best = this.pool.pop()!;
        // The pool outlives deletions (Redis's "ghosts"): skip keys gone or no longer eligible.
        const entry = this.host.databases()[best.db]?.peek(best.key);
        if (entry !== undefined && (!this.volatileOnly || entry.volatileIndex !== -1)) return best;
      }
    }
  }

  private score(access: number, expiresAtMs: number, nowMs: number): number {
    if (this.policy === 'volatile-ttl') return -expiresAtMs;
    const clock = this.host.access;
    return this.policy.endsWith('-lfu') ? 255 - clock.frequency(access, nowMs) : clock.idleMs(access, nowMs);
  }

  /** Redis's evictionPoolPopulate insert: kept ascending; a full pool drops its worst. */
  private offer(candidate: Candidate): void {
    const pool = this.pool;
    const existing = pool.findIndex((c) => c.key === candidate.key && c.db === candidate.db);
    if (existing !== -1) pool.splice(existing, 1);
    let at = 0;
    while (at < pool.length && pool[at]!.score < candidate.score) at++;
    if (pool.length === POOL_SIZE) {
      if (at === 0) return;
      pool.shift();
      at--;
    }
    pool.splice(at, 0, candidate);
  }

  /** A policy change makes the pooled scores meaningless (Redis empties the pool the same way). */
  resetPool(): void {
    this.pool = [];
  }
}

function stopwatch(): () => number {
  const startedMs = performance.now();
  return () => performance.now() - startedMs;
}
