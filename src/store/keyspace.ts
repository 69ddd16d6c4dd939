import { AccessClock } from './access-clock.js';
import { systemClock } from './clock.js';
import { Entry, type StoredValue } from './entry.js';
import { entryBytes, keyspaceOverheadBytes, rechargeValue, VOLATILE_BYTES } from './memory.js';
import { TableModel } from './memory-model.js';

/** Called for every change so the store can count dirty writes, wake WATCH, feed the log. */
export interface KeyspaceHooks {
  modified(db: number, key: string): void;
  expired(db: number, key: string): void;
  /** Called just before the whole database is emptied (FLUSHDB / FLUSHALL), while it still holds its keys. */
  clearing?(db: number): void;
}

/**
 * What a snapshot capture needs of a keyspace's layout: the slot array and the entries. A live
 * Keyspace is one; clear() hands observers a detached one holding the structures it replaces.
 */
export interface SlotSource {
  readonly slotCount: number;
  keyAtSlot(slot: number): string | undefined;
  peek(key: string): Entry | undefined;
}

/**
 * Told about every change while it is attached (snapshot captures). `beforeWrite` runs before a
 * key is created, replaced, deleted, expired, given a TTL, or handed out for an in-place write
 * (lookupForWrite), while the key still holds its old value; `afterInPlaceWrite` runs at touch().
 */
export interface WriteObserver {
  beforeWrite(keyspace: Keyspace, key: string): void;
  afterInPlaceWrite(keyspace: Keyspace, key: string): void;
  beforeClear(keyspace: Keyspace, detached: SlotSource): void;
}

export interface ScanPage {
  /** 0 when the iteration is complete. */
  nextCursor: number;
  keys: string[];
}

/**
 * One numbered database: a Map for lookups plus two side arrays.
 *
 * - `slots` gives each live key a stable index. SCAN's cursor is a slot index, so a key present for
 *   the whole iteration is returned exactly once however the keyspace changes (deleted keys leave
 *   holes, new keys fill holes or append; nothing moves). RANDOMKEY probes random slots.
 * - `volatile` lists keys that have a TTL, so the active sweep samples them in O(1) (Redis keeps a
 *   separate `expires` dict for the same reason). Removal is swap-with-last.
 */
export class Keyspace implements SlotSource {
  private entries = new Map<string, Entry>();
  private slots: Array<string | undefined> = [];
  private freeSlots: number[] = [];
  private volatile: string[] = [];
  /** Undefined unless a snapshot is being captured: the one check every write pays otherwise. */
  private observers: WriteObserver[] | undefined;
  /** Heap bytes of the entries, their keys and values (memory.ts); the tables are added on read. */
  private entryBytes = 0;
  /** The `entries` Map's capacity, followed exactly so `memoryBytes` moves as the heap does. */
  private readonly table = new TableModel();

  constructor(
    /** Mutable: SWAPDB exchanges keyspaces between indexes. */
    public index: number,
    private readonly hooks: KeyspaceHooks,
    /** Stamps entries on creation and access for the LRU / LFU policies (shared by the store). */
    private readonly access: AccessClock = new AccessClock(systemClock),
  ) {}

  /** What this database holds on the heap, in bytes: O(1), moves with every write. */
  get memoryBytes(): number {
    return this.entryBytes + keyspaceOverheadBytes(this.table.capacity, this.slots.length + this.freeSlots.length, this.volatile.length);
  }

  get size(): number {
    return this.entries.size;
  }

  get volatileCount(): number {
    return this.volatile.length;
  }

  get slotCount(): number {
    return this.slots.length;
  }

  keyAtSlot(slot: number): string | undefined {
    return this.slots[slot];
  }

  /** True while a snapshot capture watches this keyspace's writes. */
  get observed(): boolean {
    return this.observers !== undefined;
  }

  observe(observer: WriteObserver): void {
    this.observers = [...(this.observers ?? []), observer];
  }

