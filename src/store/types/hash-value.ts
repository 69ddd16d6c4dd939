import type { AggregateValue } from '../entry.js';
import { objectBytes, stringBytes } from '../memory-model.js';
import { DenseMap } from './dense-set.js';

/** members, positions, memberBytes, values, valueBytesTotal, chargedBytes. */
const HASH_OBJECT_BYTES = objectBytes(6);

/** A Redis hash: field → value byte strings, with O(1) random fields for HRANDFIELD (see DenseMap). */
export class HashValue extends DenseMap<string> implements AggregateValue {
  chargedBytes = 0;

  get type(): 'hash' {
    return 'hash';
  }

  get sizeBytes(): number {
    return HASH_OBJECT_BYTES + this.heapBytes();
  }

  protected override valueBytes(value: string): number {
    return stringBytes(value.length);
  }

  static of(pairs: Iterable<readonly [string, string]>): HashValue {
    const hash = new HashValue();
    for (const [field, value] of pairs) hash.set(field, value);
    return hash;
  }

  /** [field, value] pairs in storage order. */
  *pairs(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.members.length; i++) yield [this.members[i]!, this.values[i]!];
  }

  clone(): HashValue {
    return HashValue.of(this.pairs());
  }
}
