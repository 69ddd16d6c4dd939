import { Entry, type StoredValue } from './entry.js';

/** Called for every change so the store can count dirty writes, wake WATCH, feed the log. */
export interface KeyspaceHooks {
  modified(db: number, key: string): void;
  expired(db: number, key: string): void;
  /** Called just before the whole database is emptied (FLUSHDB / FLUSHALL), while it still holds its keys. */
  clearing?(db: number): void;
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
export class Keyspace {
  private readonly entries = new Map<string, Entry>();
  private slots: Array<string | undefined> = [];
  private freeSlots: number[] = [];
  private volatile: string[] = [];

  constructor(
    /** Mutable: SWAPDB exchanges keyspaces between indexes. */
    public index: number,
    private readonly hooks: KeyspaceHooks,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get volatileCount(): number {
    return this.volatile.length;
  }

  /** The one read path: returns the live entry or undefined, expiring it lazily if due. */
  lookup(key: string, nowMs: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs !== 0 && entry.expiresAtMs <= nowMs) {
      this.expire(key, entry);
      return undefined;
    }
    return entry;
  }

  /**
   * The stored entry even when its TTL has passed, without expiring it. WATCH needs this: a key
   * already stale when watched and then reclaimed is not a change, a live key that expires is.
   */
  peek(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  /** Stores a fresh value under `key`, replacing any entry (and its TTL) there. */
  set(key: string, value: StoredValue, expiresAtMs = 0, meta?: string): Entry {
    const previous = this.entries.get(key);
    const entry = new Entry(value, meta);
    if (previous === undefined) {
      entry.slot = this.allocateSlot(key);
    } else {
      entry.slot = previous.slot;
      if (previous.volatileIndex !== -1) this.removeVolatile(previous);
    }
    this.entries.set(key, entry);
    if (expiresAtMs !== 0) this.addVolatile(key, entry, expiresAtMs);
    this.hooks.modified(this.index, key);
    return entry;
  }

  /** Adopts an entry moved from elsewhere (RENAME, MOVE, SWAPDB-free paths). */
  adopt(key: string, entry: Entry): void {
    const expiresAtMs = entry.expiresAtMs;
    const moved = new Entry(entry.value, entry.meta);
    this.delete(key);
    moved.slot = this.allocateSlot(key);
    this.entries.set(key, moved);
    if (expiresAtMs !== 0) this.addVolatile(key, moved, expiresAtMs);
    this.hooks.modified(this.index, key);
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.remove(key, entry);
    this.hooks.modified(this.index, key);
    return true;
  }

  /** Sets (expiresAtMs > 0) or clears (0) the TTL of a live entry. */
  setExpiry(key: string, entry: Entry, expiresAtMs: number): void {
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

  /** Marks a value changed in place (APPEND, SETRANGE, aggregate writes). */
  touch(key: string): void {
    this.hooks.modified(this.index, key);
  }

  clear(): void {
    this.hooks.clearing?.(this.index);
    this.entries.clear();
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
    this.remove(key, entry);
    this.hooks.expired(this.index, key);
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
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
  }
}