  unobserve(observer: WriteObserver): void {
    const rest = this.observers?.filter((o) => o !== observer) ?? [];
    this.observers = rest.length === 0 ? undefined : rest;
  }

  /** The one read path: returns the live entry or undefined, expiring it lazily if due. */
  lookup(key: string, nowMs: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs !== 0 && entry.expiresAtMs <= nowMs) {
      this.expire(key, entry);
      return undefined;
    }
    entry.access = this.access.accessed(entry.access, nowMs);
    return entry;
  }

  /**
   * lookup() for a caller about to change the entry's value in place (APPEND, HSET, LPUSH …): a
   * running snapshot capture copies the old value first. Must be followed by touch(key).
   */
  lookupForWrite(key: string, nowMs: number): Entry | undefined {
    const entry = this.lookup(key, nowMs);
    if (entry !== undefined && this.observers !== undefined) this.announce(key);
    return entry;
  }

  /**
   * The stored entry even when its TTL has passed, without expiring it. WATCH needs this: a key
   * already stale when watched and then reclaimed is not a change, a live key that expires is.
   */
  peek(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  /**
   * Stores a fresh value under `key`, replacing any entry (and its TTL) there. `nowMs` stamps the
   * entry for LRU / LFU; a caller with the command's time passes it, saving a clock reading.
   */
  set(key: string, value: StoredValue, expiresAtMs = 0, meta?: string, nowMs?: number): Entry {
    if (this.observers !== undefined) this.announce(key);
    const previous = this.entries.get(key);
    const entry = Entry.create(value, meta);
    // An overwrite keeps the key's access frequency, as Redis's dbSetValue does under LFU.
    entry.access = previous !== undefined && this.access.lfu ? previous.access : this.access.fresh(nowMs);
    if (previous === undefined) {
      entry.slot = this.allocateSlot(key);
      this.entries.set(key, entry);
      this.table.added(this.entries.size);
    } else {
      entry.slot = previous.slot;
      if (previous.volatileIndex !== -1) this.removeVolatile(previous);
      this.entryBytes -= entryBytes(key, previous, false);
      this.entries.set(key, entry);
    }
    this.entryBytes += entryBytes(key, entry, true);
    if (expiresAtMs !== 0) this.addVolatile(key, entry, expiresAtMs);
    this.hooks.modified(this.index, key);
    return entry;
  }

  /**
   * set() for filling a database before the server serves (snapshot load): the same entry and the
   * same accounting, without what only a serving store needs. No capture can be running and no
   * client watching, so there are no observers to tell and no change hooks to call (the dirty
   * count and WATCH concern changes after start), and a snapshot holds each key once, so there is
   * no previous entry to replace. Returns false, storing nothing, if `key` is already present.
   */
  restore(key: string, value: StoredValue, expiresAtMs: number, meta: string | undefined, access: number): boolean {
    if (this.entries.has(key)) return false;
    const entry = Entry.create(value, meta);
    entry.access = access;
    this.entries.set(key, entry);
    entry.slot = this.allocateSlot(key);
    this.table.added(this.entries.size);
    this.entryBytes += entryBytes(key, entry, true);
    if (expiresAtMs !== 0) this.addVolatile(key, entry, expiresAtMs);
    return true;
  }

  /** Adopts an entry moved from elsewhere (RENAME, MOVE, SWAPDB-free paths). */
  adopt(key: string, entry: Entry): void {
    if (this.observers !== undefined) this.announce(key);
    const expiresAtMs = entry.expiresAtMs;
    const moved = Entry.create(entry.value, entry.meta);
    moved.access = entry.access;
    this.delete(key);
    moved.slot = this.allocateSlot(key);
    this.entries.set(key, moved);
    this.table.added(this.entries.size);
    this.entryBytes += entryBytes(key, moved, true);
    if (expiresAtMs !== 0) this.addVolatile(key, moved, expiresAtMs);
    this.hooks.modified(this.index, key);
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    if (this.observers !== undefined) this.announce(key);
    this.remove(key, entry);
    this.hooks.modified(this.index, key);
    return true;
  }

  /** Sets (expiresAtMs > 0) or clears (0) the TTL of a live entry. */
  setExpiry(key: string, entry: Entry, expiresAtMs: number): void {
    if (this.observers !== undefined) this.announce(key);
    if (expiresAtMs === 0) {
      if (entry.volatileIndex !== -1) this.removeVolatile(entry);
      entry.expiresAtMs = 0;
    } else if (entry.volatileIndex === -1) {
      this.addVolatile(key, entry, expiresAtMs);
    } else {
      entry.expiresAtMs = expiresAtMs;
    }
    this.hooks.modified(this.index, key);
  }

  /** Marks a value changed in place (aggregate writes); its size is counted again. */
  touch(key: string): void {
    if (this.observers !== undefined) for (const observer of this.observers) observer.afterInPlaceWrite(this, key);
    const value = this.entries.get(key)?.value;
    if (value !== undefined && typeof value !== 'string') this.entryBytes += rechargeValue(value);
    this.hooks.modified(this.index, key);
  }

  /**
   * Replaces the bytes of a string entry in place (APPEND, SETRANGE, INCR), dropping the REST
   * marker. The entry comes from lookupForWrite, so a snapshot capture has already copied it.
   */
  replaceString(key: string, entry: Entry, value: string): void {
    this.entryBytes -= entryBytes(key, entry, false);
    entry.value = value;
    entry.dropMeta();
    this.entryBytes += entryBytes(key, entry, true);
    if (this.observers !== undefined) for (const observer of this.observers) observer.afterInPlaceWrite(this, key);
    this.hooks.modified(this.index, key);
  }

  clear(): void {
    this.hooks.clearing?.(this.index);
    // Fresh structures rather than emptied ones: a capture in progress keeps reading the old.
    if (this.observers !== undefined) {
      const detached = detachedSource(this.slots, this.entries);
      for (const observer of this.observers) observer.beforeClear(this, detached);
    }
    this.entries = new Map();
    this.table.cleared();
    this.entryBytes = 0;
    this.slots = [];
    this.freeSlots = [];
    this.volatile = [];
  }

  /** Iterates every stored entry, expired-but-unreclaimed ones included (snapshots filter). */
  *allEntries(): IterableIterator<[string, Entry]> {
    yield* this.entries;
  }

  /**
   * Visits about `count` slots from `cursor`. Keys present for the whole iteration come back
   * exactly once; keys added or removed meanwhile may or may not. Expired keys are skipped.
   */
  scan(cursor: number, count: number, nowMs: number, accept?: (key: string, entry: Entry) => boolean): ScanPage {
    const keys: string[] = [];
    const end = this.slots.length;
    const maxVisited = Math.max(count, 1) * 10;
    let index = cursor;
    let visited = 0;
    while (index < end && keys.length < count && visited < maxVisited) {
      const key = this.slots[index++];
      visited++;
      if (key === undefined) continue;
      const entry = this.lookup(key, nowMs);
      if (entry !== undefined && (accept === undefined || accept(key, entry))) keys.push(key);
    }
    return { nextCursor: index >= this.slots.length ? 0 : index, keys };
  }

  /** A uniformly chosen live key, or undefined when the database is empty. */
  randomKey(nowMs: number): string | undefined {
    for (let attempt = 0; attempt < 100 && this.entries.size > 0; attempt++) {
      const key = this.slots[Math.floor(Math.random() * this.slots.length)];
      if (key !== undefined && this.lookup(key, nowMs) !== undefined) return key;
    }
    // Sparse slot array or a keyspace full of expired keys: fall back to a linear walk.
    for (const key of this.slots) {
      if (key !== undefined && this.lookup(key, nowMs) !== undefined) return key;
    }
    return undefined;
  }

  /**
   * Eviction's sample: up to `count` random keys, from every key or only those with a TTL, each
   * handed to `visit` with its entry (stale ones included, as Redis samples its dicts). Picks
   * may repeat. Returns how many were visited.
   */
  sampleKeys(count: number, volatileOnly: boolean, random: () => number, visit: (key: string, entry: Entry) => void): number {
    const pool = volatileOnly ? this.volatile : this.slots;
    let visited = 0;
    // The slot array has holes where keys were deleted; give up after a bounded number of misses.
    for (let attempt = 0; visited < count && attempt < count * 10 && this.entries.size > 0; attempt++) {
      const key = pool[Math.floor(random() * pool.length)];
      if (key === undefined) continue;
      visit(key, this.entries.get(key)!);
      visited++;
    }
    // A sparse slot array can defeat random probes: walk on from a random point instead.
    const start = Math.floor(random() * pool.length);
    for (let i = 0; visited === 0 && i < pool.length; i++) {
      const key = pool[(start + i) % pool.length];
      if (key === undefined) continue;
      visit(key, this.entries.get(key)!);
      visited++;
    }
    return visited;
  }

  /** Expires up to `sampleSize` random keys with a TTL; returns how many were sampled / expired. */
  sampleExpired(sampleSize: number, nowMs: number): { sampled: number; expired: number } {
    let expired = 0;
    const sampled = Math.min(sampleSize, this.volatile.length);
    for (let i = 0; i < sampled && this.volatile.length > 0; i++) {
      const key = this.volatile[Math.floor(Math.random() * this.volatile.length)]!;
      const entry = this.entries.get(key)!;
      if (entry.expiresAtMs <= nowMs) {
        this.expire(key, entry);
        expired++;
      }
    }
    return { sampled, expired };
  }

  private expire(key: string, entry: Entry): void {
    if (this.observers !== undefined) this.announce(key);
    this.remove(key, entry);
    this.hooks.expired(this.index, key);
  }

  private announce(key: string): void {
    for (const observer of this.observers!) observer.beforeWrite(this, key);
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.table.removed(this.entries.size);
    this.entryBytes -= entryBytes(key, entry, false);
    if (entry.volatileIndex !== -1) this.removeVolatile(entry);
    this.releaseSlot(entry.slot);
  }

  private allocateSlot(key: string): number {
    while (this.freeSlots.length > 0) {
      const slot = this.freeSlots.pop()!;
      // The slot array may have shrunk past a freed index since it was released.
      if (slot < this.slots.length) {
        this.slots[slot] = key;
        return slot;
      }
    }
    this.slots.push(key);
    return this.slots.length - 1;
  }

  private releaseSlot(slot: number): void {
    this.slots[slot] = undefined;
    if (slot === this.slots.length - 1) {
      while (this.slots.length > 0 && this.slots[this.slots.length - 1] === undefined) this.slots.pop();
    } else {
      this.freeSlots.push(slot);
    }
    if (this.entries.size === 0) {
      this.slots = [];
      this.freeSlots = [];
    }
  }

  private addVolatile(key: string, entry: Entry, expiresAtMs: number): void {
    entry.expiresAtMs = expiresAtMs;
    entry.volatileIndex = this.volatile.length;
    this.volatile.push(key);
    this.entryBytes += VOLATILE_BYTES;
  }

  private removeVolatile(entry: Entry): void {
    const index = entry.volatileIndex;
    const lastKey = this.volatile.pop()!;
    if (index < this.volatile.length) {
      this.volatile[index] = lastKey;
      this.entries.get(lastKey)!.volatileIndex = index;
    }
    // expiresAtMs is left as is: a removed entry may be re-adopted under a new name (RENAME, MOVE).
    entry.volatileIndex = -1;
    this.entryBytes -= VOLATILE_BYTES;
  }
}

function detachedSource(slots: ReadonlyArray<string | undefined>, entries: ReadonlyMap<string, Entry>): SlotSource {
  return { slotCount: slots.length, keyAtSlot: (slot) => slots[slot], peek: (key) => entries.get(key) };
}
