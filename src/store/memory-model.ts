/**
 * What the heap really pays for the structures the store builds, in bytes, for V8 on 64-bit
 * without pointer compression (Node's official builds): every tagged field is 8 bytes, every
 * object starts with a map, properties and elements word (24 bytes), and a heap number is 16.
 *
 * These figures were measured, not guessed: `test/store/memory-accounting.test.ts` loads keys of
 * every type into a child process and holds the accounted growth to the heap growth after GC.
 * The model is per structure so that writes can keep a running total (no re-walking): the value
 * classes add and subtract per member, the keyspace per entry.
 */

const WORD_BYTES = 8;
/** A sequential one-byte string: map word, hash field (4) and length (4), then the bytes. */
const STRING_HEADER_BYTES = 16;
/** A heap number (an expiry time too large for a small integer). */
export const HEAP_NUMBER_BYTES = 16;
/** A JS object's map, properties and elements words. */
const OBJECT_HEADER_BYTES = 3 * WORD_BYTES;
/** A JSArray object plus its backing store's header (map + length). */
export const ARRAY_BYTES = OBJECT_HEADER_BYTES + WORD_BYTES + 2 * WORD_BYTES;
/** The smallest capacity V8 gives an OrderedHashMap / OrderedHashSet. */
const MIN_TABLE_CAPACITY = 4;

export function roundUp8(bytes: number): number {
  return (bytes + 7) & ~7;
}

/** A one-byte (latin1) string of `length` bytes. */
export function stringBytes(length: number): number {
  return STRING_HEADER_BYTES + roundUp8(length);
}

/** An object with `fields` in-object fields. */
export function objectBytes(fields: number): number {
  return OBJECT_HEADER_BYTES + fields * WORD_BYTES;
}

/**
 * A Map's backing OrderedHashMap with room for `capacity` entries: per entry a key, a value and a
 * chain link (3 words); a bucket word per 2 entries; a header of 3 counters. The JSMap object
 * (4 words) sits in front. A Set has one word less per entry.
 */
export function mapTableBytes(capacity: number, wordsPerEntry = 3): number {
  return objectBytes(1) + 2 * WORD_BYTES + 3 * WORD_BYTES + capacity * (wordsPerEntry * WORD_BYTES + WORD_BYTES / 2);
}

/**
 * The capacity of a Map that has only grown to `size` entries: V8 starts at 4 and doubles when
 * full, so it is the next power of two. (It halves again below a quarter full, so a shrinking
 * Map is never more than 4× its size; the keyspace tracks its own table exactly, see TableModel.)
 */
export function grownCapacity(size: number): number {
  let capacity = MIN_TABLE_CAPACITY;
  while (capacity < size) capacity *= 2;
  return capacity;
}

/**
 * The elements of a JS array grown by `push` to `length`: a word per slot of capacity, which V8
 * grows to `needed × 1.5 + 16` each time a push finds it full (so a 1-item array holds 17 slots).
 */
export function arrayElementsBytes(length: number): number {
  let capacity = 0;
  while (capacity < length) {
    const needed = capacity + 1;
    capacity = needed + (needed >> 1) + 16;
  }
  return capacity * WORD_BYTES;
}

/**
 * An exact model of one Map's table capacity, following V8's OrderedHashTable rules: grow (×2)
 * when an insert finds the table full of live and deleted entries, rehash in place when half of
 * those are deleted, halve when fewer than a quarter are live, back to the minimum on clear.
 */
export class TableModel {
  capacity = MIN_TABLE_CAPACITY;
  private deleted = 0;

  added(liveAfter: number): void {
    if (liveAfter - 1 + this.deleted < this.capacity) return;
    if (this.deleted < this.capacity / 2) this.capacity *= 2;
    this.deleted = 0;
  }

  removed(liveAfter: number): void {
    this.deleted++;
    if (liveAfter < this.capacity / 4 && this.capacity > MIN_TABLE_CAPACITY) {
      this.capacity /= 2;
      this.deleted = 0;
    }
  }

  cleared(): void {
    this.capacity = MIN_TABLE_CAPACITY;
    this.deleted = 0;
  }
}
