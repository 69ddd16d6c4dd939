import { ARRAY_BYTES, arrayElementsBytes, grownCapacity, mapTableBytes, stringBytes } from '../memory-model.js';

/**
 * Members held in a dense array plus a member → position map.
 *
 * Why not a plain `Set`: SPOP, SRANDMEMBER, HRANDFIELD and ZRANDMEMBER need a uniformly random
 * member in O(1), which a JS `Set` cannot give without walking it. Removal swaps the last member
 * into the hole, so the array never has gaps.
 *
 * Cursor iteration (SSCAN, HSCAN, ZSCAN) walks the array from the END towards the start. A cursor
 * `c` means "positions ≥ c were already visited". Swap-removal only ever moves the LAST member,
 * which is in the visited region (or the cursor is past the end), to a lower position:
 * - into the visited region: nothing changes for the caller;
 * - into the unvisited region: that member is reported twice (allowed by SCAN's contract).
 * A member never moves from the unvisited region into the visited one, so every member present for
 * the whole iteration is returned at least once. New members are appended at the end (the visited
 * side) and may or may not be returned, exactly SCAN's guarantees.
 */
abstract class DenseIndex {
  protected members: string[] = [];
  protected readonly positions = new Map<string, number>();
  /** The heap bytes of the member strings, kept as members come and go (see memory-model.ts). */
  private memberBytes = 0;

  get size(): number {
    return this.members.length;
  }

  has(member: string): boolean {
    return this.positions.has(member);
  }

  /** Appends a member known to be absent. */
  protected append(member: string): void {
    this.positions.set(member, this.members.length);
    this.members.push(member);
    this.memberBytes += stringBytes(member.length);
  }

  /** Removes a member; returns false when it was absent. */
  delete(member: string): boolean {
    const position = this.positions.get(member);
    if (position === undefined) return false;
    this.positions.delete(member);
    this.memberBytes -= stringBytes(member.length);
    const last = this.members.length - 1;
    if (position !== last) {
      const moved = this.members[last]!;
      this.members[position] = moved;
      this.positions.set(moved, position);
      this.movedLast(position, last);
    }
    this.members.pop();
    this.poppedLast();
    return true;
  }

  /** The member at a position in [0, size); positions are only meaningful until the next write. */
  memberAt(position: number): string {
    const member = this.members[position];
    if (member === undefined) throw new RangeError(`position ${position} outside [0, ${this.size})`);
    return member;
  }

  /** A uniformly random position (the set must not be empty). */
  randomPosition(): number {
    return Math.floor(Math.random() * this.members.length);
  }

  /** Members in storage order (a snapshot: safe to modify the set while iterating the result). */
  memberList(): string[] {
    return this.members.slice();
  }

  /**
   * Visits about `count` positions below `cursor` (0 = start) and returns the next cursor
   * (0 = done). See the class comment for the guarantees.
   */
  scan(cursor: number, count: number, visit: (position: number) => void): number {
    const start = cursor === 0 || cursor > this.members.length ? this.members.length : cursor;
    const stop = Math.max(0, start - Math.max(1, count));
    for (let position = start - 1; position >= stop; position--) visit(position);
    return stop;
  }

  /** The index's heap bytes: the member array, the member → position Map and the member strings. */
  heapBytes(): number {
    return ARRAY_BYTES + arrayElementsBytes(this.members.length) + mapTableBytes(grownCapacity(this.members.length)) + this.memberBytes;
  }

  /** Hooks for subclasses that keep arrays parallel to `members`. */
  protected movedLast(_to: number, _from: number): void {}
  protected poppedLast(): void {}
}

export class DenseSet extends DenseIndex {
  /** Adds a member; returns false when it was already present. */
  add(member: string): boolean {
    if (this.positions.has(member)) return false;
    this.append(member);
    return true;
  }
}

/** A DenseSet with a value per member (hash fields → values, zset members → skip-list nodes). */
export class DenseMap<V> extends DenseIndex {
  protected values: V[] = [];
  /** Heap bytes of the values, as `valueBytes` measures them (0 unless a subclass says otherwise). */
  private valueBytesTotal = 0;

  get(member: string): V | undefined {
    const position = this.positions.get(member);
    return position === undefined ? undefined : this.values[position];
  }

  /** Sets a value; returns true when the member is new. */
  set(member: string, value: V): boolean {
    const position = this.positions.get(member);
    if (position !== undefined) {
      this.valueBytesTotal += this.valueBytes(value) - this.valueBytes(this.values[position]!);
      this.values[position] = value;
      return false;
    }
    this.values.push(value);
    this.valueBytesTotal += this.valueBytes(value);
    this.append(member);
    return true;
  }

  override delete(member: string): boolean {
    const position = this.positions.get(member);
    if (position === undefined) return false;
    this.valueBytesTotal -= this.valueBytes(this.values[position]!);
    return super.delete(member);
  }

  /** Heap bytes one value holds on its own; values counted elsewhere (skip-list nodes) are 0. */
  protected valueBytes(_value: V): number {
    return 0;
  }

  override heapBytes(): number {
    return super.heapBytes() + ARRAY_BYTES + arrayElementsBytes(this.values.length) + this.valueBytesTotal;
  }

  valueAt(position: number): V {
    if (position < 0 || position >= this.values.length) throw new RangeError(`position ${position} outside [0, ${this.size})`);
    return this.values[position]!;
  }

  protected override movedLast(to: number, from: number): void {
    this.values[to] = this.values[from]!;
  }

  protected override poppedLast(): void {
    this.values.pop();
  }
}
