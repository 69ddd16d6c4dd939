import type { Keyspace, SlotSource, WriteObserver } from './keyspace.js';
import type { SnapshotEncoder } from './snapshot-encoder.js';
import type { Store } from './store.js';

/** How many slots are visited between two looks at the clock (performance.now() is not free). */
const SLOTS_PER_CLOCK_CHECK = 128;

/** One database's progress. Slots below `nextSlot` have been visited. */
interface DatabaseWalk {
  /** The database's index when the capture began: SWAPDB later moves the Keyspace, not its past. */
  readonly dbIndex: number;
  /** The live keyspace, or the structures clear() replaced (then nothing changes them any more). */
  source: SlotSource;
  detached: boolean;
  nextSlot: number;
  /** Every key present at the start sits below this slot (later keys may append beyond it). */
  readonly endSlot: number;
  /**
   * Keys settled out of slot order: their image as of the start is already written (copied just
   * before a write), or they did not exist at the start. The walk skips them.
   */
  readonly settled: Set<string>;
}

/**
 * A point-in-time image of the store taken without stopping the world: the in-process analogue
 * of Redis's fork. Construction is O(databases); `step()` then walks each database's slot array
 * a slice at a time, encoding entries as it goes, and the event loop keeps turning in between.
 *
 * Consistency comes from key-granularity copy-on-write. The capture observes every keyspace; just
 * before any key is changed (set, delete, expiry, TTL change, or an in-place write announced by
 * lookupForWrite), `beforeWrite` checks whether the walk has reached the key yet. If not, the
 * key's current value — its value at the start, since this is its first change — is encoded at
 * once and the key is marked settled so the walk skips it later. Keys created after the start
 * are marked settled too, so they are left out. Slots are stable while a key lives, which is what
 * makes "has the walk reached it" one comparison.
 *
 * FLUSHDB / FLUSHALL: clear() hands over the structures it replaces, and the walk goes on over
 * those, which nothing references or changes any more. SWAPDB exchanges Keyspace objects; each
 * walk holds its Keyspace and the index it had at the start.
 *
 * The cost: memory for the `settled` keys (only keys written ahead of the walk) and one encode per
 * such key, like the pages a forked Redis child copies. A single huge value is encoded in one go,
 * so it lengthens one slice (about 1 ms per 10,000 members).
 */
export class SnapshotCapture implements WriteObserver {
  /** In-place writes whose value changed before the capture was told (a code path missing lookupForWrite). */
  unannouncedWrites = 0;
  private readonly walks = new Map<Keyspace, DatabaseWalk>();
  private readonly order: DatabaseWalk[] = [];
  private current = 0;
  private attached = true;
  /** An encode that failed inside a write hook: kept for step() to throw, never thrown at the writer. */
  private failure: { error: unknown } | undefined;

  constructor(
    store: Store,
    private readonly encoder: SnapshotEncoder,
    /** Keys whose TTL has passed at this moment are left out, as a load would drop them (0: none is). */
    readonly capturedAtMs: number,
  ) {
    store.databases().forEach((keyspace, dbIndex) => {
      const endSlot = keyspace.slotCount;
      const walk: DatabaseWalk = { dbIndex, source: keyspace, detached: false, nextSlot: 0, endSlot, settled: new Set() };
      this.walks.set(keyspace, walk);
      if (keyspace.size > 0) this.order.push(walk);
      keyspace.observe(this);
    });
  }

  get done(): boolean {
    return this.current >= this.order.length;
  }

  /**
   * Walks for about `budgetMs` (Infinity: to the end). Returns true once every database has been
   * walked; the capture has then stopped observing the store.
   */
  step(budgetMs: number): boolean {
    if (this.failure !== undefined) throw this.failure.error;
    const deadlineMs = performance.now() + budgetMs;
    while (this.current < this.order.length) {
      const walk = this.order[this.current]!;
      if (!this.walkUntil(walk, deadlineMs)) return false;
      this.current++;
    }
    this.stop();
    return true;
  }

  /** Stops observing the store (on completion, or to abandon the capture). Idempotent. */
  stop(): void {
    if (!this.attached) return;
    this.attached = false;
    for (const keyspace of this.walks.keys()) keyspace.unobserve(this);
    this.walks.clear();
  }

  beforeWrite(keyspace: Keyspace, key: string): void {
    const walk = this.walks.get(keyspace);
    if (walk === undefined || walk.detached) return;
    const entry = keyspace.peek(key);
    if (entry !== undefined && entry.slot < walk.nextSlot) return;
    if (walk.settled.has(key)) return;
    walk.settled.add(key);
    if (entry !== undefined) this.encodeForWriter(walk, key);
  }

  /**
   * Called by touch() after an in-place write. The key should have been settled or walked already
   * (its writer used lookupForWrite); if not, its old value is gone. Counted so a test fails, and
   * the new value is taken rather than none: a key that existed must not vanish from the image.
   */
  afterInPlaceWrite(keyspace: Keyspace, key: string): void {
    const walk = this.walks.get(keyspace);
    if (walk === undefined || walk.detached || walk.settled.has(key)) return;
    const entry = keyspace.peek(key);
    if (entry === undefined || entry.slot < walk.nextSlot) return;
    this.unannouncedWrites++;
    walk.settled.add(key);
    this.encodeForWriter(walk, key);
  }

  beforeClear(keyspace: Keyspace, detached: SlotSource): void {
    const walk = this.walks.get(keyspace);
    if (walk === undefined || walk.detached) return;
    walk.source = detached;
    walk.detached = true;
  }

  /** Visits slots until the walk ends (true) or the deadline passes (false). */
  private walkUntil(walk: DatabaseWalk, deadlineMs: number): boolean {
    for (;;) {
      const end = Math.min(walk.endSlot, walk.source.slotCount);
      const sliceEnd = Math.min(end, walk.nextSlot + SLOTS_PER_CLOCK_CHECK);
      if (walk.nextSlot >= end) return true;
      while (walk.nextSlot < sliceEnd) this.visit(walk, walk.nextSlot++);
      if (performance.now() >= deadlineMs) return walk.nextSlot >= end;
    }
  }

  private visit(walk: DatabaseWalk, slot: number): void {
    const key = walk.source.keyAtSlot(slot);
    if (key === undefined || (walk.settled.size > 0 && walk.settled.has(key))) return;
    this.encode(walk, key);
  }

  /**
   * A write hook runs inside a client's command: a failure to encode must fail the snapshot, not
   * the command. The capture stops observing and step() reports the error.
   */
  private encodeForWriter(walk: DatabaseWalk, key: string): void {
    try {
      this.encode(walk, key);
    } catch (error) {
      this.failure = { error };
      this.stop();
    }
  }

  private encode(walk: DatabaseWalk, key: string): void {
    const entry = walk.source.peek(key)!;
    if (entry.expiresAtMs !== 0 && entry.expiresAtMs <= this.capturedAtMs) return;
    this.encoder.record(walk.dbIndex, key, entry);
  }
}
