import { AccessClock } from './access-clock.js';
import type { Clock } from './clock.js';
import { Evictor } from './eviction.js';
import { Keyspace, type KeyspaceHooks } from './keyspace.js';

export type KeyEventKind = 'modified' | 'expired';
export type KeyListener = (db: number, key: string, kind: KeyEventKind) => void;

/** A change to a whole database, announced before it happens (the keys are still in place). */
export type DatabaseChange = { readonly kind: 'flush'; readonly db: number } | { readonly kind: 'swap'; readonly first: number; readonly second: number };
export type DatabaseListener = (change: DatabaseChange) => void;

export interface StoreOptions {
  clock: Clock;
  /** Numbered databases, as Redis's `databases` (16 by default). */
  databases?: number;
  /** Randomness for LFU counters and eviction sampling; tests pass a seeded source. */
  random?: () => number;
}

/** Told of each key evicted, after it is gone (keyspace events, the append-only log). */
export type EvictionListener = (db: number, key: string, nowMs: number) => void;

export interface ExpireCycleOptions {
  /** Keys sampled per database per round (Redis: 20). */
  samplesPerRound: number;
  /** Stop repeating rounds once a round expires at most this fraction of its sample (Redis: 25%). */
  acceptableStaleRatio: number;
  /** Hard cap on one cycle's running time, so the sweep never stalls the event loop. */
  budgetMs: number;
}

export interface StoreStats {
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
}

/**
 * The engine's root: numbered keyspaces, a dirty-write counter for the save policy, counters for
 * INFO, and key-change listeners (WATCH, the append log, notifications subscribe here).
 * Imports nothing from HTTP, RESP or logging.
 */
export class Store {
  readonly clock: Clock;
  private dbs: Keyspace[];
  /** Writes since the last successful snapshot (Redis's `server.dirty`). */
  dirty = 0;
  /**
   * True when the last active-expiry cycle stopped on its time budget while samples were still
   * mostly stale: the caller should run another cycle soon rather than wait a whole period.
   */
  expireBacklog = false;
  private expireCursorDb = 0;
  readonly stats: StoreStats = { expiredKeys: 0, evictedKeys: 0, keyspaceHits: 0, keyspaceMisses: 0 };
  /** Per-key access stamps for LRU / LFU, shared by every database. */
  readonly access: AccessClock;
  /** maxmemory and the eviction policy. */
  readonly eviction: Evictor;
  private readonly evictionListeners: EvictionListener[] = [];
  private readonly listeners = new Set<KeyListener>();
  private readonly databaseListeners = new Set<DatabaseListener>();
  private readonly hooks: KeyspaceHooks;

  constructor(options: StoreOptions) {
    this.clock = options.clock;
    this.hooks = {
      modified: (db, key) => {
        this.dirty++;
        this.emit(db, key, 'modified');
      },
      expired: (db, key) => {
        this.dirty++;
        this.stats.expiredKeys++;
        this.emit(db, key, 'expired');
      },
      clearing: (db) => this.emitDatabase({ kind: 'flush', db }),
    };
    const random = options.random ?? Math.random;
    this.access = new AccessClock(this.clock, random);
    this.dbs = Array.from({ length: options.databases ?? 16 }, (_, i) => new Keyspace(i, this.hooks, this.access));
    this.eviction = new Evictor({
      databases: () => this.dbs,
      usedMemoryBytes: () => this.usedMemoryBytes(),
      access: this.access,
      evict: (db, key, nowMs) => this.evict(db, key, nowMs),
    }, random);
  }

  /** The highest used memory seen by a reader (eviction checks before every command, INFO). */
  peakMemoryBytes = 0;

  /**
   * Redis's used_memory, the figure `maxmemory` bounds: the accounted bytes of every database.
   * The runtime's own heap (Node, V8, Fastify: tens of MB before any key) is not in it, so a
   * small maxmemory still leaves room for data and the same limit holds the same data on every
   * Node version; INFO reports that heap beside it. O(databases).
   */
  usedMemoryBytes(): number {
    const bytes = this.datasetBytes();
    if (bytes > this.peakMemoryBytes) this.peakMemoryBytes = bytes;
    return bytes;
  }

  /** The accounted bytes of every database's keys, values and tables. */
  datasetBytes(): number {
    let bytes = 0;
    for (const db of this.dbs) bytes += db.memoryBytes;
    return bytes;
  }

  onEviction(listener: EvictionListener): void {
    this.evictionListeners.push(listener);
  }

  private evict(db: number, key: string, nowMs: number): void {
    this.db(db).delete(key);
    this.stats.evictedKeys++;
    for (const listener of this.evictionListeners) listener(db, key, nowMs);
  }

  get databaseCount(): number {
    return this.dbs.length;
  }

  db(index: number): Keyspace {
    const keyspace = this.dbs[index];
    if (keyspace === undefined) throw new RangeError(`database ${index} does not exist`);
    return keyspace;
  }

  databases(): readonly Keyspace[] {
    return this.dbs;
  }

  totalKeys(): number {
    return this.dbs.reduce((sum, db) => sum + db.size, 0);
  }

  /** SWAPDB: exchanges the contents of two databases; clients keep their selected index. */
  swap(a: number, b: number): void {
    const first = this.db(a);
    const second = this.db(b);
    this.emitDatabase({ kind: 'swap', first: a, second: b });
    this.dbs[a] = second;
    this.dbs[b] = first;
    second.index = a;
    first.index = b;
    this.dirty++;
  }

  flushAll(): void {
    for (const db of this.dbs) db.clear();
    this.dirty++;
  }

  subscribe(listener: KeyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** WATCH and blocked clients hear of FLUSHDB / FLUSHALL / SWAPDB here, before the change. */
  subscribeDatabases(listener: DatabaseListener): () => void {
    this.databaseListeners.add(listener);
    return () => this.databaseListeners.delete(listener);
  }

  /**
   * One bounded active-expiry cycle over every database (Redis's activeExpireCycle idea):
   * sample keys with a TTL, repeat while the sample was mostly stale, stop at the time budget.
   * Returns how many keys it reclaimed.
   */
  activeExpireCycle(options: ExpireCycleOptions): number {
    const startedMs = performance.now();
    let reclaimed = 0;
    this.expireBacklog = false;
    // Each cycle starts one database further on (Redis's current_db), so a database full of stale
    // keys that exhausts every budget cannot keep the sweep from reaching the ones after it.
    for (let visited = 0; visited < this.dbs.length; visited++) {
      const db = this.dbs[this.expireCursorDb]!;
      this.expireCursorDb = (this.expireCursorDb + 1) % this.dbs.length;
      for (;;) {
        if (db.volatileCount === 0) break;
        const { sampled, expired } = db.sampleExpired(options.samplesPerRound, this.clock.nowMs());
        reclaimed += expired;
        if (expired <= sampled * options.acceptableStaleRatio) break;
        if (performance.now() - startedMs >= options.budgetMs) {
          this.expireBacklog = true;
          return reclaimed;
        }
      }
    }
    return reclaimed;
  }


  private emitDatabase(change: DatabaseChange): void {
    for (const listener of this.databaseListeners) listener(change);
  }

  private emit(db: number, key: string, kind: KeyEventKind): void {
    for (const listener of this.listeners) listener(db, key, kind);
  }
}
