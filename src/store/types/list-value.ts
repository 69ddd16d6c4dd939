import type { AggregateValue } from '../entry.js';
import { ARRAY_BYTES, objectBytes, stringBytes } from '../memory-model.js';

const MIN_CAPACITY = 8;
/** buffer, head, count, itemBytes, chargedBytes. */
const LIST_OBJECT_BYTES = objectBytes(5);

/**
 * A Redis list: a ring-buffer deque over a JS array whose capacity is a power of two.
 * Push and pop at both ends and access by index are O(1) (amortised over doubling); inserting or
 * removing in the middle is O(n), as in Redis. `Array.shift` would make every left pop O(n).
 * The buffer halves when it falls to a quarter full so a drained queue gives its memory back.
 */
export class ListValue implements AggregateValue {
  private buffer: Array<string | undefined> = new Array<string | undefined>(MIN_CAPACITY);
  private head = 0;
  private count = 0;
  /** Heap bytes of the item strings (see memory-model.ts). */
  private itemBytes = 0;
  chargedBytes = 0;

  get type(): 'list' {
    return 'list';
  }

  get sizeBytes(): number {
    return LIST_OBJECT_BYTES + ARRAY_BYTES + this.buffer.length * 8 + this.itemBytes;
  }

  get length(): number {
    return this.count;
  }

  static of(items: Iterable<string>): ListValue {
    const list = new ListValue();
    for (const item of items) list.pushBack(item);
    return list;
  }

  pushFront(item: string): void {
    this.reserve(this.count + 1);
    this.head = (this.head - 1) & this.mask;
    this.buffer[this.head] = item;
    this.count++;
    this.itemBytes += stringBytes(item.length);
  }

  pushBack(item: string): void {
    this.reserve(this.count + 1);
    this.buffer[(this.head + this.count) & this.mask] = item;
    this.count++;
    this.itemBytes += stringBytes(item.length);
  }

  popFront(): string | undefined {
    if (this.count === 0) return undefined;
    const item = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.itemBytes -= stringBytes(item!.length);
    this.shrinkIfSparse();
    return item;
  }

  popBack(): string | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.head + this.count - 1) & this.mask;
    const item = this.buffer[slot];
    this.buffer[slot] = undefined;
    this.count--;
    this.itemBytes -= stringBytes(item!.length);
    this.shrinkIfSparse();
    return item;
  }

  /** The item at a 0-based index from the head, or undefined outside [0, length). */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.buffer[(this.head + index) & this.mask];
  }

  /** Replaces the item at an index known to be in range. */
  setAt(index: number, item: string): void {
    if (index < 0 || index >= this.count) throw new RangeError(`index ${index} outside [0, ${this.count})`);
    const slot = (this.head + index) & this.mask;
    this.itemBytes += stringBytes(item.length) - stringBytes(this.buffer[slot]!.length);
    this.buffer[slot] = item;
  }

  /** Items in [start, end] (inclusive, already clamped to the list). */
  range(start: number, end: number): string[] {
    const items: string[] = [];
    for (let i = start; i <= end; i++) items.push(this.buffer[(this.head + i) & this.mask]!);
    return items;
  }

  /** Inserts before the item at `index` (index === length appends). O(n). */
  insertAt(index: number, item: string): void {
    const items = this.range(0, this.count - 1);
    items.splice(index, 0, item);
    this.replaceAll(items);
  }

  /** Keeps only the items for which `keep` answers true, in order. O(n). */
  retain(keep: (item: string, index: number) => boolean): void {
    this.replaceAll(this.range(0, this.count - 1).filter(keep));
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.buffer[(this.head + i) & this.mask]!;
  }

  clone(): ListValue {
    return ListValue.of(this);
  }

  private get mask(): number {
    return this.buffer.length - 1;
  }

  private replaceAll(items: readonly string[], capacity = capacityFor(items.length)): void {
    this.buffer = new Array<string | undefined>(capacity);
    let itemBytes = 0;
    for (let i = 0; i < items.length; i++) {
      this.buffer[i] = items[i];
      itemBytes += stringBytes(items[i]!.length);
    }
    this.head = 0;
    this.count = items.length;
    this.itemBytes = itemBytes;
  }

  private reserve(needed: number): void {
    if (needed <= this.buffer.length) return;
    this.replaceAll(this.range(0, this.count - 1), capacityFor(needed));
  }

  private shrinkIfSparse(): void {
    if (this.buffer.length > MIN_CAPACITY && this.count < this.buffer.length / 4) {
      this.replaceAll(this.range(0, this.count - 1));
    }
  }
}

function capacityFor(length: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity < length) capacity *= 2;
  return capacity;
}
